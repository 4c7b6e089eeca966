import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Dvae } from '../model/dvae';
import type { DvaeConfig } from '../model/dvaeConfig';
import { patternImages } from '../testing/batches';
import { CodebookUsage, perplexity } from './codebookUsage';
import { type DvaeTrainConfig, dvaeTrainConfig, klWeightAt, temperatureAt } from './dvaeSchedule';
import { DvaeTrainer } from './dvaeTrainer';

/** Small enough for TF.js's CPU backend: 16 px, 4×4 codes of 4 px, 16 codes, 2·2^l channels. */
const SMALL: DvaeConfig = { imgSize: 16, downsample: 4, vocabSize: 16, hiddenDim: 2, blocksPerGroup: 1 };
const TRAIN: DvaeTrainConfig = { ...dvaeTrainConfig(40, { seed: 3, batchSize: 4 }), baseLr: 3e-3, baseBatch: 4 };

describe('d-VAE schedules (DALL-E shapes scaled to the run)', () => {
  it('temperature anneals from 1 to 1/16 over 12.5 % of the run and holds', () => {
    const t = dvaeTrainConfig(8000);
    expect(t.tempAnnealSteps).toBe(1000);
    expect(temperatureAt(t, 0)).toBe(1);
    expect(temperatureAt(t, 500)).toBeCloseTo((1 + 1 / 16) / 2, 10);
    expect(temperatureAt(t, 1000)).toBeCloseTo(1 / 16, 12);
    expect(temperatureAt(t, 7999)).toBeCloseTo(1 / 16, 12);
    for (let s = 1; s <= 1000; s += 37) expect(temperatureAt(t, s)).toBeLessThan(temperatureAt(t, s - 1));
  });

  it('the KL weight warms up from 0 to its value over 5 000 / 1.2 M of the run and holds', () => {
    const t = dvaeTrainConfig(12_000);
    expect(t.klWarmupSteps).toBe(50);
    expect(klWeightAt(t, 0)).toBe(0);
    expect(klWeightAt(t, 50)).toBeCloseTo(t.klWeight, 12);
    expect(klWeightAt(t, 11_999)).toBeCloseTo(t.klWeight, 12);
    // Short runs still warm up over at least one step.
    expect(dvaeTrainConfig(10).klWarmupSteps).toBe(1);
    expect(() => dvaeTrainConfig(10, { batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
  });
});

describe('codebook usage', () => {
  it('perplexity is K for even use and 1 for one code; dead codes counted over the window', () => {
    expect(perplexity([5, 5, 5, 5])).toBeCloseTo(4, 12);
    expect(perplexity([0, 9, 0, 0])).toBeCloseTo(1, 12);
    const u = new CodebookUsage(4, 2);
    u.add([0, 1]);
    expect(u.stats()).toMatchObject({ deadCodes: 2, samples: 2, batches: 1 });
    u.add([2, 2]);
    u.add([3, 3]); // [0, 1] leaves the window
    expect(u.stats()).toMatchObject({ deadCodes: 2, samples: 4, batches: 2 });
    expect(u.stats().perplexity).toBeCloseTo(2, 12);
    expect(() => u.add([4])).toThrow(/code 4 is outside the codebook of 4/);
  });
});

describe('DvaeTrainer', () => {
  it('lowers the loss on a fixed batch and reports the schedule and code usage', async () => {
    const model = new Dvae(SMALL, TRAIN.seed);
    const trainer = new DvaeTrainer(model, TRAIN);
    const images = patternImages(4, 16, 1);
    const rs = [];
    for (let i = 0; i < 40; i++) rs.push(await trainer.trainStep({ images }));
    const first = rs[0]!;
    const last = rs[39]!;
    console.log(`small d-VAE: recon ${first.reconstruction.toFixed(4)} → ${last.reconstruction.toFixed(4)}, perplexity ${last.perplexity.toFixed(2)}`);
    expect(rs.every((r) => Number.isFinite(r.total))).toBe(true);
    expect(last.reconstruction).toBeLessThan(0.5 * first.reconstruction);
    expect(first).toMatchObject({ step: 0, temperature: 1, klWeight: 0 });
    expect(last.temperature).toBeCloseTo(1 / 16, 10);
    expect(last.klWeight).toBeCloseTo(TRAIN.klWeight, 10);
    expect(last.codes.length).toBe(4 * 16);
    expect(last.perplexity).toBeGreaterThanOrEqual(1);
    images.dispose();
    trainer.dispose();
    model.dispose();
  });

  it('holds the same number of tensors after N steps as after one, and frees all on dispose', async () => {
    const before = tf.memory().numTensors;
    const model = new Dvae(SMALL, 1);
    const trainer = new DvaeTrainer(model, TRAIN);
    const images = patternImages(2, 16, 2);
    await trainer.trainStep({ images });
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) await trainer.trainStep({ images });
    expect(tf.memory().numTensors).toBe(after1);
    images.dispose();
    trainer.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is reproducible by seed: the same seed gives the same steps, another seed other noise', async () => {
    const run = async (seed: number) => {
      const model = new Dvae(SMALL, 5);
      const trainer = new DvaeTrainer(model, { ...TRAIN, seed });
      const images = patternImages(2, 16, 3);
      const out = [(await trainer.trainStep({ images })).total, (await trainer.trainStep({ images })).total];
      images.dispose();
      trainer.dispose();
      model.dispose();
      return out;
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect((await run(2))[0]).not.toBe(a[0]);
  });
});
