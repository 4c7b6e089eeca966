// The image lab's masks on the model's g×g patch grid (1 = masked, row by row): generated from a
// seed (block-wise or uniform, the model's own generators) or painted patch by patch. A stroke
// starts on one patch, flips it, and sets every patch it then passes over to that same state, so a
// drag masks (or unmasks) a run of patches without flickering the ones it crosses twice.
import { blockMask, randomMask } from '../model/masking';
import { Rng } from '../model/random';

export type LabMaskKind = 'block' | 'random' | 'paint';

export const maskCount = (mask: ArrayLike<number>): number => {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i] ? 1 : 0;
  return n;
};

/** Patches a ratio masks on a grid of N: at least one masked and one visible, as the model needs. */
export const ratioCount = (ratio: number, N: number): number => Math.min(N - 1, Math.max(1, Math.round(ratio * N)));

/** A seeded block-wise or uniform random mask; block sizes start at `minPatches` (the model's setting). */
export function generateMask(kind: 'block' | 'random', g: number, ratio: number, seed: number, minPatches: number): Uint8Array {
  const N = g * g;
  const count = ratioCount(ratio, N);
  const rng = new Rng(seed);
  // Small grids cannot hold the model's smallest block at low ratios: blocks shrink to fit the count.
  return kind === 'block' ? blockMask(rng, { grid: g, count, minPatches: Math.min(minPatches, count) }) : randomMask(rng, N, count);
}

/** A stroke's first patch: flips it; the new state is what the rest of the stroke paints. */
export function startStroke(mask: Uint8Array, k: number): { mask: Uint8Array; value: 0 | 1 } {
  const value = mask[k] ? 0 : 1;
  return { mask: setPatch(mask, k, value), value };
}

/** A patch the stroke passes over takes the stroke's state; the same array comes back if nothing changed. */
export function continueStroke(mask: Uint8Array, k: number, value: 0 | 1): Uint8Array {
  return setPatch(mask, k, value);
}

function setPatch(mask: Uint8Array, k: number, value: 0 | 1): Uint8Array {
  if (k < 0 || k >= mask.length || mask[k] === value) return mask;
  const out = mask.slice();
  out[k] = value;
  return out;
}

/** The patch under a point of a canvas shown `shown` pixels wide over a g×g grid, or -1 outside it. */
export function patchAt(x: number, y: number, shown: number, g: number): number {
  if (!(x >= 0 && y >= 0 && x < shown && y < shown)) return -1;
  return Math.floor((y / shown) * g) * g + Math.floor((x / shown) * g);
}
