import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fixtureNames, loadFixture } from '../testing/fixtures';
import { PAPER_TRAIN } from '../train/config';
import { loadCheckpoint, saveCheckpoint } from '../train/checkpoint';
import { CaeTrainer } from '../train/trainer';
import { Cae } from './cae';
import { readModelCheckpoint } from './checkpoint';
import { toOfficialConfig, fromOfficialConfig } from './config';
import { MICRO, PRESETS } from './presets';
import { readSafetensors, writeSafetensors, type StTensor } from './safetensors';
import { loadModelWeights, modelTensors, paramCount, weightsMismatch } from './weights';

const TRAIN = { ...PAPER_TRAIN, batchSize: 2, baseBatch: 2, totalSteps: 10, warmupSteps: 1 };

async function microFile(edit: (t: Map<string, StTensor>) => void): Promise<Uint8Array> {
  const model = new Cae(MICRO, 0);
  const tensors = new Map(await modelTensors(model));
  model.dispose();
  edit(tensors);
  return writeSafetensors(tensors, { 'cae.model': JSON.stringify(MICRO) });
}

describe('model checkpoints', () => {
  it('use the official state-dict names and [out, in] linear weights', async () => {
    const model = new Cae(MICRO, 0);
    const names = new Map((await modelTensors(model)).map(([n, t]) => [n, t.shape]));
    expect(names.get('encoder.blocks.0.attn.qkv.weight')).toEqual([3 * 32, 32]);
    expect(names.get('encoder.blocks.1.mlp.fc1.weight')).toEqual([128, 32]);
    expect(names.get('regresser.regressor_blocks.0.cross_attn.q.weight')).toEqual([32, 32]);
    expect(names.get('encoder.patch_embed.proj.weight')).toEqual([32, 3, 8, 8]);
    expect(names.get('decoder.head.weight')).toEqual([8 * 8 * 3, 32]);
    expect(names.get('encoder.pos_embed')).toEqual([1, 17, 32]);
    expect(names.get('rd_pos_embed')).toEqual([1, 17, 32]);
    model.dispose();
  });

  it('every fixture names exactly the parameters its config implies', () => {
    for (const name of fixtureNames()) {
      const fx = loadFixture(name);
      const { config, file } = readModelCheckpoint(fx.weightsBytes);
      const model = new Cae(config, null);
      expect(weightsMismatch(model, file), name).toBeNull();
      // And the sin-cos tables are the ones this project computes (row order included).
      model.dispose();
    }
  });

  it('refuses a file whose names or shapes do not fit, naming the first mismatch, and changes nothing', async () => {
    const model = new Cae(MICRO, 0);
    const before = await model.vars.get('encoder.norm.weight')!.data();
    const missing = await microFile((t) => t.delete('encoder.blocks.1.attn.proj.bias'));
    expect(() => loadModelWeights(model, readSafetensors(missing))).toThrow(/missing tensor "encoder.blocks.1.attn.proj.bias" \(expected shape \[32\]\)/);
    const shape = await microFile((t) => t.set('decoder.head.weight', { dtype: 'F32', shape: [10, 32], data: new Float32Array(320) }));
    expect(() => loadModelWeights(model, readSafetensors(shape))).toThrow(/"decoder.head.weight" has shape \[10,32\], the config expects \[192,32\]/);
    const extra = await microFile((t) => t.set('encoder.blocks.9.gamma_1', { dtype: 'F32', shape: [32], data: new Float32Array(32) }));
    expect(() => loadModelWeights(model, readSafetensors(extra))).toThrow(/unexpected tensor "encoder.blocks.9.gamma_1"/);
    const pos = await microFile((t) => t.set('encoder.pos_embed', { dtype: 'F32', shape: [1, 17, 32], data: new Float32Array(17 * 32) }));
    expect(() => loadModelWeights(model, readSafetensors(pos))).toThrow(/not the fixed 2-D sin-cos/);
    expect(await model.vars.get('encoder.norm.weight')!.data()).toEqual(before);
    model.dispose();
  });

  it('accepts the official alignment_encoder copy and ignores it', async () => {
    const bytes = await microFile((t) => t.set('alignment_encoder.norm.weight', { dtype: 'F32', shape: [32], data: new Float32Array(32) }));
    const model = new Cae(MICRO, null);
    expect(() => loadModelWeights(model, readSafetensors(bytes))).not.toThrow();
    model.dispose();
  });

  it('asks for a config when the file declares none', async () => {
    const model = new Cae(MICRO, 0);
    const bare = writeSafetensors(await modelTensors(model));
    expect(() => readModelCheckpoint(bare)).toThrow(/carries no config/);
    expect(readModelCheckpoint(bare, MICRO).config).toEqual(MICRO);
    model.dispose();
  });

  it('official config names round-trip for every preset (as token models)', () => {
    for (const c of Object.values(PRESETS)) {
      const back = fromOfficialConfig(toOfficialConfig(c));
      expect(back.embedDim).toBe(c.embedDim);
      expect(back.maskRatio).toBeCloseTo(c.maskRatio, 9);
      expect(back.decoderLayerScaleInit).toBe(c.decoderLayerScaleInit);
      expect(back.target).toBe('token');
    }
  });

  it('a run checkpoint refuses missing optimizer moments and bad state, allocating nothing', async () => {
    const trainer = new CaeTrainer(new Cae(MICRO, 0), TRAIN);
    const good = readSafetensors(await saveCheckpoint(trainer));
    trainer.dispose();
    trainer.model.dispose();
    const before = tf.memory().numTensors;
    const without = new Map(good.tensors);
    without.delete('optimizer.exp_avg_sq.decoder.head.bias');
    expect(() => loadCheckpoint(writeSafetensors(without, { ...good.metadata }))).toThrow(/missing optimizer tensor "optimizer.exp_avg_sq.decoder.head.bias"/);
    expect(() => loadCheckpoint(writeSafetensors(good.tensors, { ...good.metadata, 'cae.state': '{"step": -1}' }))).toThrow(/"cae.state" is malformed/);
    expect(() => loadCheckpoint(writeSafetensors(good.tensors, { ...good.metadata, 'cae.model': '{not json' }))).toThrow(/"cae.model" is not valid JSON/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('official fixture weights load as a fresh run when given a training config', () => {
    const name = fixtureNames()[0];
    if (!name) throw new Error('no fixtures');
    const run = loadCheckpoint(loadFixture(name).weightsBytes, { train: TRAIN });
    expect(run.resumed).toBe(false);
    expect(run.trainer.step).toBe(0);
    run.trainer.dispose();
    run.model.dispose();
  });

  it('counts parameters of the presets sensibly', () => {
    const m = new Cae(PRESETS['vit-tiny-p4-32'], null);
    // ViT-Tiny encoder ≈ 5.4 M (4-px patches: a small patch embedding) + 4 regressor blocks
    // (≈ 0.59 M each) + 4 decoder blocks (≈ 0.44 M each) + head ≈ 8.9 M.
    expect(paramCount(m)).toBeGreaterThan(8.5e6);
    expect(paramCount(m)).toBeLessThan(9.5e6);
    m.dispose();
  });
});
