import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { caeParamSpecs, isDecayed } from '../model/params';
import { MICRO } from '../model/presets';
import { AdamW, clipFactor, globalNorm } from './adamw';
import { PAPER_TRAIN, peakLr, type TrainConfig } from './config';
import { lrAt } from './schedule';

const HP = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05 };

describe('AdamW', () => {
  it('matches two steps worked out by hand, with and without decay', async () => {
    // lr 0.1, gradients 0.5 then −1.
    // step 1: p ← 1·(1 − 0.1·0.05) = 0.995; m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25;
    //         p ← 0.995 − 0.1·0.5/(0.5 + 1e-8) = 0.895
    // step 2: p ← 0.895·0.995 = 0.890525; m = −0.055, v = 0.00124975; m̂ = −0.055/0.19,
    //         v̂ = 0.00124975/0.001999 = 0.625187; p ← 0.890525 + 0.1·0.289474/0.790688 = 0.927135
    // Without decay the same moments give 0.9 then 0.936610.
    const w = tf.variable(tf.tensor2d([[1]]));
    const b = tf.variable(tf.tensor1d([1]));
    const opt = new AdamW(
      [
        { name: 'w', variable: w, decay: true },
        { name: 'b', variable: b, decay: false },
      ],
      HP,
    );
    const one = 1;
    for (const g of [0.5, -1]) {
      const grads = [tf.tensor2d([[g]]), tf.tensor1d([g])];
      opt.apply(grads, 0.1, one);
      tf.dispose(grads);
      if (g === 0.5) {
        expect((await w.data())[0]).toBeCloseTo(0.895, 6);
        expect((await b.data())[0]).toBeCloseTo(0.9, 6);
      }
    }
    expect((await w.data())[0]).toBeCloseTo(0.9271353542, 6);
    expect((await b.data())[0]).toBeCloseTo(0.9366103542, 6);
    expect(opt.t).toBe(2);
    tf.dispose([w, b]);
    opt.dispose();
  });

  it('keeps the tensor count flat across updates', () => {
    const w = tf.variable(tf.randomNormal([4, 4]));
    const opt = new AdamW([{ name: 'w', variable: w, decay: true }], HP);
    const g = tf.onesLike(w);
    const s = 1;
    opt.apply([g], 0.01, s);
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) opt.apply([g], 0.01, s);
    expect(tf.memory().numTensors).toBe(after1);
    tf.dispose([w, g]);
    opt.dispose();
  });
});

describe('gradient clipping', () => {
  it('scales to the global norm as torch clip_grad_norm_ does', async () => {
    const gs = [tf.tensor1d([3, 4]), tf.tensor2d([[12]])]; // ‖g‖ = 13
    const norm = globalNorm(gs);
    expect((await norm.data())[0]).toBeCloseTo(13, 5);
    const n = (await norm.data())[0]!;
    expect(clipFactor(n, 3)).toBeCloseTo(3 / (13 + 1e-6), 7);
    expect(clipFactor(n, 20)).toBe(1);
    expect(clipFactor(n, 0)).toBe(1);
    tf.dispose([...gs, norm]);
  });
});

describe('learning-rate schedule', () => {
  it('is the official linspace warmup then cosine, per step', () => {
    const t: TrainConfig = { ...PAPER_TRAIN, baseLr: 1e-3, baseBatch: 64, batchSize: 64, minLr: 1e-5, totalSteps: 10, warmupSteps: 3 };
    // np.linspace(0, 1e-3, 3) then 1e-5 + ½(1e-3 − 1e-5)(1 + cos(πi/7)), i = 0..6
    const want = [0, 5e-4, 1e-3, 1e-3, 9.509795896e-4, 8.136274519e-4, 6.151478623e-4, 3.948521377e-4, 1.963725481e-4, 5.902041039e-5];
    want.forEach((w, s) => expect(lrAt(t, s)).toBeCloseTo(w, 12));
    expect(lrAt(t, 50)).toBeCloseTo(want[9]!, 12); // holds its last value past the end
  });
  it('scales the peak linearly with the batch size', () => {
    expect(peakLr({ ...PAPER_TRAIN, batchSize: 256 })).toBeCloseTo(1.5e-3 / 8, 12);
  });
});

describe('weight-decay groups', () => {
  it('decays matrices and tokens, never 1-D parameters or biases', () => {
    const specs = caeParamSpecs(MICRO);
    const decayed = new Set(specs.filter(isDecayed).map((s) => s.name));
    for (const n of [
      'encoder.cls_token',
      'mask_token',
      'encoder.patch_embed.proj.weight',
      'encoder.blocks.0.attn.qkv.weight',
      'decoder.head.weight',
      'regresser.regressor_blocks.0.cross_attn.k.weight',
    ])
      expect(decayed.has(n), n).toBe(true);
    for (const n of [
      'encoder.patch_embed.proj.bias',
      'encoder.blocks.0.gamma_1',
      'encoder.blocks.0.attn.q_bias',
      'encoder.blocks.0.norm1.weight',
      'regresser.norm.bias',
      'decoder.head.bias',
    ])
      expect(decayed.has(n), n).toBe(false);
    for (const s of specs) if (s.shape.length === 1 || s.name.endsWith('.bias')) expect(decayed.has(s.name)).toBe(false);
  });
});
