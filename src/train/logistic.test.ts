import { describe, expect, it } from 'vitest';
import { Rng } from '../model/random';
import {
  crossValidateL2,
  fitLogistic,
  LOGISTIC_DEFAULTS,
  logisticReadout,
  objective,
  predictLogistic,
  REFIT_OPTIONS,
  standardize,
  standardizer,
  stratifiedFolds,
} from './logistic';

/** n points in d dimensions around K class centres `spread` apart, unit noise. */
function blobs(n: number, d: number, K: number, spread: number, seed: number): { x: Float64Array; y: Int32Array } {
  const rng = new Rng(seed);
  const centres = Array.from({ length: K }, () => Array.from({ length: d }, () => rng.normal() * spread));
  const x = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % K;
    for (let j = 0; j < d; j++) x[i * d + j] = centres[y[i]!]![j]! + rng.normal();
  }
  return { x, y };
}

/**
 * Weakly separated classes seen through a badly conditioned mix: a latent with singular values
 * falling over six decades, mixed by a random matrix. At a weak penalty L-BFGS needs more than the
 * cross-validation cap of 2 000 iterations here, as on a wider random encoder's CLS features.
 */
function illConditioned(n: number, d: number, K: number, seed: number): { x: Float64Array; y: Int32Array } {
  const rng = new Rng(seed);
  const mix = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal()));
  const x = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % K;
    const z = Array.from({ length: d }, (_, j) => (rng.normal() + (j % K === y[i] ? 0.3 : 0)) * 10 ** ((-6 * j) / d));
    for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) x[i * d + k]! += z[j]! * mix[j]![k]!;
  }
  return { x, y };
}

