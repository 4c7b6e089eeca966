// Small deterministic image batches for unit tests: smooth colour gradients with a bright square,
// normalized like real inputs, so that a model has something learnable to reconstruct.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../model/random';

export function patternImages(batch: number, size: number, seed: number): tf.Tensor4D {
  const rng = new Rng(seed);
  const data = new Float32Array(batch * 3 * size * size);
  for (let b = 0; b < batch; b++) {
    const base = [rng.next(), rng.next(), rng.next()];
    const slope = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
    const s = Math.floor(size / 4) + rng.randint(0, Math.floor(size / 4));
    const top = rng.randint(0, size - s);
    const left = rng.randint(0, size - s);
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          const inSquare = y >= top && y < top + s && x >= left && x < left + s;
          const v = inSquare ? 1 - base[c]! : base[c]! + 0.3 * (slope[0]! * (y / size - 0.5) + slope[1]! * (x / size - 0.5));
          data[((b * 3 + c) * size + y) * size + x] = (v - 0.45) / 0.25;
        }
  }
  return tf.tensor4d(data, [batch, 3, size, size]);
}
