import { describe, expect, it } from 'vitest';
import { Rng } from '../model/random';
import { denormalizeImageNet, normalizeImageNet, randomResizedCropBox, resizeCrop } from './augment';
import { BatchLoader, fixedBatch } from './loader';
import { denormalizePatch, patchVector, writePatch } from './patches';
import { insideShape, SHAPE_CLASSES, shapesDataset } from './shapes';

describe('the shapes dataset', () => {
  const ds = shapesDataset(0, 32, { train: 200, val: 50 });

  it('is a pure function of seed, split and index', () => {
    expect(Array.from(ds.sample('train', 7).image)).toEqual(Array.from(shapesDataset(0, 32).sample('train', 7).image));
    expect(Array.from(ds.sample('train', 7).image)).not.toEqual(Array.from(shapesDataset(1, 32).sample('train', 7).image));
    expect(Array.from(ds.sample('train', 7).image)).not.toEqual(Array.from(ds.sample('val', 7).image));
  });

  it('has ten balanced classes and images in [0, 1] at any resolution', () => {
    expect(SHAPE_CLASSES.length).toBeGreaterThanOrEqual(10);
    const counts = new Array(SHAPE_CLASSES.length).fill(0);
    for (let i = 0; i < 200; i++) counts[ds.sample('train', i).label]++;
    expect(new Set(counts).size).toBe(1);
    for (const size of [16, 64, 224]) {
      const img = shapesDataset(3, size).sample('val', 1).image;
      expect(img.length).toBe(3 * size * size);
      expect(img.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    expect(() => ds.sample('val', 50)).toThrow(/out of range/);
  });

  it('tells classes apart by shape: no two classes cover the same unit-square points', () => {
    const grid = (k: number) => Array.from({ length: 41 * 41 }, (_, i) => insideShape(k, (i % 41) / 20 - 1, Math.floor(i / 41) / 20 - 1));
    const masks = SHAPE_CLASSES.map((_, k) => grid(k));
    for (let a = 0; a < masks.length; a++)
      for (let b = a + 1; b < masks.length; b++) {
        const differ = masks[a]!.filter((v, i) => v !== masks[b]![i]).length;
        expect(differ, `${SHAPE_CLASSES[a]} vs ${SHAPE_CLASSES[b]}`).toBeGreaterThan(80);
      }
  });

  it('puts the object off-centre often', () => {
    // The object's pixels differ most from the background; find the image's centre of "foreground".
    let offCentre = 0;
    const S = 32;
    for (let i = 0; i < 60; i++) {
      const img = ds.sample('train', i).image;
      const ref = [0, 1, 2].map((c) => img[c * S * S]!); // corner pixel ≈ background
      let sx = 0;
      let sy = 0;
      let n = 0;
      for (let y = 0; y < S; y++)
        for (let x = 0; x < S; x++) {
          const d = [0, 1, 2].reduce((a, c) => a + Math.abs(img[c * S * S + y * S + x]! - ref[c]!), 0);
          if (d > 0.6) [sx, sy, n] = [sx + x, sy + y, n + 1];
        }
      if (n && Math.hypot(sx / n - S / 2, sy / n - S / 2) > S / 8) offCentre++;
    }
    expect(offCentre).toBeGreaterThan(20);
  });
});

describe('augmentation', () => {
  it('draws RandomResizedCrop boxes inside the image within scale and ratio', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 500; i++) {
      const b = randomResizedCropBox(rng, 32, 32);
      expect(b.top).toBeGreaterThanOrEqual(0);
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.top + b.height).toBeLessThanOrEqual(32);
      expect(b.left + b.width).toBeLessThanOrEqual(32);
      const area = (b.height * b.width) / 1024;
      expect(area).toBeGreaterThan(0.05);
      expect(b.width / b.height).toBeGreaterThan(0.6);
      expect(b.width / b.height).toBeLessThan(1.7);
    }
  });

  it('resizing the full image to its own size is the identity; flipping mirrors', () => {
    const img = Float32Array.from({ length: 3 * 4 * 4 }, (_, i) => i / 48);
    expect(Array.from(resizeCrop(img, 4, 4, { top: 0, left: 0, height: 4, width: 4 }, 4))).toEqual(Array.from(img));
    const flipped = resizeCrop(img, 4, 4, { top: 0, left: 0, height: 4, width: 4 }, 4, true);
    expect(flipped[0]).toBe(img[3]);
    expect(flipped[4 * 4 + 5]).toBe(img[4 * 4 + 6]);
  });

  it('ImageNet normalization round-trips', () => {
    const img = Float32Array.from({ length: 12 }, (_, i) => i / 12);
    const back = denormalizeImageNet(normalizeImageNet(img.slice()));
    back.forEach((v, i) => expect(v).toBeCloseTo(img[i]!, 6));
  });
});

describe('batch loader', () => {
  const ds = shapesDataset(2, 16, { train: 30, val: 10 });

  it('is deterministic, visits every image once per epoch, and resumes from its cursor', async () => {
    const a = new BatchLoader(ds, 4, 9);
    const batches = [];
    for (let i = 0; i < 10; i++) batches.push(await a.next(i % 2 === 0));
    const b = new BatchLoader(ds, 4, 9);
    b.cursor = 16; // four batches in
    expect(Array.from((await b.next()).images)).toEqual(Array.from(batches[4]!.images));
    const epoch = batches
      .slice(0, 8)
      .flatMap((x) => Array.from(x.labels))
      .slice(0, 30);
    const counts = new Array(10).fill(0);
    epoch.forEach((l) => counts[l]++);
    expect(counts).toEqual(new Array(10).fill(3));
  });

  it('gives the same validation batch every time, unaugmented', async () => {
    expect(Array.from((await fixedBatch(ds, [1, 2])).images)).toEqual(Array.from((await fixedBatch(ds, [1, 2])).images));
  });
});

describe('patch bookkeeping', () => {
  it('reads and writes (p, q, c) patch vectors in place', () => {
    const S = 8;
    const p = 4;
    const img = Float32Array.from({ length: 3 * S * S }, (_, i) => i);
    const v = patchVector(img, S, p, 3); // row 1, col 1
    expect(v[0]).toBe(img[0 * S * S + 4 * S + 4]); // (0,0,c=0)
    expect(v[1]).toBe(img[1 * S * S + 4 * S + 4]); // (0,0,c=1)
    expect(v[3]).toBe(img[0 * S * S + 4 * S + 5]); // (0,1,c=0)
    const out = new Float32Array(3 * S * S);
    writePatch(out, S, p, 3, v);
    expect(patchVector(out, S, p, 3)).toEqual(v);
  });

  it('undoes per-patch normalization with the true patch statistics', () => {
    const truth = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const mean = 3.5;
    const std = Math.sqrt(17.5 / 6 + 1e-6);
    const normalized = Array.from(truth, (x) => (x - mean) / std);
    denormalizePatch(normalized, truth).forEach((v, i) => expect(v).toBeCloseTo(truth[i]!, 5));
  });
});
