// The registered gradients of mean and sum: the same values as TF.js's, without the full-size
// ones tensor TF.js's own build (fewer bytes held while taking the gradient).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { randomTensor } from '../testing/compare';
import { Rng } from './random';
import { registerReductionGrads } from './reductionGrads';

registerReductionGrads();

const B = 8;
const N = 4096;

/** d/dx of Σ_b reduce(x)[b]·w[b], and the most bytes held while computing it beyond those held before. */
async function gradient(reduce: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, w: tf.Tensor): Promise<{ g: Float32Array; extraBytes: number }> {
  const before = tf.memory().numBytes;
  let g: tf.Tensor | undefined;
  const info = await tf.profile(() => {
    g = tf.grad((a: tf.Tensor) => reduce(a).mul(w).sum())(x);
  });
  const values = (await g!.data()) as Float32Array;
  g!.dispose();
  return { g: values, extraBytes: info.peakBytes - before };
}

describe('gradients of mean and sum', () => {
  const rng = new Rng(5);

  for (const [name, reduce, scale] of [
    ['mean', (x: tf.Tensor) => tf.mean(x, 1), 1 / N],
    ['sum', (x: tf.Tensor) => tf.sum(x, 1), 1],
  ] as const) {
    it(`${name}: dy broadcast over the reduced axis (${name === 'mean' ? '÷ n' : 'as is'}), holding no ones tensor`, async () => {
      const x = randomTensor([B, N], rng);
      const w = randomTensor([B], rng);
      const ws = await w.data();
      const { g, extraBytes } = await gradient(reduce, x, w);
      g.forEach((v, i) => expect(v).toBe(Math.fround(ws[Math.floor(i / N)]! * scale)));
      // Measured on the CPU backend: 2·x here, where TF.js's own gradient (ones, dy·ones, ÷ n, all
      // held at once) takes 3·x for sum and 4·x for mean.
      expect(extraBytes).toBeLessThan(2.5 * x.size * 4);
      tf.dispose([x, w]);
    });
  }

  it('a mean over every axis (the losses) and over the last with kept dims (tf.moments) match', async () => {
    const x = randomTensor([3, 5, 7], rng);
    const all = tf.grad((a: tf.Tensor) => tf.mean(a))(x);
    expect(Array.from(await all.data()).every((v) => v === Math.fround(1 / 105))).toBe(true);
    const w = randomTensor([3, 5, 1], rng);
    const last = tf.grad((a: tf.Tensor) => tf.mean(a, -1, true).mul(w).sum())(x);
    const ws = await w.data();
    (await last.data()).forEach((v, i) => expect(v).toBe(Math.fround(ws[Math.floor(i / 7)]! / 7)));
    tf.dispose([x, w, all, last]);
  });
});
