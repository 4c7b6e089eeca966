import { describe, expect, it } from 'vitest';
import { Rng } from '../model/random';
import { pca, project, toRgb } from './pca';

describe('pca', () => {
  it('finds the known axes of an anisotropic Gaussian in a rotated frame, largest variance first', () => {
    // Standard deviations 5, 3, 1, 0.2 along an orthonormal basis that is not the identity.
    const d = 4;
    const s = Math.SQRT1_2;
    const basis = [
      [s, s, 0, 0],
      [0, 0, s, s],
      [s, -s, 0, 0],
      [0, 0, s, -s],
    ];
    const sd = [5, 3, 1, 0.2];
    const n = 4000;
    const rng = new Rng(11);
    const x = new Float32Array(n * d);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < d; c++) {
        const z = rng.normal() * sd[c]!;
        for (let j = 0; j < d; j++) x[i * d + j]! += z * basis[c]![j]! + (j === 0 ? 10 : 0) / d;
      }
    const p = pca(x, n, d, 3);
    for (let c = 0; c < 3; c++) {
      const comp = Array.from(p.components.slice(c * d, (c + 1) * d));
      const cos = Math.abs(comp.reduce((a, v, j) => a + v * basis[c]![j]!, 0));
      expect(cos).toBeGreaterThan(0.999);
      expect(Math.sqrt(p.variances[c]!)).toBeCloseTo(sd[c]!, 0);
      expect(Math.max(...comp.map(Math.abs))).toBe(Math.max(...comp)); // sign convention
    }
  });

  it('projects exactly on an axis-aligned case and maps projections to full-range RGB', () => {
    // Points on a line along feature 1: the first component is ±e1 and the projection is the offset.
    const x = Float32Array.from([0, 1, 0, 0, 3, 0, 0, 5, 0]);
    const p = pca(x, 3, 3, 1);
    expect(Array.from(p.mean)).toEqual([0, 3, 0]);
    expect(Math.abs(p.components[1]!)).toBeCloseTo(1, 6);
    expect(Array.from(project(p, x, 3)).map((v) => Math.abs(Math.round(v)))).toEqual([2, 0, 2]);
    expect(p.variances[0]).toBeCloseTo(4, 6);
    const rgb = toRgb(Float32Array.from([0, 1, 2, 10, 1, 2, 5, 1, 4]), 3);
    expect(Array.from(rgb)).toEqual([0, 0, 0, 255, 0, 0, 128, 0, 255]);
    expect(() => pca(x, 2, 3)).toThrow(/rows/);
  });
});
