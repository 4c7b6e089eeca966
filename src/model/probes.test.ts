import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initValue } from './params';
import { attentiveBlock, attentiveBlockSpecs, BatchNormNoAffine, classifierSpecs, probeFeatures } from './probes';
import { Rng } from './random';

describe('BatchNorm(affine=False)', () => {
  it('normalizes with batch statistics and tracks running ones as torch does', async () => {
    const bn = new BatchNormNoAffine(2, 1e-6);
    const x = tf.tensor2d([
      [1, 10],
      [3, 10],
      [5, 13],
    ]);
    const y = bn.apply(x, 'train');
    // column 0: mean 3, biased var 8/3; column 1: mean 11, biased var 2
    const want = [
      [-2 / Math.sqrt(8 / 3), -1 / Math.sqrt(2)],
      [0, -1 / Math.sqrt(2)],
      [2 / Math.sqrt(8 / 3), 2 / Math.sqrt(2)],
    ];
    (await y.array()).forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 5)));
    // running: 0.9·0 + 0.1·mean; 0.9·1 + 0.1·unbiased var (4 and 3)
    expect(Array.from(await bn.runningMean.data())).toEqual([0.3, 1.1].map(Math.fround));
    Array.from(await bn.runningVar.data()).forEach((v, j) => expect(v).toBeCloseTo([1.3, 1.2][j]!, 6));
    const e = bn.apply(tf.tensor2d([[0.3, 1.1]]), 'running');
    expect(Array.from(await e.data()).every((v) => Math.abs(v) < 1e-6)).toBe(true);
    tf.dispose([x, y, e]);
    bn.dispose();
  });
});

describe('probe heads', () => {
  it('the attentive block attends one query over every token and exposes its attention', () => {
    const specs = attentiveBlockSpecs(16);
    expect(specs.map((s) => s.name)).toEqual(
      expect.arrayContaining(['probe.query_token', 'probe.norm_k.weight', 'probe.cross_attn.q_bias', 'probe.cross_attn.proj.weight']),
    );
    const rng = new Rng(1);
    const params = new Map(specs.map((s) => [s.name, tf.tensor(initValue(s, rng), [...s.shape])]));
    tf.tidy(() => {
      let attn: tf.Tensor4D | null = null;
      const x = tf.randomNormal([3, 5, 16], 0, 1, 'float32', 1) as tf.Tensor3D;
      const out = attentiveBlock(
        x,
        (n) => params.get(n)!,
        4,
        'probe',
        (a) => (attn = a),
      );
      expect(out.shape).toEqual([3, 1, 16]);
      expect(attn!.shape).toEqual([3, 4, 1, 5]);
      const sums = attn!.sum(-1).dataSync();
      expect(Array.from(sums).every((s) => Math.abs(s - 1) < 1e-5)).toBe(true);
    });
    tf.dispose([...params.values()]);
  });

  it('linear-probe features are CLS or the mean of patch tokens', async () => {
    const x = tf.tensor3d([
      [
        [1, 1],
        [2, 4],
        [4, 8],
      ],
    ]);
    expect(await probeFeatures(x, 'cls').array()).toEqual([[1, 1]]);
    expect(await probeFeatures(x, 'mean').array()).toEqual([[3, 6]]);
    x.dispose();
  });

  it('the classifier starts at N(0, 0.01²) weights and zero bias', () => {
    const [w, b] = classifierSpecs(384, 10);
    const vals = initValue(w!, new Rng(4));
    const std = Math.sqrt(vals.reduce((a, v) => a + v * v, 0) / vals.length);
    expect(std).toBeGreaterThan(0.009);
    expect(std).toBeLessThan(0.011);
    expect(b!.init).toEqual({ kind: 'const', value: 0 });
  });
});
