// Comparing two computations of the same tensor in tests, and the seeded random inputs they share.
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../model/random';

/** n values uniform in [-scale, scale) from the test's generator. */
export function uniformValues(n: number, rng: Rng, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
}

/** A tensor of `shape` with uniformValues. */
export function randomTensor(shape: number[], rng: Rng, scale = 1): tf.Tensor {
  return tf.tensor(uniformValues(tf.util.sizeFromShape(shape), rng, scale), shape);
}

/** max |a − b| relative to the largest |b| (the reference). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let m = 1e-12;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(b[i]!));
  }
  return d / m;
}
