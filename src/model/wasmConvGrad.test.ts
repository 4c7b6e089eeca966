// The WASM backend's conv filter gradient (wasmConvGrad.ts) against the CPU backend's own kernel.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../testing/wasmNode';
import { registerWasmConvGrad } from './wasmConvGrad';

function filterGrad(x: number[], xs: number[], w: number[], ws: number[], stride: number, pad: 'same' | 'valid'): number[] {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, xs as [number, number, number, number]);
    const wt = tf.tensor4d(w, ws as [number, number, number, number]);
    // A weighted sum so every output position has its own weight in dy.
    const g = tf.grad((f: tf.Tensor) => {
      const y = tf.conv2d(xt, f as tf.Tensor4D, stride, pad);
      return y
        .mul(
          tf
            .range(1, y.size + 1)
            .reshape(y.shape)
            .div(y.size),
        )
        .sum();
    })(wt);
    return Array.from(g.dataSync());
  });
}

const rand = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + k));

describe('Conv2DBackpropFilter on WASM', () => {
  const cases = [
    { xs: [2, 8, 8, 3], ws: [3, 3, 3, 4], stride: 1, pad: 'same' as const },
    { xs: [2, 4, 4, 5], ws: [1, 1, 5, 6], stride: 1, pad: 'same' as const },
    { xs: [1, 9, 9, 2], ws: [3, 3, 2, 3], stride: 1, pad: 'valid' as const },
    { xs: [3, 6, 6, 4], ws: [7, 7, 4, 2], stride: 1, pad: 'same' as const },
  ];
  const backend = tf.getBackend();
  afterAll(async () => void (await tf.setBackend(backend)));

  it('equals the CPU backend on same and valid padding, 1×1 to 7×7 filters', async () => {
    const size = (shape: number[]) => shape.reduce((a, b) => a * b);
    const gradOf = (c: (typeof cases)[number]) => filterGrad(rand(size(c.xs), 1), c.xs, rand(size(c.ws), 2), c.ws, c.stride, c.pad);
    await tf.setBackend('cpu');
    const want = cases.map(gradOf);
    await useWasmBackend();
    registerWasmConvGrad();
    const before = tf.memory().numTensors;
    cases.forEach((c, i) => {
      const got = gradOf(c);
      expect(got.length).toBe(want[i]!.length);
      got.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 4));
    });
    expect(tf.memory().numTensors).toBe(before);
    // Stride 2 is refused in words rather than answered wrong (WASM's 3-D kernel disagrees there).
    expect(() => filterGrad(rand(162, 1), [1, 9, 9, 2], rand(54, 2), [3, 3, 2, 3], 2, 'valid')).toThrow(/stride 1 only/);
  });
});
