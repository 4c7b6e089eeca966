// Patch bookkeeping on plain arrays, for views: reconstructed pixels back into images.
import { denormalizeImageNet } from './augment';

// Images are channel-major [3, S, S]; patch vectors are in (p, q, c) order like the pixel target.

/** The patch vector (p, q, c) of patch `k` of an image [3, S, S] with patch side p. */
export function patchVector(img: Float32Array, S: number, p: number, k: number): Float32Array {
  const g = S / p;
  const [r, c0] = [Math.floor(k / g), k % g];
  const out = new Float32Array(p * p * 3);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) for (let c = 0; c < 3; c++) out[(i * p + j) * 3 + c] = img[c * S * S + (r * p + i) * S + c0 * p + j]!;
  return out;
}

/** Writes a (p, q, c) patch vector into patch `k` of an image [3, S, S]. */
export function writePatch(img: Float32Array, S: number, p: number, k: number, v: ArrayLike<number>): void {
  const g = S / p;
  const [r, c0] = [Math.floor(k / g), k % g];
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) for (let c = 0; c < 3; c++) img[c * S * S + (r * p + i) * S + c0 * p + j] = v[(i * p + j) * 3 + c]!;
}

/**
 * Undoes the per-patch normalization of a predicted pixel target with the true patch's mean and
 * variance (as MAE's visualizations do): the shown pixels borrow those two numbers from the truth.
 */
export function denormalizePatch(pred: ArrayLike<number>, truth: Float32Array, eps = 1e-6): Float32Array {
  const n = truth.length;
  const { mean, std } = patchStats(truth, eps); // biased variance, as the target's normalization
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = pred[i]! * std + mean;
  return out;
}

/** The per-patch normalization of the pixel target (biased variance, ε inside the root). */
export function normalizePatch(truth: Float32Array, eps = 1e-6): Float32Array {
  const { mean, std } = patchStats(truth, eps);
  return truth.map((v) => (v - mean) / std);
}

function patchStats(truth: Float32Array, eps: number): { mean: number; std: number } {
  const n = truth.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i]!;
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (truth[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(v / n + eps) };
}

/**
 * A decoder output row as display pixels in [0, 1], (p, q, c) order: with per-patch normalized
 * targets the true patch's mean and variance come back first, then ImageNet normalization is undone.
 * `truth` is the ImageNet-normalized patch vector.
 */
export function predictedPatchPixels(row: ArrayLike<number>, truth: Float32Array, p: number, normPix: boolean): Float32Array {
  return toPatchOrder(denormalizeImageNet(toChannelMajor(normPix ? denormalizePatch(row, truth) : row, p)), p);
}

/** A (p, q, c) patch vector as a tiny channel-major image [3, p, p], for the per-channel denormalization. */
function toChannelMajor(v: ArrayLike<number>, p: number): Float32Array {
  const out = new Float32Array(3 * p * p);
  for (let i = 0; i < p * p; i++) for (let c = 0; c < 3; c++) out[c * p * p + i] = v[i * 3 + c]!;
  return out;
}

function toPatchOrder(img: Float32Array, p: number): Float32Array {
  const out = new Float32Array(3 * p * p);
  for (let i = 0; i < p * p; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = img[c * p * p + i]!;
  return out;
}

/** Float RGB [3, S, S] in [0, 1] → RGBA bytes for ImageData. */
export function toRgba(img: Float32Array, S: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(S * S * 4);
  for (let i = 0; i < S * S; i++) {
    out[i * 4] = img[i]! * 255;
    out[i * 4 + 1] = img[S * S + i]! * 255;
    out[i * 4 + 2] = img[2 * S * S + i]! * 255;
    out[i * 4 + 3] = 255;
  }
  return out;
}
