// The pixel target (CAE-SPEC "Loss"; MAE's rearrange 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)')
// against values computed here in plain JS: each selected patch flattened in (p, q, c) order, then,
// with normPixTarget, normalized by its own mean and biased variance, (x − mean)/√(var + 1e-6).
// The images hold a distinct value at every (b, c, y, x), so any other flatten order, such as the
// patch convolution's (c, p, q), moves values and fails. Image 1 is tiny in magnitude so ε matters.
// Biased variance: the views undo the normalization with it (data/patches.ts), so both must agree;
// the official CAE code has no pixel target (MAE's `.var()` is unbiased).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { normalizePatch, patchVector } from '../data/patches';
import { Cae } from './cae';
import { MICRO } from './presets';
import { maskIndices } from './masks';

const [B, S, p] = [2, 4, 2]; // images [B, 3, S, S], grid g = 2, N = 4, C = p·p·3 = 12
const g = S / p;
const scale = [1, 1e-6]; // image 1: within-patch variance ~7e-9, far below ε = 1e-6

/** value(b, c, y, x): distinct everywhere. Images [B, 3, S, S]. */
const images = new Float32Array(B * 3 * S * S);
for (let b = 0; b < B; b++)
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) images[((b * 3 + c) * S + y) * S + x] = scale[b]! * (1000 * b + 100 * c + 10 * y + x + 1);

/** Patch k of image b in (p, q, c) order: [C]. */
function patchPqc(b: number, k: number): number[] {
  const [r, col] = [Math.floor(k / g), k % g];
  const out: number[] = [];
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) for (let c = 0; c < 3; c++) out.push(images[((b * 3 + c) * S + r * p + i) * S + col * p + j]!);
  return out;
}

/** (x − mean)/√(var + 1e-6), biased variance, in float64. */
function normalized(v: number[]): number[] {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
  return v.map((x) => (x - mean) / Math.sqrt(variance + 1e-6));
}

describe('pixel target', () => {
  const mask = [0, 1, 1, 0, 1, 0, 0, 1]; // image 0 masks patches 1, 2; image 1 masks 0, 3: [B·N]
  const masks = maskIndices(mask, B, g * g);
  const want = (norm: boolean) =>
    [
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 3],
    ].map(([b, k]) => (norm ? normalized(patchPqc(b!, k!)) : patchPqc(b!, k!)));

  for (const normPixTarget of [false, true]) {
    it(`${normPixTarget ? 'normalized' : 'raw'}: masked patches in (p, q, c) order${normPixTarget ? ', per-patch mean and biased variance, ε 1e-6' : ''}`, async () => {
      const model = new Cae({ ...MICRO, imgSize: S, patchSize: p, normPixTarget }, 1);
      const t = tf.tidy(() => model.pixelTarget(tf.tensor4d(images, [B, 3, S, S]), masks.masked)); // [B·Nm, C]
      expect(t.shape).toEqual([4, 12]);
      const got = await t.data();
      t.dispose();
      model.dispose();
      want(normPixTarget).forEach((row, r) =>
        row.forEach((v, i) => {
          const tol = normPixTarget ? 1e-4 : Math.abs(v) * 1e-7;
          expect(
            Math.abs(got[r * 12 + i]! - v),
            `row ${r} element ${i} (p ${Math.floor(i / 6)}, q ${Math.floor(i / 3) % 2}, c ${i % 3}): ${got[r * 12 + i]} vs ${v}`,
          ).toBeLessThanOrEqual(tol);
        }),
      );
    });
  }

  it('agrees with the view helpers that undo the normalization (data/patches.ts)', () => {
    const img1 = images.subarray(3 * S * S); // image 1: [3, S, S]
    const view = normalizePatch(patchVector(img1, S, p, 3));
    want(true)[3]!.forEach((v, i) => expect(Math.abs(view[i]! - v)).toBeLessThan(1e-4));
  });
});
