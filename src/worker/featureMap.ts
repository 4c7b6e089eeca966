// What the encoder's patch representations separate (paper Figure 7): patch features of validation
// images, each labelled by the class covering most of the patch (shapes knows its objects' pixels;
// other datasets label every patch with its image's label), mapped to 2-D. Also the per-image view:
// the first three principal components of one image's patch features as RGB over the image.
import * as tf from '@tensorflow/tfjs';
import { normalizeImageNet } from '../data/augment';
import { backgroundLabel, type LabelledDataset } from '../data/shapes';
import { toSize } from '../data/loader';
import { readSamples } from '../data/streamed';
import { seededSubset } from '../data/subset';
import type { Cae } from '../model/cae';
import { grid, numPatches } from '../model/config';
import type { EmbeddingView } from '../protocol/messages';
import { embed2d } from '../train/embed';
import { pca, project, toRgb } from '../train/pca';

const BATCH = 16;

/** Patch features (the encoder's output tokens after its final norm, CLS dropped) of images [B, 3, S, S] in [0, 1]: [B·N, D]. */
export async function patchFeatures(model: Cae, images01: Float32Array, count: number): Promise<Float32Array> {
  const S = model.config.imgSize;
  const t = tf.tidy(() => {
    const x = tf.tensor4d(normalizeImageNet(images01.slice()), [count, 3, S, S]);
    const z = model.encodeAll(x); // [B, 1+N, D]
    return z.slice([0, 1, 0], [-1, -1, -1]);
  });
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

/** One image's first three principal components of its patch features as RGBA over the image [S, S]. */
export async function pcaRgba(model: Cae, image01: Float32Array): Promise<Uint8ClampedArray> {
  const c = model.config;
  const N = numPatches(c);
  const f = await patchFeatures(model, image01, 1);
  const D = f.length / N;
  const rgb = toRgb(project(pca(f, N, D, 3, 100), f, N), N);
  return patchBlocksRgba(rgb, grid(c), c.patchSize);
}

/** Per-patch RGB [g², 3] painted as p×p blocks into RGBA [S, S]. */
export function patchBlocksRgba(rgb: Uint8ClampedArray, g: number, p: number): Uint8ClampedArray {
  const S = g * p;
  const out = new Uint8ClampedArray(S * S * 4);
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      const k = Math.floor(y / p) * g + Math.floor(x / p);
      out.set([rgb[3 * k]!, rgb[3 * k + 1]!, rgb[3 * k + 2]!, 255], (y * S + x) * 4);
    }
  return out;
}

export interface EmbeddingRequest {
  readonly images: number;
  /** At most this many patches are mapped (an even, seeded choice when there are more). */
  readonly maxPoints: number;
  readonly seed: number;
}

/**
 * The 2-D map of validation patches of `ds` under `model`. `progress` is called between stages and
 * UMAP epochs; returning true from it stops the map early with what it has.
 */
export async function patchEmbedding(
  model: Cae,
  ds: LabelledDataset,
  r: EmbeddingRequest,
  label: string,
  progress: (text: string, share: number) => Promise<boolean | void>,
): Promise<EmbeddingView> {
  const c = model.config;
  const S = c.imgSize;
  const p = c.patchSize;
  const N = numPatches(c);
  const sub = seededSubset(ds, { train: 0, val: Math.min(r.images, ds.valSize) }, r.seed);
  const count = sub.valSize;
  const byPatch = typeof sub.patchLabels === 'function';
  const bg = backgroundLabel(ds);
  const take = Math.min(count * N, r.maxPoints);
  const stride = (count * N) / take; // every stride-th patch, so the map covers every image evenly
  const chosen = Array.from({ length: take }, (_, i) => Math.floor(i * stride));
  let D = 0;
  let features = new Float32Array(0);
  const labels = new Int32Array(take);
  const patches = new Uint8ClampedArray(take * p * p * 4);
  let next = 0;
  for (let b0 = 0; b0 < count; b0 += BATCH) {
    const n = Math.min(BATCH, count - b0);
    const imgs = new Float32Array(n * 3 * S * S);
    const imgLabels: Int32Array[] = [];
    // Through readSamples: an import's chunks come from storage through its bounded cache.
    await readSamples(
      sub,
      'val',
      Array.from({ length: n }, (_, i) => b0 + i),
      (i, s) => {
        imgs.set(toSize(s.image, sub.sampleSize ?? S, S), i * 3 * S * S);
        imgLabels[i] = byPatch ? sub.patchLabels!('val', b0 + i, p) : new Int32Array(N).fill(s.label);
      },
    );
    const f = await patchFeatures(model, imgs, n);
    if (!D) {
      D = f.length / (n * N);
      features = new Float32Array(take * D);
    }
    for (; next < take && chosen[next]! < (b0 + n) * N; next++) {
      const flat = chosen[next]!;
      const [i, k] = [Math.floor(flat / N) - b0, flat % N];
      features.set(f.subarray((i * N + k) * D, (i * N + k + 1) * D), next * D);
      labels[next] = imgLabels[i]![k]!;
      copyPatch(imgs, i, S, p, k, patches, next);
    }
    const done = Math.min(b0 + n, count);
    if ((await progress(`patch features: ${done} of ${count} images`, (0.5 * done) / count)) === true) throw new Error('stopped');
  }
  const points = await embed2d(features, take, D, {
    seed: r.seed,
    onEpoch: (e, total) => progress(`map: epoch ${e} of ${total}`, 0.5 + (0.5 * e) / Math.max(1, total)),
  });
  const classNames = byPatch ? [...ds.classes, 'background'] : [...ds.classes];
  return { points, labels, classNames, labelledBy: byPatch ? 'patch' : 'image', background: byPatch ? bg : null, patch: p, patches, images: count, label };
}

/** Patch k of image i (channel-major [3, S, S] in [0, 1]) as RGBA p×p into `out` at slot `slot`. */
function copyPatch(imgs: Float32Array, i: number, S: number, p: number, k: number, out: Uint8ClampedArray, slot: number): void {
  const g = S / p;
  const [py, px] = [Math.floor(k / g), k % g];
  const base = i * 3 * S * S;
  for (let y = 0; y < p; y++)
    for (let x = 0; x < p; x++) {
      const src = base + (py * p + y) * S + px * p + x;
      const o = (slot * p * p + y * p + x) * 4;
      out[o] = 255 * imgs[src]!;
      out[o + 1] = 255 * imgs[src + S * S]!;
      out[o + 2] = 255 * imgs[src + 2 * S * S]!;
      out[o + 3] = 255;
    }
}
