// Patch labels on `shapes` against labels read independently off the rendered pixels: on shapes-easy
// the object is one flat colour over a smooth gradient, so a pixel that is exactly the object's colour
// is fully covered and one that differs slightly from both neighbours' colours is partly covered.
import { describe, expect, it } from 'vitest';
import { backgroundLabel, labelPatches, shapesDataset } from './shapes';
import { seededSubset } from './subset';

/** The object's colour: the most frequent exact RGB triple (the gradient background never repeats much). */
function objectColour(img: Float32Array, plane: number): [number, number, number] {
  const counts = new Map<string, number>();
  for (let i = 0; i < plane; i++) {
    const k = `${img[i]},${img[plane + i]},${img[2 * plane + i]}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  return best.split(',').map(Number) as [number, number, number];
}

describe('patch labels on shapes', () => {
  it('label a patch by the object when it covers more than half of it, else background, as the pixels say', () => {
    const size = 32;
    const patch = 4;
    const ds = shapesDataset(3, size, { train: 40, val: 40 }, 'easy');
    const bg = backgroundLabel(ds);
    let decided = 0;
    let objects = 0;
    for (let index = 0; index < 40; index++) {
      const { image, label } = ds.sample('val', index);
      const labels = ds.patchLabels!('val', index, patch);
      expect(labels.length).toBe((size / patch) ** 2);
      const plane = size * size;
      const fg = objectColour(image, plane);
      const isFg = (i: number) => image[i] === fg[0] && image[plane + i] === fg[1] && image[2 * plane + i] === fg[2];
      for (let p = 0; p < labels.length; p++) {
        const [py, px] = [Math.floor(p / (size / patch)), p % (size / patch)];
        // Lower bound of the covered share: pixels exactly the object's colour. Upper bound: those plus
        // every pixel that touches one (a partly covered pixel lies on the object's edge).
        let full = 0;
        let edge = 0;
        for (let y = py * patch; y < (py + 1) * patch; y++)
          for (let x = px * patch; x < (px + 1) * patch; x++) {
            const i = y * size + x;
            if (isFg(i)) full++;
            else if ([i - 1, i + 1, i - size, i + size].some((j) => j >= 0 && j < plane && isFg(j))) edge++;
          }
        const half = (patch * patch) / 2;
        if (full > half) {
          expect(labels[p]).toBe(label);
          decided++;
          objects++;
        } else if (full + edge < half) {
          expect(labels[p]).toBe(bg);
          decided++;
        }
      }
    }
    // Most patches are decided by the pixels alone, and both kinds occur.
    expect(decided).toBeGreaterThan(0.8 * 40 * 64);
    expect(objects).toBeGreaterThan(40 * 5);
  });

  it('rendering with a coverage map changes no pixel', () => {
    const ds = shapesDataset(1, 32, { train: 10, val: 10 }, 'hard');
    const a = ds.sample('train', 7).image;
    ds.patchLabels!('train', 7, 8);
    expect(ds.sample('train', 7).image).toEqual(a);
  });

  it('count coverage per patch, refuse a patch that does not divide the image, and follow a subset', () => {
    const cov = new Float32Array(16);
    cov.set([1, 1, 0.5, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0.25]);
    expect([...labelPatches(cov, 4, 2, 7, 10)]).toEqual([7, 10, 10, 7]);
    expect([...labelPatches(cov, 4, 1, 7, 10)].slice(0, 4)).toEqual([7, 7, 10, 10]);
    expect(() => labelPatches(cov, 4, 3, 7, 10)).toThrow(/does not divide/);
    const ds = shapesDataset(2, 32, { train: 50, val: 50 }, 'easy');
    const sub = seededSubset(ds, { train: 10, val: 10 }, 5);
    for (let i = 0; i < 10; i++) {
      const { image } = sub.sample('val', i);
      const j = Array.from({ length: 50 }, (_, k) => k).find((k) => ds.sample('val', k).image.every((v, n) => v === image[n]))!;
      expect(sub.patchLabels!('val', i, 4)).toEqual(ds.patchLabels!('val', j, 4));
    }
  });
});
