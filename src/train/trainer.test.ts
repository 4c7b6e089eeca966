import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Cae } from '../model/cae';
import { MICRO } from '../model/presets';
import { patternImages } from '../testing/batches';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { PAPER_TRAIN, type TrainConfig } from './config';
import { CaeTrainer, NonFiniteLossError } from './trainer';

const TRAIN: TrainConfig = { ...PAPER_TRAIN, seed: 3, batchSize: 8, baseLr: 2e-3, baseBatch: 8, totalSteps: 40, warmupSteps: 4 };

describe('CaeTrainer on the micro preset', () => {
  it('lowers the loss clearly within a few dozen steps on a fixed batch', async () => {
    const model = new Cae(MICRO, TRAIN.seed);
    const trainer = new CaeTrainer(model, TRAIN);
    const images = patternImages(8, MICRO.imgSize, 1);
    const losses: number[] = [];
    for (let i = 0; i < 40; i++) losses.push((await trainer.trainStep({ images })).total);
    const first = (losses[0]! + losses[1]! + losses[2]!) / 3;
    const last = (losses[37]! + losses[38]! + losses[39]!) / 3;
    console.log(`micro loss: first ${losses[0]!.toFixed(4)}, last ${losses[39]!.toFixed(4)} (means of 3: ${first.toFixed(4)} → ${last.toFixed(4)})`);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(last).toBeLessThan(0.6 * first);
    images.dispose();
    trainer.dispose();
    model.dispose();
  });

  it('holds the same number of tensors after N steps as after one', async () => {
    const model = new Cae({ ...MICRO, dropPathRate: 0.1 }, 1);
    const trainer = new CaeTrainer(model, TRAIN);
    const images = patternImages(4, MICRO.imgSize, 2);
    await trainer.trainStep({ images });
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await trainer.trainStep({ images });
    expect(tf.memory().numTensors).toBe(after1);
    images.dispose();
    trainer.dispose();
    model.dispose();
  });

  it('releases every tensor on dispose', async () => {
    const before = tf.memory().numTensors;
    const model = new Cae(MICRO, 1);
    const trainer = new CaeTrainer(model, TRAIN);
    const images = patternImages(2, MICRO.imgSize, 2);
    await trainer.trainStep({ images });
    images.dispose();
    trainer.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('save → load → continue gives the same next losses as never stopping', async () => {
    const config = { ...MICRO, dropPathRate: 0.1 }; // drop path makes the random streams matter
    const images = patternImages(4, config.imgSize, 5);
    const a = new CaeTrainer(new Cae(config, TRAIN.seed), TRAIN);
    for (let i = 0; i < 3; i++) await a.trainStep({ images });
    const bytes = await saveCheckpoint(a, { dataCursor: '3' });
    const straight = [await a.trainStep({ images }), await a.trainStep({ images })];

    const run = loadCheckpoint(bytes);
    expect(run.resumed).toBe(true);
    expect(run.extra).toEqual({ dataCursor: '3' });
    expect(run.trainer.step).toBe(3);
    const resumed = [await run.trainer.trainStep({ images }), await run.trainer.trainStep({ images })];
    expect(resumed).toEqual(straight); // bit for bit: same weights, moments, step, masks and drop path
    tf.dispose(images);
    for (const t of [a, run.trainer]) {
      t.dispose();
      t.model.dispose();
    }
  });

  it('refuses a non-finite loss without touching the weights', async () => {
    const model = new Cae(MICRO, 2);
    const trainer = new CaeTrainer(model, TRAIN);
    const bad = tf.fill([2, 3, 32, 32], NaN) as tf.Tensor4D;
    const before = await model.vars.get('encoder.blocks.0.attn.qkv.weight')!.data();
    await expect(trainer.trainStep({ images: bad })).rejects.toBeInstanceOf(NonFiniteLossError);
    expect(await model.vars.get('encoder.blocks.0.attn.qkv.weight')!.data()).toEqual(before);
    expect(trainer.step).toBe(0);
    expect(trainer.optimizer.t).toBe(0);
    bad.dispose();
    trainer.dispose();
    model.dispose();
  });

  it('trains token targets with alignment off', async () => {
    const config = { ...MICRO, target: 'token' as const, vocabSize: 16, alignment: false };
    const model = new Cae(config, 4);
    const trainer = new CaeTrainer(model, TRAIN);
    const images = patternImages(2, config.imgSize, 3);
    const tokens = Int32Array.from({ length: 2 * 16 }, (_, i) => i % 16);
    const r = await trainer.trainStep({ images, tokens });
    expect(r.alignment).toBeNull();
    expect(r.total).toBeCloseTo(r.reconstruction, 6);
    expect(r.reconstruction).toBeGreaterThan(0);
    await expect(trainer.trainStep({ images })).rejects.toThrow(/token targets need a code for every patch/);
    images.dispose();
    trainer.dispose();
    model.dispose();
  });
});
