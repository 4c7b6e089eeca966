import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fastBackpropFilter, useFastCpuConv } from './fastCpuConv';

describe('fast CPU Conv2DBackpropFilter (tests only)', () => {
  it("gives the stock kernel's filter gradient for 1×1, 3×3 and 7×7 'same' convs and a 'valid' one", () => {
    const cases: [number, number, number, 'same' | 'valid'][] = [
      [1, 3, 4, 'same'],
      [3, 4, 5, 'same'],
      [7, 3, 2, 'same'],
      [3, 2, 3, 'valid'],
    ];
    const grads = () =>
      cases.map(([k, ci, co, pad], i) => {
        const x = tf.randomNormal([2, 6, 5, ci], 0, 1, 'float32', 10 + i) as tf.Tensor4D;
        const w = tf.randomNormal([k, k, ci, co], 0, 1, 'float32', 20 + i) as tf.Tensor4D;
        const y = tf.conv2d(x, w, 1, pad);
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 30 + i) as tf.Tensor4D;
        return Array.from(
          tf
            .grad((f: tf.Tensor) =>
              tf
                .conv2d(x, f as tf.Tensor4D, 1, pad)
                .mul(dy)
                .sum(),
            )(w)
            .dataSync(),
        );
      });
    const stock = grads();
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')!.kernelFunc).not.toBe(fastBackpropFilter);
    useFastCpuConv();
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')!.kernelFunc).toBe(fastBackpropFilter);
    const fast = grads();
    stock.forEach((s, i) => {
      expect(fast[i]!.length).toBe(s.length);
      s.forEach((v, j) => expect(fast[i]![j]).toBeCloseTo(v, 4));
    });
  });
});
