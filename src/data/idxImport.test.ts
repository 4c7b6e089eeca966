import { describe, expect, it } from 'vitest';
import { idxFile, idxImages, idxLabels } from '../testing/idxFiles';
import { ImportCancelled, type ImportHooks } from './datasetImport';
import { idxClassNames, idxDatasetName, idxRole, importIdx, type IdxSource } from './idxImport';
import { BatchLoader } from './loader';
import { storedDataset } from '../testing/storedDataset';
import type { DatasetChunk, DatasetMeta } from './stored';

const src = (path: string, b: Uint8Array<ArrayBuffer>): IdxSource => ({ path, file: new Blob([b]) });

function memory(): { hooks: ImportHooks; chunks: DatasetChunk[]; cancel(): void } {
  const chunks: DatasetChunk[] = [];
  let cancelled = false;
  return {
    chunks,
    cancel: () => (cancelled = true),
    hooks: { put: async (c) => void chunks.push(c), progress: () => undefined, cancelled: () => cancelled },
  };
}

const labelsOf = (chunks: DatasetChunk[]) => chunks.flatMap((c) => Array.from(c.labels));

describe('which part an IDX file plays', () => {
  it('reads it from the names the family ships', () => {
    expect(idxRole('fashion/train-images-idx3-ubyte.gz')).toEqual({ split: 'train', kind: 'images' });
    expect(idxRole('t10k-labels-idx1-ubyte')).toEqual({ split: 'test', kind: 'labels' });
    expect(idxRole('emnist-letters-test-images-idx3-ubyte.gz')).toEqual({ split: 'test', kind: 'images' });
    expect(idxRole('cat.png')).toBeNull();
    expect(idxClassNames(['x/fashion/train-labels-idx1-ubyte'], 10)[9]).toBe('Ankle boot');
    expect(idxClassNames(['kmnist/train-labels-idx1-ubyte'], 10)[0]).toBe('o');
    expect(idxClassNames(['train-labels-idx1-ubyte'], 10)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(idxDatasetName(['gzip/emnist-digits-train-images-idx3-ubyte'])).toBe('EMNIST digits');
  });
});

describe('importing IDX files', () => {
  it('imports a training pair and a test pair (gzipped and raw) as train and val, gray copied into RGB at 28 px', async () => {
    const m = memory();
    const files = [
      src('fashion/train-images-idx3-ubyte.gz', idxImages(30, 28, { gzip: true })),
      src(
        'fashion/train-labels-idx1-ubyte.gz',
        idxLabels(30, (i) => i % 10, { gzip: true }),
      ),
      src('fashion/t10k-images-idx3-ubyte', idxImages(10, 28)),
      src(
        'fashion/t10k-labels-idx1-ubyte',
        idxLabels(10, (i) => 9 - i),
      ),
      src('fashion/readme.txt', new Uint8Array(3)),
    ];
    const r = await importIdx('f', files, { valShare: 0.5, seed: 0 }, m.hooks);
    expect([r.storedSize, r.trainSize, r.valSize, r.split, r.classes[0]]).toEqual([28, 30, 10, { by: 'files' }, 'T-shirt/top']);
    expect(r.counts.val).toEqual(new Array(10).fill(1));
    expect(r.skipped).toEqual([{ path: 'fashion/readme.txt', reason: expect.stringMatching(/not an IDX file/) }]);
    const meta = { ...r, id: 'f', name: 'F', source: 'idx', status: 'ready', createdAt: 0 } as DatasetMeta;
    const ds = storedDataset(meta, m.chunks, 32);
    const s = ds.sample('train', 1);
    expect(s.label).toBe(1);
    // Image 1's pixel (y, x) is (7 + 28y + x) % 256 in every plane.
    expect(Math.round(s.image[3]! * 255)).toBe(10);
    expect(Math.round(s.image[784 + 3]! * 255)).toBe(10);
    expect(ds.sample('val', 0).label).toBe(9);
    const b = await new BatchLoader(ds, 4, 0).next();
    expect(b.size).toBe(32);
  });

  it('splits by the seed, per class, without a test pair, training images first', async () => {
    const m = memory();
    const files = [
      src('train-images-idx3-ubyte', idxImages(40, 8)),
      src(
        'train-labels-idx1-ubyte',
        idxLabels(40, (i) => i % 4),
      ),
    ];
    const r = await importIdx('s', files, { valShare: 0.2, seed: 3 }, m.hooks);
    expect([r.trainSize, r.valSize, r.split]).toEqual([32, 8, { by: 'seed', valShare: 0.2, seed: 3 }]);
    expect(r.counts).toEqual({ train: [8, 8, 8, 8], val: [2, 2, 2, 2] });
    const again = memory();
    await importIdx('s', files, { valShare: 0.2, seed: 3 }, again.hooks);
    expect(again.chunks.map((c) => Array.from(c.pixels))).toEqual(m.chunks.map((c) => Array.from(c.pixels)));
    expect(labelsOf(m.chunks).length).toBe(40);
  });

  it("transposes EMNIST's images, told by the name, unless asked otherwise", async () => {
    const px = Uint8Array.from({ length: 2 * 64 }, (_, i) => i % 64);
    const files = [
      src('emnist-digits-train-images-idx3-ubyte', idxFile([2, 8, 8], px)),
      src(
        'emnist-digits-train-labels-idx1-ubyte',
        idxLabels(2, (i) => i),
      ),
    ];
    const m = memory();
    await importIdx('e', files, { valShare: 0, seed: 0 }, m.hooks);
    expect(Array.from(m.chunks[0]!.pixels.subarray(0, 3))).toEqual([0, 8, 16]);
    const n = memory();
    await importIdx('e', files, { valShare: 0, seed: 0, transpose: false }, n.hooks);
    expect(Array.from(n.chunks[0]!.pixels.subarray(0, 3))).toEqual([0, 1, 2]);
  });

  it('refuses files that do not make a dataset, saying which and why', async () => {
    const imgs = src('train-images-idx3-ubyte', idxImages(20, 8));
    const run = (files: IdxSource[], limits?: { maxItems: number }) => importIdx('x', files, { valShare: 0.2, seed: 0, limits }, memory().hooks);
    await expect(
      run([
        imgs,
        src(
          'train-labels-idx1-ubyte',
          idxLabels(19, (i) => i % 2),
        ),
      ]),
    ).rejects.toThrow('train-images-idx3-ubyte holds 20 images but train-labels-idx1-ubyte holds 19 labels: they are not a pair');
    await expect(run([imgs])).rejects.toThrow('no training labels file (train-labels-idx1-ubyte) beside train-images-idx3-ubyte: choose both');
    await expect(
      run([
        src(
          'train-labels-idx1-ubyte',
          idxLabels(3, () => 1),
        ),
      ]),
    ).rejects.toThrow('no training images file');
    await expect(
      run([
        imgs,
        src(
          'train-labels-idx1-ubyte',
          idxLabels(20, () => 0),
        ),
      ]),
    ).rejects.toThrow('the labels name only one class');
    await expect(run([imgs, src('train-labels-idx1-ubyte', idxImages(20, 8))])).rejects.toThrow(
      'train-labels-idx1-ubyte: it holds images [20, 8, 8], not labels',
    );
    await expect(
      run([
        src('train-images-idx3-ubyte', idxFile([20, 8, 9], new Uint8Array(20 * 72))),
        src(
          'train-labels-idx1-ubyte',
          idxLabels(20, (i) => i % 2),
        ),
      ]),
    ).rejects.toThrow('only square images');
    const cut = idxImages(20, 8, { gzip: true });
    await expect(
      run([
        src('train-images-idx3-ubyte.gz', cut.slice(0, cut.length - 40)),
        src(
          'train-labels-idx1-ubyte',
          idxLabels(20, (i) => i % 2),
        ),
      ]),
    ).rejects.toThrow(/^train-images-idx3-ubyte\.gz: (its gzip data is damaged or cut short|it ends after)/);
    await expect(
      run(
        [
          imgs,
          src(
            'train-labels-idx1-ubyte',
            idxLabels(20, (i) => i % 2),
          ),
        ],
        { maxItems: 10 },
      ),
    ).rejects.toThrow('train-labels-idx1-ubyte: it declares 20 items, over the limit of 10; refused');
  });

  it('stops when cancelled, as a cancel', async () => {
    const m = memory();
    const files = [
      src('train-images-idx3-ubyte', idxImages(3000, 28)),
      src(
        'train-labels-idx1-ubyte',
        idxLabels(3000, (i) => i % 10),
      ),
    ];
    const run = importIdx('c', files, { valShare: 0.1, seed: 0 }, { ...m.hooks, progress: () => m.cancel() });
    await expect(run).rejects.toThrow(ImportCancelled);
  });
});
