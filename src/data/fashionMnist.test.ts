import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fashionMnistDir, loadFashionMnist } from '../testing/nodeDatasets';
import { FASHION_MNIST, FASHION_MNIST_CLASSES, fashionMnistDataset, grayToRgb } from './fashionMnist';
import { fixedBatch, BatchLoader } from './loader';
import { seededSubset } from './subset';
import { seededLabelSplit } from './split';

const counts = (labels: ArrayLike<number>, mask: Uint8Array, want: number, k: number) => {
  const c = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) if (mask[i] === want) c[labels[i]!]!++;
  return c;
};

describe('the seeded per-class split of labelled items', () => {
  const labels = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 3); // 334 / 333 / 333

  it('holds out round(share · n) of each class, the same for the same seed', () => {
    const a = seededLabelSplit(labels, { valShare: 0.2, seed: 4 });
    expect(counts(labels, a, 1, 3)).toEqual([67, 67, 67]);
    expect(seededLabelSplit(labels, { valShare: 0.2, seed: 4 })).toEqual(a);
    const b = seededLabelSplit(labels, { valShare: 0.2, seed: 5 });
    expect(b).not.toEqual(a);
    expect(counts(labels, b, 1, 3)).toEqual([67, 67, 67]);
  });

  it("does not reshuffle a class when another class's items change", () => {
    const more = Uint8Array.from([...labels, 2, 2, 2, 2, 2]);
    const a = seededLabelSplit(labels, { valShare: 0.3, seed: 1 });
    const b = seededLabelSplit(more, { valShare: 0.3, seed: 1 });
    for (let i = 0; i < labels.length; i++) if (labels[i] !== 2) expect(b[i]).toBe(a[i]);
  });

  it('refuses a share outside [0, 1)', () => {
    expect(() => seededLabelSplit(labels, { valShare: 1, seed: 0 })).toThrow('the validation share must be in [0, 1), got 1');
  });
});

describe('Fashion-MNIST, embedded', () => {
  it('splits 10 000 images into 8 000 / 2 000, 800 / 200 a class, and serves them as RGB in [0, 1]', async () => {
    const ds = await loadFashionMnist(32);
    expect([ds.name, ds.trainSize, ds.valSize, ds.imgSize, ds.sampleSize]).toEqual(['Fashion-MNIST', 8000, 2000, 32, 28]);
    expect(ds.classes).toEqual(FASHION_MNIST_CLASSES);
    for (const [split, n, per] of [
      ['train', 8000, 800],
      ['val', 2000, 200],
    ] as const) {
      const c = new Array<number>(10).fill(0);
      for (let i = 0; i < n; i++) c[ds.sample(split, i).label]!++;
      expect(c).toEqual(new Array(10).fill(per));
    }
    const s = ds.sample('val', 17);
    expect(s.image.length).toBe(3 * 28 * 28);
    expect(s.image.subarray(0, 784)).toEqual(s.image.subarray(784, 1568)); // gray: R = G
    expect(Math.max(...s.image)).toBeLessThanOrEqual(1);
    expect(Math.max(...s.image)).toBeGreaterThan(0.5);
    expect(() => ds.sample('val', 2000)).toThrow('Fashion-MNIST: val index 2000 out of range [0, 2000)');
  });

  it('is the same dataset from the same files: the split is a function of the labels and the seed', async () => {
    const dir = fashionMnistDir();
    const read = (f: string) => new Blob([readFileSync(join(dir, f))]);
    const [a, b] = await Promise.all([loadFashionMnist(28), fashionMnistDataset(read(FASHION_MNIST.images), read(FASHION_MNIST.labels), 28)]);
    for (const i of [0, 1, 999, 7999]) expect(b.sample('train', i)).toEqual(a.sample('train', i));
  });

  it("makes the probe's and pretraining's batches at the preset's size (28 px resized to 32)", async () => {
    const ds = seededSubset(await loadFashionMnist(32), { train: 64, val: 20 }, 3);
    const batch = await fixedBatch(ds, [0, 1, 2, 3], 'val');
    expect([batch.batch, batch.size, batch.images.length]).toEqual([4, 32, 4 * 3 * 32 * 32]);
    const loader = new BatchLoader(ds, 8, 1);
    const b = await loader.next();
    expect([b.size, b.labels.length]).toEqual([32, 8]);
    expect(b.images.every(Number.isFinite)).toBe(true);
  });
});

describe('grayscale to planar RGB', () => {
  it('copies the plane three times, or its transpose (EMNIST)', () => {
    const g = Uint8Array.from([1, 2, 3, 4]); // [[1, 2], [3, 4]]
    expect(Array.from(grayToRgb(g, 2))).toEqual([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]);
    expect(Array.from(grayToRgb(g, 2, true).subarray(0, 4))).toEqual([1, 3, 2, 4]);
  });
});
