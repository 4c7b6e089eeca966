// The image lab's per-patch panels on plain arrays: the error of each predicted patch in the space
// the loss measures it, a heatmap of those errors over the image, and token ids as colours.
import { normalizePatch } from './patches';

/**
 * Mean squared error of one predicted patch against its target, as the reconstruction loss counts
 * it: against the per-patch normalized truth when the model predicts normalized pixels.
 */
export function patchError(row: ArrayLike<number>, truth: Float32Array, normPix: boolean): number {
  const target = normPix ? normalizePatch(truth) : truth;
  let s = 0;
  for (let i = 0; i < target.length; i++) s += (row[i]! - target[i]!) ** 2;
  return s / target.length;
}

/** A few stops of viridis (dark blue, low → yellow, high). */
const STOPS = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
] as const;

/** The colour of t in [0, 1] (clamped), linear between the stops. */
export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [STOPS[i]!, STOPS[i + 1]!];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** Grey for patches with no value (visible patches have no prediction to score). */
export const NO_VALUE = [128, 128, 128] as const;

/**
 * Per-patch values (NaN = none) painted over a g×g grid of p-pixel patches: RGBA S×S, each patch
 * flat in its colour, t = value / max.
 */
export function heatmapRgba(values: Float32Array, g: number, p: number, max: number): Uint8ClampedArray {
  const S = g * p;
  const out = new Uint8ClampedArray(S * S * 4);
  for (let k = 0; k < g * g; k++) {
    const v = values[k]!;
    const rgb = Number.isNaN(v) ? NO_VALUE : viridis(max > 0 ? v / max : 0);
    const [r, c] = [Math.floor(k / g), k % g];
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++) {
        const o = ((r * p + i) * S + c * p + j) * 4;
        out.set([rgb[0], rgb[1], rgb[2], 255], o);
      }
  }
  return out;
}

/** Largest finite value, 0 when there is none. */
export function maxFinite(values: Float32Array): number {
  let m = 0;
  for (const v of values) if (Number.isFinite(v) && v > m) m = v;
  return m;
}

/** A token id's colour: a fixed hash spread over hues, so equal ids match across maps. */
export function tokenColour(id: number): [number, number, number] {
  const h = (Math.imul(id + 1, 2654435761) >>> 0) / 4294967296; // Knuth's multiplicative hash
  const [r, g, b] = [0, 1 / 3, 2 / 3].map((o) => 0.5 + 0.45 * Math.cos(2 * Math.PI * (h + o))) as [number, number, number];
  return [r * 255, g * 255, b * 255];
}

/** Token ids per patch (−1 = none) as a g×g map of flat p-pixel patches, RGBA S×S. */
export function tokenMapRgba(ids: Int32Array, g: number, p: number): Uint8ClampedArray {
  const values = new Float32Array(g * g);
  const out = heatmapRgba(values.fill(Number.NaN), g, p, 1);
  const S = g * p;
  for (let k = 0; k < g * g; k++) {
    if (ids[k]! < 0) continue;
    const rgb = tokenColour(ids[k]!);
    const [r, c] = [Math.floor(k / g), k % g];
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) out.set([rgb[0], rgb[1], rgb[2], 255], ((r * p + i) * S + c * p + j) * 4);
  }
  return out;
}
