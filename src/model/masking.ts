// Mask generators, seeded: block-wise (BEiT's MaskingGenerator, as CAE uses it) and uniform random.
// Both mask exactly `count` patches of a g×g grid; 1 = masked, patches numbered row by row.
import { type CaeConfig, grid, numMasked, numPatches } from './config';
import type { Rng } from './random';

/** Python's round(): half to even, as the official generator rounds block sides. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export interface BlockMaskOptions {
  /** Grid side g. */
  readonly grid: number;
  /** Patches to mask. */
  readonly count: number;
  /** Smallest block area in patches (official 16). */
  readonly minPatches: number;
  /** Smallest aspect ratio; the largest is its inverse (official 0.3). */
  readonly minAspect?: number;
}

/** One block-wise mask, step for step the official `MaskingGenerator.__call__`. */
export function blockMask(rng: Rng, o: BlockMaskOptions): Uint8Array {
  const g = o.grid;
  if (!(o.count >= 0 && o.count < g * g)) throw new Error(`cannot mask ${o.count} of ${g * g} patches block-wise`);
  const logAspect = [Math.log(o.minAspect ?? 0.3), Math.log(1 / (o.minAspect ?? 0.3))] as const;
  const mask = new Uint8Array(g * g);
  let count = 0;
  let stalls = 0;
  while (count !== o.count) {
    const maxMask = o.count - count;
    let delta = 0;
    for (let attempt = 0; attempt < 10; attempt++) {
      const area = rng.uniform(o.minPatches, maxMask);
      const aspect = Math.exp(rng.uniform(logAspect[0], logAspect[1]));
      const h = roundHalfEven(Math.sqrt(area * aspect));
      const w = roundHalfEven(Math.sqrt(area / aspect));
      if (w < g && h < g) {
        const top = rng.randint(0, g - h);
        const left = rng.randint(0, g - w);
        let already = 0;
        for (let i = top; i < top + h; i++) for (let j = left; j < left + w; j++) already += mask[i * g + j]!;
        const fresh = h * w - already;
        if (fresh > 0 && fresh <= maxMask) {
          for (let i = top; i < top + h; i++)
            for (let j = left; j < left + w; j++)
              if (mask[i * g + j] === 0) {
                mask[i * g + j] = 1;
                delta++;
              }
        }
        if (delta > 0) break;
      }
    }
    count += delta;
    // The official loop can only spin forever on settings where no block ever fits; say so instead.
    stalls = delta > 0 ? 0 : stalls + 1;
    if (stalls > 10_000) throw new Error(`block masking made no progress: ${count} of ${o.count} masked on a ${g}×${g} grid with blocks ≥ ${o.minPatches}`);
  }
  return mask;
}

/** Uniform random masking: `count` distinct patches (a seeded shuffle). */
export function randomMask(rng: Rng, numPatches: number, count: number): Uint8Array {
  const order = rng.shuffle(Array.from({ length: numPatches }, (_, i) => i));
  const mask = new Uint8Array(numPatches);
  for (let i = 0; i < count; i++) mask[order[i]!] = 1;
  return mask;
}

/** Masks for a batch under a config: [B·N], every image masking exactly numMasked(config). */
export function batchMasks(c: CaeConfig, rng: Rng, batch: number): Uint8Array {
  const N = numPatches(c);
  const out = new Uint8Array(batch * N);
  for (let b = 0; b < batch; b++) {
    const m = c.maskKind === 'block' ? blockMask(rng, { grid: grid(c), count: numMasked(c), minPatches: c.maskMinPatches }) : randomMask(rng, N, numMasked(c));
    out.set(m, b * N);
  }
  return out;
}
