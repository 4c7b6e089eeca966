import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { knnPredict } from './knn';

describe('kNN on frozen features', () => {
  it('votes with exp(cosine / T) over the k most similar training features', async () => {
    // Validation point (1, 0). Cosines: a (1, 0.1)→0.995 class 0; b (0, 1)→0 class 1; c (1, -0.3)→0.958
    // class 1; d (-1, 0)→−1 class 0. k = 2 keeps a and c: 0 and 1 weigh exp(0.995/T) against
    // exp(0.958/T), so class 0 wins; with k = 3 b joins class 1 but adds only exp(0).
    const train = tf.tensor2d([
      [1, 0.1],
      [0, 1],
      [1, -0.3],
      [-1, 0],
    ]);
    const val = tf.tensor2d([[2, 0]]); // the length does not matter: cosine
    const labels = Int32Array.from([0, 1, 1, 0]);
    expect(Array.from(await knnPredict(train, labels, val, 2, { k: 2, temperature: 0.07 }))).toEqual([0]);
    // A temperature so high that every weight is ~1: two class-1 votes beat one class-0 vote.
    expect(Array.from(await knnPredict(train, labels, val, 2, { k: 3, temperature: 1e6 }))).toEqual([1]);
    tf.dispose([train, val]);
  });

  it('matches a brute-force vote on random features, in blocks, caps k at n and leaks nothing', async () => {
    const n = 40;
    const m = 300; // more than one block of 256
    const D = 5;
    const K = 3;
    const rnd = (i: number) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453) - 0.5;
    const tr = Float32Array.from({ length: n * D }, (_, i) => rnd(i));
    const va = Float32Array.from({ length: m * D }, (_, i) => rnd(i + 10_000));
    const y = Int32Array.from({ length: n }, (_, i) => i % K);
    const before = tf.memory().numTensors;
    const [train, val] = [tf.tensor2d(tr, [n, D]), tf.tensor2d(va, [m, D])];
    const got = await knnPredict(train, y, val, K, { k: 7, temperature: 0.1 });
    const all = await knnPredict(train, y, val, K, { k: 1000, temperature: 0.1 });
    tf.dispose([train, val]);
    expect(tf.memory().numTensors).toBe(before);
    const unit = (a: Float32Array, i: number) => {
      const v = Array.from(a.subarray(i * D, (i + 1) * D));
      const l = Math.hypot(...v);
      return v.map((x) => x / l);
    };
    const brute = (j: number, k: number) => {
      const q = unit(va, j);
      const sims = Array.from({ length: n }, (_, i) => ({ s: unit(tr, i).reduce((a, x, d) => a + x * q[d]!, 0), c: y[i]! }));
      const votes = new Array(K).fill(0);
      for (const { s, c } of sims.sort((a, b) => b.s - a.s).slice(0, k)) votes[c] += Math.exp(s / 0.1);
      return votes.indexOf(Math.max(...votes));
    };
    for (let j = 0; j < m; j++) {
      expect(got[j]).toBe(brute(j, 7));
      expect(all[j]).toBe(brute(j, n));
    }
  });
});