describe('logistic regression fitted to convergence', () => {
  it('computes the gradient of its objective (finite differences)', () => {
    const { x, y } = blobs(40, 3, 4, 1, 1);
    const w = Float64Array.from({ length: 4 * 4 }, (_, i) => Math.sin(i));
    const g = new Float64Array(w.length);
    objective(w, x, y, 40, 3, 4, 0.3, g);
    const scratch = new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const h = 1e-6;
      const up = Float64Array.from(w);
      const down = Float64Array.from(w);
      up[i]! += h;
      down[i]! -= h;
      const numeric = (objective(up, x, y, 40, 3, 4, 0.3, scratch) - objective(down, x, y, 40, 3, 4, 0.3, scratch)) / (2 * h);
      expect(g[i]).toBeCloseTo(numeric, 6);
    }
  });

  it('reaches the optimum: the same point as long gradient descent, with a zero gradient', () => {
    const { x, y } = blobs(120, 4, 3, 0.8, 2);
    const l2 = 0.05;
    const fit = fitLogistic(x, y, 120, 4, 3, l2);
    expect(fit.converged).toBe(true);
    expect(fit.gradient).toBeLessThan(1e-5);
    // Plain gradient descent with a safe step (the objective is (‖x‖²/2 + l2)-smooth at most) for many
    // iterations: an independent route to the unique minimum of a strongly convex function.
    const w = new Float64Array(3 * 5);
    const g = new Float64Array(w.length);
    let f = 0;
    for (let it = 0; it < 20_000; it++) {
      f = objective(w, x, y, 120, 4, 3, l2, g);
      for (let i = 0; i < w.length; i++) w[i]! -= 0.2 * g[i]!;
    }
    expect(fit.loss).toBeCloseTo(f, 8);
    for (let i = 0; i < w.length; i++) expect(fit.weights[i]).toBeCloseTo(w[i]!, 4);
    expect(fit.iterations).toBeLessThan(200);
  });

  it('gives the reported fit the iterations an ill-conditioned weak-penalty problem needs', () => {
    const [n, d, K] = [150, 20, 3];
    const { x, y } = illConditioned(n, d, K, 1);
    const xs = standardize(x, n, d, standardizer(x, n, d));
    const capped = fitLogistic(xs, y, n, d, K, 1e-6, LOGISTIC_DEFAULTS);
    const refit = fitLogistic(xs, y, n, d, K, 1e-6, REFIT_OPTIONS);
    expect(capped.converged).toBe(false);
    expect(capped.iterations).toBe(LOGISTIC_DEFAULTS.maxIterations);
    expect(refit.converged).toBe(true);
    expect(refit.iterations).toBeGreaterThan(LOGISTIC_DEFAULTS.maxIterations);
    expect(refit.gradient).toBeLessThanOrEqual(REFIT_OPTIONS.tolerance);
    expect(refit.loss).toBeLessThanOrEqual(capped.loss);
  });

  it('reports a converged fit where cross-validation chose a penalty its own cap cannot reach', async () => {
    const [n, d, K] = [600, 20, 3];
    const { x, y } = illConditioned(n + 100, d, K, 1);
    const r = await logisticReadout({ x: x.subarray(0, n * d), y: y.subarray(0, n) }, { x: x.subarray(n * d), y: y.subarray(n) }, d, K);
    expect(r.l2).toBe(1e-6);
    expect(r.fit.iterations).toBeGreaterThan(LOGISTIC_DEFAULTS.maxIterations);
    expect(r.fit.converged).toBe(true);
  });

  it('separates separable classes and standardizes with the training statistics', () => {
    const { x, y } = blobs(300, 5, 4, 4, 3);
    const s = standardizer(x, 300, 5);
    const z = standardize(x, 300, 5, s);
    for (let j = 0; j < 5; j++) {
      let m = 0;
      let v = 0;
      for (let i = 0; i < 300; i++) m += z[i * 5 + j]! / 300;
      for (let i = 0; i < 300; i++) v += (z[i * 5 + j]! - m) ** 2 / 300;
      expect(m).toBeCloseTo(0, 10);
      expect(v).toBeCloseTo(1, 10);
    }
    const fit = fitLogistic(z, y, 300, 5, 4, 1e-3);
    const acc = predictLogistic(fit.weights, z, 300, 5, 4).reduce((a, p, i) => a + (p === y[i] ? 1 : 0), 0) / 300;
    expect(acc).toBeGreaterThan(0.97);
  });

  it('chooses a strong penalty for few noisy images and a weak one for many clean ones', async () => {
    // 30 images in 40 dimensions with a weak signal: an unpenalized fit memorizes the noise.
    const noisy = blobs(30, 40, 3, 0.25, 4);
    const a = await crossValidateL2(noisy.x, noisy.y, 30, 40, 3, [1e-4, 1e-1, 10]);
    expect(a.accuracies).toHaveLength(3);
    expect(a.l2).toBeGreaterThanOrEqual(1e-1);
    const clean = blobs(600, 2, 3, 2, 5);
    const b = await crossValidateL2(clean.x, clean.y, 600, 2, 3, [1e-4, 10]);
    expect(b.l2).toBe(1e-4);
  });

  it('cross-validates on stratified folds whatever order the labels come in', async () => {
    // Labels that cycle with the index, as the shapes generator gives them (label = index % 10): folds
    // taken by position (index % 5) would hold out every image of two classes, which the other folds
    // never see, and every penalty would score 0.
    const n = 500;
    const y = Int32Array.from({ length: n }, (_, i) => i % 10);
    const fold = stratifiedFolds(y, n, 10, 5, 1);
    for (let f = 0; f < 5; f++)
      for (let k = 0; k < 10; k++) {
        const count = Array.from(y).filter((v, i) => v === k && fold[i] === f).length;
        expect(count).toBe(10); // 50 images of each class, 10 in each fold
      }
    const rng = new Rng(11);
    const centres = Array.from({ length: 10 }, () => Array.from({ length: 4 }, () => 3 * rng.normal()));
    const x = Float64Array.from({ length: n * 4 }, (_, j) => centres[y[Math.floor(j / 4)]!]![j % 4]! + rng.normal());
    const cv = await crossValidateL2(x, y, n, 4, 10, [1e-4, 10]);
    expect(cv.accuracies[0]).toBeGreaterThan(0.8);
    expect(cv.l2).toBe(1e-4);
  });

  it('reads test images it never fitted, above chance on a signal and at chance without one', async () => {
    const all = blobs(700, 6, 5, 0.7, 6);
    const split = (from: number, to: number) => ({ x: all.x.subarray(from * 6, to * 6), y: all.y.subarray(from, to) });
    const r = await logisticReadout(split(0, 500), split(500, 700), 6, 5);
    expect(r.fit.converged).toBe(true);
    expect(r.top1).toBeGreaterThan(0.5);
    // Labels independent of the features: the readout must not find anything.
    const rng = new Rng(9);
    const shuffled = Int32Array.from(all.y, () => Math.floor(rng.next() * 5));
    const none = await logisticReadout(
      { x: all.x.subarray(0, 3000), y: shuffled.subarray(0, 500) },
      { x: all.x.subarray(3000), y: shuffled.subarray(500) },
      6,
      5,
    );
    expect(none.top1).toBeLessThan(0.32);
  });
});
