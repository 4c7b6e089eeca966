// Stochastic depth (timm DropPath, as the official CAE blocks use it) against values computed here
// in plain JS: each sample's residual branch is kept with probability keep = 1 − rate and then
// scaled by exactly 1/keep, or dropped to exactly 0, so that its expectation is the branch itself.
// Catches a drop path without the 1/keep rescale (the model would then train on a shrunken residual).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { uniformValues } from '../testing/compare';
import { dropPath, dropPathRates, residual } from './layers';
import { Rng } from './random';

/** The keep decisions a generator seeded `seed` makes for B samples: kept iff U ≥ rate. */
function keeps(seed: number, B: number, rate: number): boolean[] {
  const rng = new Rng(seed);
  return Array.from({ length: B }, () => rng.next() >= rate);
}

describe('drop path', () => {
  const [B, T, D] = [16, 3, 4]; // x: [B, T, D]
  const rate = 0.25; // keep 0.75, rescale 4/3

  it('scales kept samples by exactly 1/keep and zeroes dropped ones', async () => {
    const xs = uniformValues(B * T * D, new Rng(1), 2);
    const y = tf.tidy(() => dropPath(tf.tensor3d(xs, [B, T, D]), rate, { rng: new Rng(7) }));
    const got = await y.data();
    y.dispose();
    const kept = keeps(7, B, rate);
    expect(kept.filter(Boolean).length, 'the seed should keep some samples and drop others').toBeGreaterThan(0);
    expect(kept.filter((k) => !k).length, 'the seed should keep some samples and drop others').toBeGreaterThan(0);
    for (let b = 0; b < B; b++)
      for (let i = 0; i < T * D; i++) {
        const j = b * T * D + i;
        const want = kept[b] ? xs[j]! / (1 - rate) : 0;
        expect(Math.abs(got[j]! - want), `sample ${b} (${kept[b] ? 'kept' : 'dropped'}) element ${i}: ${got[j]} vs ${want}`).toBeLessThan(1e-6);
      }
  });

  it('leaves the expectation unchanged: the mean over many samples is the input', async () => {
    const n = 20000; // std of the mean: √((1−keep)/keep / n) ≈ 0.0046
    const y = tf.tidy(() => dropPath(tf.ones([n, 1]), 0.3, { rng: new Rng(11) }).mean());
    const mean = (await y.data())[0]!;
    y.dispose();
    expect(Math.abs(mean - 1), `mean of DropPath(1) over ${n} samples is ${mean}`).toBeLessThan(0.02);
  });

  it('residual x + DropPath(γ·a): a dropped sample contributes exactly 0, a kept one γ·a/keep', async () => {
    const rng = new Rng(2);
    const [x, a, g] = [uniformValues(B * T * D, rng), uniformValues(B * T * D, rng), uniformValues(D, rng)]; // [B,T,D], [B,T,D], [D]
    for (const gamma of [g, null]) {
      const y = tf.tidy(() => residual(tf.tensor3d(x, [B, T, D]), tf.tensor3d(a, [B, T, D]), gamma && tf.tensor1d(gamma), rate, { rng: new Rng(5) }));
      const got = await y.data();
      y.dispose();
      const kept = keeps(5, B, rate);
      for (let j = 0; j < B * T * D; j++) {
        const b = Math.floor(j / (T * D));
        const branch = (gamma ? gamma[j % D]! : 1) * a[j]!;
        const want = x[j]! + (kept[b] ? branch / (1 - rate) : 0);
        expect(Math.abs(got[j]! - want), `γ ${gamma ? 'on' : 'off'}, sample ${b}: ${got[j]} vs ${want}`).toBeLessThan(1e-5);
      }
    }
  });

  it('is the identity at rate 0 or without a generator; rates follow torch.linspace(0, r, n)', async () => {
    const x = tf.tensor2d([1, 2, 3, 4], [4, 1]);
    expect(Array.from(await dropPath(x, 0, { rng: new Rng(1) }).data())).toEqual([1, 2, 3, 4]);
    expect(Array.from(await dropPath(x, 0.5, undefined).data())).toEqual([1, 2, 3, 4]);
    x.dispose();
    const r = dropPathRates(0.1, 4);
    [0, 0.1 / 3, 0.2 / 3, 0.1].forEach((v, i) => expect(r[i]).toBeCloseTo(v, 12));
    expect(dropPathRates(0.1, 1)).toEqual([0]);
  });
});
