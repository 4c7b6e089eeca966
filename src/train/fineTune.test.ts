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

  it('learns a labelled toy problem end to end, moves lower layers less under layer decay, and leaks nothing', async () => {
    const B = 8;
    // Class 1: bright left half; class 0: bright right half (normalized images).
    const labels = Int32Array.from({ length: B }, (_, i) => i % 2);
    const images = tf.tidy(() => {
      const cols = tf.range(0, 32).less(16).cast('float32').reshape([1, 1, 1, 32]);
      const y = tf.tensor1d(labels, 'float32').reshape([B, 1, 1, 1]);
      return cols
        .mul(y)
        .add(cols.neg().add(1).mul(y.neg().add(1)))
        .mul(2)
        .sub(1)
        .tile([1, 3, 32, 1]) as tf.Tensor4D;
    });
    /** Mean |Δ| of the patch embedding after 30 steps, the losses, and the final correct count. */
    const run = async (layerDecay: number) => {
      const model = new Cae(MICRO, 5);
      const before = tf.memory().numTensors;
      const cfg = { ...defaultEvaluation().fineTune, baseLr: 0.01, baseBatch: B, batchSize: B, totalSteps: 400, warmupSteps: 2, layerDecay, labelSmoothing: 0 };
      const tuner = new FineTuner(model, 2, cfg);
      const w = model.p('encoder.patch_embed.proj.weight');
      const w0 = (await w.data()).slice();
      const first = await tuner.train(images, labels);
      let last = first;
      for (let i = 1; i < 30; i++) last = await tuner.train(images, labels);
      const w1 = (await w.data()) as Float32Array;
      const correct = await tuner.correct(images, labels);
      tuner.dispose();
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
      return { moved: w1.reduce((a: number, v: number, i: number) => a + Math.abs(v - w0[i]!), 0) / w1.length, first: first.loss, last: last.loss, correct };
    };
    const decayed = await run(0.5);
    const flat = await run(1);
    // The embedding's rate is 0.5³ of the head's under decay 0.5, the head's under decay 1.
    expect(decayed.moved).toBeGreaterThan(0);
    expect(decayed.moved / flat.moved).toBeLessThan(0.4);
    expect(decayed.last).toBeLessThan(decayed.first * 0.3);
    expect(decayed.correct).toBe(B);
    images.dispose();
  });
});
