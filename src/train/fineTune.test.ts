import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Cae } from '../model/cae';
import { MICRO } from '../model/presets';
import { defaultEvaluation } from './evalDefaults';
import { FineTuner, layerId, layerScale } from './fineTune';

describe('fine-tuning', () => {
  it('assigns layer ids as the official get_layer_id_for_vit, and scales lr by decay^(depth+1−id)', () => {
    const depth = 12;
    expect(layerId('encoder.cls_token', depth)).toBe(0);
    expect(layerId('encoder.patch_embed.proj.weight', depth)).toBe(0);
    expect(layerId('encoder.blocks.0.attn.qkv.weight', depth)).toBe(1);
    expect(layerId('encoder.blocks.11.mlp.fc2.bias', depth)).toBe(12);
    expect(layerId('fc_norm.weight', depth)).toBe(13);
    expect(layerId('head.weight', depth)).toBe(13);
    expect(layerScale('head.bias', depth, 0.75)).toBe(1);
    expect(layerScale('encoder.blocks.11.norm1.weight', depth, 0.75)).toBe(0.75);
    expect(layerScale('encoder.patch_embed.proj.bias', depth, 0.65)).toBeCloseTo(0.65 ** 13, 15);
  });

  it('learns a labelled toy problem end to end, leaves lower layers moving less, and leaks nothing', async () => {
    const model = new Cae(MICRO, 5);
    const before = tf.memory().numTensors;
    const cfg = { ...defaultEvaluation().fineTune, baseLr: 0.01, baseBatch: 16, batchSize: 16, totalSteps: 400, warmupSteps: 2, layerDecay: 0.5, labelSmoothing: 0 };
    const tuner = new FineTuner(model, 2, cfg);
    const patch0 = (await model.p('encoder.patch_embed.proj.weight').data()).slice();
    // Class 1: bright left half; class 0: bright right half (normalized images).
    const labels = Int32Array.from({ length: 16 }, (_, i) => i % 2);
    const images = tf.tidy(() => {
      const cols = tf.range(0, 32).less(16).cast('float32').reshape([1, 1, 1, 32]);
      const y = tf.tensor1d(labels, 'float32').reshape([16, 1, 1, 1]);
      return cols.mul(y).add(cols.neg().add(1).mul(y.neg().add(1))).mul(2).sub(1).tile([1, 3, 32, 1]) as tf.Tensor4D;
    });
    const first = await tuner.train(images, labels);
    let last = first;
    for (let i = 1; i < 40; i++) last = await tuner.train(images, labels);
    expect(last.loss).toBeLessThan(first.loss * 0.3);
    expect(await tuner.correct(images, labels)).toBe(16);
    // The embedding (decay^3 = 1/8 of the head's rate) moved, less than nothing would be a bug.
    const patch1 = await model.p('encoder.patch_embed.proj.weight').data();
    expect(patch1.some((v, i) => v !== patch0[i])).toBe(true);
    images.dispose();
    tuner.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
