// The live reconstruction view of a run: for fixed validation images and a fixed mask, the image,
// its mask, the decoder's reconstruction of the masked patches and the composite.
import * as tf from '@tensorflow/tfjs';
import { denormalizeImageNet } from '../data/augment';
import type { ImageBatch } from '../data/loader';
import { patchVector, predictedPatchPixels, toRgba, writePatch } from '../data/patches';
import type { Cae } from '../model/cae';
import { numPatches } from '../model/config';
import { maskIndices } from '../model/masks';
import type { ReconView } from '../protocol/messages';

/** Mid grey (display space, [0, 1]) for patches a panel leaves empty. */
export const GREY = 0.5;

/** The four RGBA panels of a live view, K images of S×S, blank. */
export const blankPanels = (K: number, S: number) => ({
  original: new Uint8ClampedArray(K * S * S * 4),
  masked: new Uint8ClampedArray(K * S * S * 4),
  recon: new Uint8ClampedArray(K * S * S * 4),
  composite: new Uint8ClampedArray(K * S * S * 4),
});

export async function reconView(model: Cae, val: ImageBatch, mask: Uint8Array, step: number): Promise<ReconView> {
  const c = model.config;
  const S = c.imgSize;
  const p = c.patchSize;
  const K = val.batch;
  const N = numPatches(c);
  const masks = maskIndices(mask, K, N);
  const logitsT = tf.tidy(() => model.predict(tf.tensor4d(val.images, [K, 3, S, S]), masks).logits);
  const logits = (await logitsT.data()) as Float32Array;
  logitsT.dispose();
  const C = p * p * 3;
  const plane = 3 * S * S;
  const panels = blankPanels(K, S);
  const grey = new Float32Array(C).fill(GREY);
  for (let b = 0; b < K; b++) {
    const img = val.images.subarray(b * plane, (b + 1) * plane);
    const shown = denormalizeImageNet(img);
    const masked = shown.slice();
    const recon = new Float32Array(plane).fill(GREY);
    const composite = shown.slice();
    for (let j = 0; j < masks.masked.perImage; j++) {
      const k = masks.masked.local[b * masks.masked.perImage + j]!;
      const row = logits.subarray((b * masks.masked.perImage + j) * C, (b * masks.masked.perImage + j + 1) * C);
      const vec = predictedPatchPixels(row, patchVector(img, S, p, k), p, c.normPixTarget);
      writePatch(recon, S, p, k, vec);
      writePatch(composite, S, p, k, vec);
      writePatch(masked, S, p, k, grey);
    }
    panels.original.set(toRgba(shown, S), b * S * S * 4);
    panels.masked.set(toRgba(masked, S), b * S * S * 4);
    panels.recon.set(toRgba(recon, S), b * S * S * 4);
    panels.composite.set(toRgba(composite, S), b * S * S * 4);
  }
  return { step, size: S, count: K, ...panels };
}
