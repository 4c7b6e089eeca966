import { describe, expect, it } from 'vitest';
import { MICRO, VIT_S_P16_224 } from './presets';
import { batchMasks, blockMask, randomMask, roundHalfEven } from './masking';
import { maskIndices } from './masks';
import { Rng } from './random';

function components(m: Uint8Array, g: number): number {
  const seen = new Uint8Array(g * g);
  let c = 0;
  for (let s = 0; s < g * g; s++) {
    if (!m[s] || seen[s]) continue;
    c++;
    const stack = [s];
    seen[s] = 1;
    while (stack.length) {
      const k = stack.pop()!;
      const [i, j] = [Math.floor(k / g), k % g];
      for (const [a, b] of [
        [i + 1, j],
        [i - 1, j],
        [i, j + 1],
        [i, j - 1],
      ] as const) {
        if (a < 0 || b < 0 || a >= g || b >= g) continue;
        const n = a * g + b;
        if (m[n] && !seen[n]) {
          seen[n] = 1;
          stack.push(n);
        }
      }
    }
  }
  return c;
}

/** Masked/visible neighbour pairs: low for blocks, high for scattered patches. */
function boundary(m: Uint8Array, g: number): number {
  let b = 0;
  for (let i = 0; i < g; i++)
    for (let j = 0; j < g; j++) {
      if (i + 1 < g && m[i * g + j] !== m[(i + 1) * g + j]) b++;
      if (j + 1 < g && m[i * g + j] !== m[i * g + j + 1]) b++;
    }
  return b;
}

describe('Python rounding and random helpers', () => {
  it('rounds half to even like round()', () => {
    expect([0.5, 1.5, 2.5, 3.5, -0.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 4, 0, 2, 3]);
  });
  it('randint includes both bounds', () => {
    const rng = new Rng(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.randint(0, 3));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });
  it('uniform(a, b) works with a > b as Python does', () => {
    const rng = new Rng(2);
    for (let i = 0; i < 100; i++) {
      const x = rng.uniform(16, 3);
      expect(x).toBeGreaterThan(3);
      expect(x).toBeLessThanOrEqual(16);
    }
  });
});

describe('block-wise masking', () => {
  it('masks exactly the requested count, every time', () => {
    const rng = new Rng(3);
    for (const [g, count, minPatches] of [
      [14, 98, 16],
      [8, 32, 5],
      [4, 8, 2],
      [14, 75, 16],
      [8, 1, 5],
    ] as const) {
      for (let i = 0; i < 200; i++) {
        const m = blockMask(rng, { grid: g, count, minPatches });
        expect(m.reduce((a, b) => a + b, 0)).toBe(count);
      }
    }
  });

  it('the same seed gives the same masks, another seed others', () => {
    const a = batchMasks(VIT_S_P16_224, new Rng(7), 4);
    const b = batchMasks(VIT_S_P16_224, new Rng(7), 4);
    const c = batchMasks(VIT_S_P16_224, new Rng(8), 4);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('matches the official generator statistics at 14×14, 98 masked, blocks ≥ 16', () => {
    // Reference values: the official furnace/masking_generator.py, 3000 draws with Python's
    // random.seed(0): 1.332 connected components, 43.22 masked/visible edges, corner patch masked
    // 5.5% of the time, centre patch 86.4%.
    const g = 14;
    const rng = new Rng(11);
    const draws = 3000;
    let comp = 0;
    let edge = 0;
    const freq = new Float64Array(g * g);
    for (let i = 0; i < draws; i++) {
      const m = blockMask(rng, { grid: g, count: 98, minPatches: 16 });
      comp += components(m, g);
      edge += boundary(m, g);
      m.forEach((v, k) => (freq[k]! += v));
    }
    expect(comp / draws).toBeCloseTo(1.332, 1);
    expect(Math.abs(edge / draws - 43.22) / 43.22).toBeLessThan(0.03);
    expect(Math.abs(freq[0]! / draws - 0.055)).toBeLessThan(0.02);
    expect(Math.abs(freq[7 * g + 7]! / draws - 0.864)).toBeLessThan(0.03);
    // Every patch can be masked and none always is.
    for (const f of freq) {
      expect(f / draws).toBeGreaterThan(0.02);
      expect(f / draws).toBeLessThan(0.95);
    }
  });

  it('is far more clustered than uniform random masking', () => {
    const rng = new Rng(5);
    let blockEdges = 0;
    let randomEdges = 0;
    for (let i = 0; i < 300; i++) {
      blockEdges += boundary(blockMask(rng, { grid: 14, count: 98, minPatches: 16 }), 14);
      randomEdges += boundary(randomMask(rng, 196, 98), 14);
    }
    expect(blockEdges * 3).toBeLessThan(randomEdges);
  });
});

describe('uniform random masking', () => {
  it('masks exactly the count, uniformly over patches', () => {
    const rng = new Rng(9);
    const freq = new Float64Array(64);
    for (let i = 0; i < 4000; i++) {
      const m = randomMask(rng, 64, 24);
      expect(m.reduce((a, b) => a + b, 0)).toBe(24);
      m.forEach((v, k) => (freq[k]! += v));
    }
    for (const f of freq) expect(Math.abs(f / 4000 - 24 / 64)).toBeLessThan(0.04);
  });
});

describe('batch masks', () => {
  it('gives dense index lists with the config count per image', () => {
    const m = batchMasks({ ...MICRO, maskKind: 'random' }, new Rng(1), 3);
    const idx = maskIndices(m, 3, 16);
    expect(idx.masked.perImage).toBe(8);
    expect(idx.visible.local.length + idx.masked.local.length).toBe(48);
    expect(Array.from(idx.masked.flat).every((f) => m[f] === 1)).toBe(true);
    expect(Array.from(idx.visible.flat).every((f) => m[f] === 0)).toBe(true);
  });
  it('refuses masks with different counts per image', () => {
    const m = new Uint8Array(32);
    m[0] = 1;
    m[16] = 1;
    m[17] = 1;
    expect(() => maskIndices(m, 2, 16)).toThrow(/image 1 masks 2 patches but image 0 masks 1/);
  });
});
