// The image lab's panels for one image and one mask: the original, the visible patches, the
// reconstruction of the masked ones, the composite, a per-patch error heatmap, and the paper's
// Figure 4 full reconstruction (encoder on all patches, regressor skipped, decoder on every patch),
// and the image's patch features as RGB (their first three principal components).
// Read-only on the model: no drop path, no random stream, every tensor disposed before returning.
import * as tf from '@tensorflow/tfjs';
import { denormalizeImageNet, normalizeImageNet } from '../data/augment';
import { heatmapRgba, maxFinite, patchError, tokenMapRgba } from '../data/labPanels';
import { patchVector, predictedPatchPixels, toRgba, writePatch } from '../data/patches';
import type { Cae } from '../model/cae';
import { grid, numPatches } from '../model/config';
import { maskIndices } from '../model/masks';
import type { LabView } from '../protocol/messages';
import { pcaRgba } from './featureMap';

const GREY = 0.5;

/** Row-wise argmax of [n, V] logits. */
function argmaxRows(logits: Float32Array, n: number): Int32Array {
  const V = logits.length / n;
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let v = 1; v < V; v++) if (logits[r * V + v]! > logits[r * V + best]!) best = v;
    out[r] = best;
  }
  return out;
}

/** Reads a tensor made inside `make` and disposes it. */
async function read(make: () => tf.Tensor): Promise<Float32Array> {
  const t = tf.tidy(make);
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/**
 * Panels for `image01` (channel-major RGB [3, S, S] in [0, 1]) under `mask` ([g²], 1 = masked).
 * With nothing or everything masked, only the original, the masked input and the full
 * reconstruction are drawn: the regressor needs at least one patch on each side.
 */
export async function labView(model: Cae, image01: Float32Array, mask: Uint8Array, label: string): Promise<LabView> {
  const c = model.config;
  const S = c.imgSize;
  const p = c.patchSize;
  const g = grid(c);
  const N = numPatches(c);
  if (image01.length !== 3 * S * S) throw new Error(`the lab image has ${image01.length} values, the model needs 3×${S}×${S}`);
  if (mask.length !== N) throw new Error(`the mask has ${mask.length} patches, the model's grid has ${N}`);
  const img = normalizeImageNet(image01.slice());
  const x = () => tf.tensor4d(img, [1, 3, S, S]);
  let nm = 0;
  for (const m of mask) nm += m ? 1 : 0;
  const predicts = nm >= 1 && nm < N;
  const masks = predicts ? maskIndices(mask, 1, N) : null;
  const logits = masks ? await read(() => model.predict(x(), masks).logits) : null; // [Nm, V]
  const full = await read(() => model.reconstructAll(x())); // [N, V]

  const shown = denormalizeImageNet(img);
  const masked = shown.slice();
  const grey = new Float32Array(p * p * 3).fill(GREY);
  for (let k = 0; k < N; k++) if (mask[k]) writePatch(masked, S, p, k, grey);
  const features = await pcaRgba(model, image01);
  const base = { size: S, grid: g, target: c.target, label, maskedCount: nm, original: toRgba(shown, S), masked: toRgba(masked, S), features };

  if (c.target === 'token') {
    const ids = new Int32Array(N).fill(-1);
    if (masks && logits) argmaxRows(logits, nm).forEach((id, j) => (ids[masks.masked.local[j]!] = id));
    const recon = tokenMapRgba(ids, g, p);
    // The composite keeps the visible pixels and shows each masked patch's predicted token colour.
    const composite = toRgba(shown, S);
    for (let i = 0; i < S * S; i++) if (mask[Math.floor(i / S / p) * g + Math.floor((i % S) / p)]) composite.set(recon.subarray(i * 4, i * 4 + 4), i * 4);
    return {
      ...base,
      recon: masks ? recon : null,
      composite: masks ? composite : null,
      errors: null,
      errorMax: 0,
      error: null,
      full: tokenMapRgba(argmaxRows(full, N), g, p),
    };
  }

  const C = p * p * 3;
  const fullImg = new Float32Array(3 * S * S);
  for (let k = 0; k < N; k++)
    writePatch(fullImg, S, p, k, predictedPatchPixels(full.subarray(k * C, (k + 1) * C), patchVector(img, S, p, k), p, c.normPixTarget));
  if (!masks || !logits) return { ...base, recon: null, composite: null, errors: null, errorMax: 0, error: null, full: toRgba(fullImg, S) };

  const recon = new Float32Array(3 * S * S).fill(GREY);
  const composite = shown.slice();
  const errors = new Float32Array(N).fill(Number.NaN);
  for (let j = 0; j < nm; j++) {
    const k = masks.masked.local[j]!;
    const row = logits.subarray(j * C, (j + 1) * C);
    const truth = patchVector(img, S, p, k);
    const vec = predictedPatchPixels(row, truth, p, c.normPixTarget);
    writePatch(recon, S, p, k, vec);
    writePatch(composite, S, p, k, vec);
    errors[k] = patchError(row, truth, c.normPixTarget);
  }
  const errorMax = maxFinite(errors);
  return {
    ...base,
    recon: toRgba(recon, S),
    composite: toRgba(composite, S),
    errors,
    errorMax,
    error: heatmapRgba(errors, g, p, errorMax),
    full: toRgba(fullImg, S),
  };
}
