import { describe, expect, it } from 'vitest';
import { buildZip } from '../testing/zipBuilder';
import { CIFAR_RECORD, parseCifarBatch, parseCifarMeta } from './cifar';
import { ImportCancelled, importCifar10, importImageFolder, type DecodeImage, type ImportHooks, type SourceFile } from './datasetImport';
import { BatchLoader, fixedBatch } from './loader';
import { storedDataset } from '../testing/storedDataset';
import type { DatasetChunk, DatasetMeta } from './stored';
import { readZip, ZipCancelled } from './zip';
import { crc32 } from './imageHeader';

const text = (s: string) => new TextEncoder().encode(s);
const source = (path: string, data: Uint8Array): SourceFile => ({ path, bytes: async () => data });

/** A CIFAR-10 batch of `n` records whose record i has label labels(i) and pixel bytes (i + c) % 256 in channel c. */
function cifarBatch(n: number, label: (i: number) => number): Uint8Array {
  const out = new Uint8Array(n * CIFAR_RECORD);
  for (let i = 0; i < n; i++) {
    out[i * CIFAR_RECORD] = label(i);
    for (let c = 0; c < 3; c++) out.fill((i + 40 * c) % 256, i * CIFAR_RECORD + 1 + c * 1024, i * CIFAR_RECORD + 1 + (c + 1) * 1024);
  }
  return out;
}

const NAMES = 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n';

/** Test "images": the bytes 'IMG' and an RGB colour, decoded to a flat square; anything else fails. */
const fakeDecode: DecodeImage = async (bytes, size) => {
  if (bytes.length !== 6 || new TextDecoder().decode(bytes.subarray(0, 3)) !== 'IMG') throw new Error('not an image');
  const out = new Uint8Array(3 * size * size);
  for (let c = 0; c < 3; c++) out.fill(bytes[3 + c]!, c * size * size, (c + 1) * size * size);
  return out;
};
const img = (r: number, g: number, b: number) => Uint8Array.from([73, 77, 71, r, g, b]);

function memory(): { hooks: ImportHooks; chunks: DatasetChunk[]; progress: number[][]; cancel(): void } {
  const chunks: DatasetChunk[] = [];
  const progress: number[][] = [];
  let cancelled = false;
  return {
    chunks,
    progress,
    cancel: () => (cancelled = true),
    hooks: { put: async (c) => void chunks.push(c), progress: (d, t, s) => progress.push([d, t, s]), cancelled: () => cancelled },
  };
}

const asMeta = (r: Awaited<ReturnType<typeof importImageFolder>>, id = 'ds'): DatasetMeta => ({
  ...r,
  id,
  name: id,
  source: 'folder',
  status: 'ready',
  createdAt: 0,
});

describe('CIFAR-10 binary files', () => {
  it('parses records, labels and class names', () => {
    const b = parseCifarBatch(
      cifarBatch(3, (i) => i * 4),
      10,
    );
    expect(b.count).toBe(3);
    expect(Array.from(b.labels)).toEqual([0, 4, 8]);
    const px = b.pixels(2);
    expect([px[0], px[1023], px[1024], px[2048], px[3071]]).toEqual([2, 2, 42, 82, 82]);
    expect(parseCifarMeta(NAMES)).toHaveLength(10);
  });

  it('refuses a file of the wrong length or with labels past the classes, saying why', () => {
    expect(() => parseCifarBatch(new Uint8Array(CIFAR_RECORD * 2 + 5), 10)).toThrow(/not a whole number of 3073-byte/);
    expect(() => parseCifarBatch(new Uint8Array(3074 * 2), 10)).toThrow(/CIFAR-100/);
    expect(() =>
      parseCifarBatch(
        cifarBatch(2, () => 12),
        10,
      ),
    ).toThrow(/label 12/);
  });

  it('imports training batches and the test batch as val, skipping a broken file and listing it', async () => {
    const m = memory();
    const files = [
      source('cifar/batches.meta.txt', text(NAMES)),
      source(
        'cifar/test_batch.bin',
        cifarBatch(20, (i) => i % 10),
      ),
      source(
        'cifar/data_batch_2.bin',
        cifarBatch(30, (i) => (i * 3) % 10),
      ),
      source(
        'cifar/data_batch_1.bin',
        cifarBatch(50, (i) => i % 10),
      ),
      source('cifar/data_batch_3.bin', new Uint8Array(1000)),
      source('cifar/readme.html', text('<html>')),
    ];
    const r = await importCifar10('c', files, m.hooks);
    expect([r.trainSize, r.valSize, r.storedSize]).toEqual([80, 20, 32]);
    expect(r.classes[9]).toBe('truck');
    expect(r.counts.train.reduce((a, b) => a + b)).toBe(80);
    expect(r.counts.val).toEqual(new Array(10).fill(2));
    expect(r.skipped.map((s) => s.path)).toEqual(['cifar/readme.html', 'cifar/data_batch_3.bin']);
    expect(r.skipped[1]!.reason).toMatch(/1000 bytes/);
    // Batches in name order: data_batch_1's first record is image 0.
    const ds = storedDataset({ ...asMeta(r), source: 'cifar10' }, m.chunks, 32);
    expect(ds.sample('train', 0).image[0]).toBe(0);
    expect(ds.sample('train', 50).label).toBe(0);
    expect(ds.sample('train', 51).label).toBe(3);
    expect(ds.sample('val', 3).label).toBe(3);
    expect(ds.sample('val', 3).image[1024]).toBeCloseTo(43 / 255, 6);
  });

  it('reads batch files in slices of at most 1 024 records, never whole, and keeps nothing of a file with a bad label', async () => {
    const slices: number[] = [];
    /** A file that can only be read in slices, as a File in the worker is. */
    const sliced = (path: string, data: Uint8Array): SourceFile => ({
      path,
      size: data.length,
      bytes: () => Promise.reject(new Error(`${path} was read whole`)),
      slice: async (a, b) => (slices.push(b - a), data.slice(a, b)),
    });
    const good = cifarBatch(2500, (i) => i % 10);
    const bad = cifarBatch(2100, (i) => (i === 2050 ? 11 : 0)); // the bad record is in the third slice
    const m = memory();
    const r = await importCifar10(
      's',
      [
        source('batches.meta.txt', text(NAMES)),
        sliced('data_batch_1.bin', good),
        sliced('data_batch_2.bin', bad),
        sliced(
          'test_batch.bin',
          cifarBatch(10, () => 1),
        ),
      ],
      m.hooks,
    );
    expect(Math.max(...slices)).toBe(1024 * CIFAR_RECORD);
    expect([r.trainSize, r.valSize]).toEqual([2500, 10]);
    expect(r.skipped).toEqual([{ path: 'data_batch_2.bin', reason: 'record 2050 has label 11, but batches.meta.txt names only 10 classes' }]);
    // The same images as the file read whole.
    const w = memory();
    await importCifar10(
      's',
      [
        source('batches.meta.txt', text(NAMES)),
        source('data_batch_1.bin', good),
        source(
          'test_batch.bin',
          cifarBatch(10, () => 1),
        ),
      ],
      w.hooks,
    );
    expect(m.chunks.map((c) => Array.from(c.labels))).toEqual(w.chunks.map((c) => Array.from(c.labels)));
    expect(m.chunks.every((c, i) => Buffer.from(c.pixels).equals(Buffer.from(w.chunks[i]!.pixels)))).toBe(true);
    // Sizes are checked before anything is read.
    const huge = (path: string, size: number): SourceFile => ({ path, size, bytes: () => Promise.reject(new Error('read')) });
    await expect(importCifar10('s', [huge('batches.meta.txt', 5 << 20)], memory().hooks)).rejects.toThrow(/batches\.meta\.txt is 5 MiB;/);
    const f = await importImageFolder(
      'f',
      [source('set/a/0.png', img(1, 2, 3)), huge('set/a/1.png', 300 << 20)],
      { valShare: 0, seed: 0, storedSize: 8 },
      fakeDecode,
      memory().hooks,
    );
    expect(f.skipped).toEqual([{ path: 'set/a/1.png', reason: 'refused before reading: 300 MiB is more than an imported image file may be (256 MiB)' }]);
  });

  it('says what is missing instead of importing nothing', async () => {
    await expect(
      importCifar10(
        'c',
        [
          source(
            'data_batch_1.bin',
            cifarBatch(2, () => 0),
          ),
        ],
        memory().hooks,
      ),
    ).rejects.toThrow(/batches\.meta\.txt is missing/);
    await expect(
      importCifar10(
        'c',
        [
          source('batches.meta.txt', text(NAMES)),
          source(
            'test_batch.bin',
            cifarBatch(2, () => 0),
          ),
        ],
        memory().hooks,
      ),
    ).rejects.toThrow(/no training batch/);
    await expect(importCifar10('c', [source('batches.meta.txt', text(NAMES)), source('data_batch_1.bin', new Uint8Array(7))], memory().hooks)).rejects.toThrow(
      /no training batch could be read \(data_batch_1\.bin: its length, 7 bytes/,
    );
  });
});

describe('importing an image folder', () => {
  const folder = (perClass: number) => [
    ...Array.from({ length: perClass }, (_, i) => source(`set/red/${i}.png`, img(250, 0, 0))),
    ...Array.from({ length: perClass }, (_, i) => source(`set/blue/${i}.png`, img(0, 0, 250))),
    source('set/blue/broken.png', text('garbage')),
  ];

  it('decodes, labels and splits; a file that cannot be decoded is skipped and listed; chunks hold whole images', async () => {
    const m = memory();
    const r = await importImageFolder('f', folder(10), { valShare: 0.2, seed: 1, storedSize: 24 }, fakeDecode, m.hooks);
    expect(r.classes).toEqual(['blue', 'red']);
    // Blue's eleven files (one broken) were split before decoding: two of them went to val.
    expect(r.counts.train[1]).toBe(8);
    expect(r.counts.val[1]).toBe(2);
    expect(r.counts.train[0]! + r.counts.val[0]!).toBe(10);
    expect([r.trainSize + r.valSize, r.skippedCount]).toEqual([20, 1]);
    expect(r.skipped[0]).toEqual({ path: 'set/blue/broken.png', reason: 'could not be decoded: not an image' });
    expect(m.progress.at(-1)).toEqual([21, 21, 1]);
    expect(r.chunks).toBe(m.chunks.length);
    expect(m.chunks.reduce((a, c) => a + c.labels.length, 0)).toBe(20);
    expect(r.preview.count).toBe(8);
    expect(r.preview.labels).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    // Batches at another size than the stored one: augmentation crops and resizes.
    const ds = storedDataset(asMeta(r), m.chunks, 16);
    expect(ds.sample('val', r.valSize - 1).label).toBe(1);
    expect(ds.sample('val', r.valSize - 1).image[0]).toBeCloseTo(250 / 255, 6);
    const batch = await new BatchLoader(ds, 4, 0).next();
    expect(batch.images.length).toBe(4 * 3 * 16 * 16);
    expect((await fixedBatch(ds, [0, 1], 'train')).images.length).toBe(2 * 3 * 16 * 16);
  });

  it('spreads a large import over several chunks and reads every image back', async () => {
    const m = memory();
    const files = Array.from({ length: 40 }, (_, i) => source(`x/${i % 2 ? 'a' : 'b'}/${i}.png`, img(i, 2 * i, 3 * i)));
    const r = await importImageFolder('big', files, { valShare: 0.5, seed: 0, storedSize: 512 }, fakeDecode, m.hooks);
    expect(r.imagesPerChunk).toBe(2);
    expect(r.chunks).toBe(20);
    const ds = storedDataset(asMeta(r), m.chunks, 32);
    const reds = [...Array.from({ length: 20 }, (_, i) => ds.sample('train', i)), ...Array.from({ length: 20 }, (_, i) => ds.sample('val', i))].map((s) =>
      Math.round(s.image[0]! * 255),
    );
    expect(reds.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('reads the folder from a zip the same way', async () => {
    const zip = buildZip([
      { path: 'set/red/0.png', data: img(250, 0, 0), deflate: true },
      { path: 'set/blue/0.png', data: img(0, 0, 250), deflate: false },
      { path: 'set/blue/1.png', data: img(0, 0, 250), deflate: true },
    ]);
    const entries = await readZip(new Blob([zip]));
    const r = await importImageFolder('z', entries, { valShare: 0, seed: 0, storedSize: 8 }, fakeDecode, memory().hooks);
    expect(r.classes).toEqual(['blue', 'red']);
    expect(r.counts.train).toEqual([2, 1]);
  });

  it('skips a zip entry the reader refuses, naming the limit, and imports the rest', async () => {
    const zip = buildZip([
      { path: 'set/red/0.png', data: img(250, 0, 0), deflate: true },
      { path: 'set/red/bomb.png', data: new Uint8Array(4 << 20), deflate: true, declaredSize: 6 },
      { path: 'set/blue/0.png', data: img(0, 0, 250), deflate: true },
    ]);
    const r = await importImageFolder('zb', await readZip(new Blob([zip])), { valShare: 0, seed: 0, storedSize: 8 }, fakeDecode, memory().hooks);
    expect(r.counts.train).toEqual([1, 1]);
    expect(r.skipped).toEqual([{ path: 'set/red/bomb.png', reason: 'could not be read: set/red/bomb.png declares 6 bytes but inflates past that; refused' }]);
  });

  it('ends as cancelled, not with a skipped file, when a cancel stops the last file mid-read', async () => {
    const m = memory();
    const files = [source('s/a/0.png', img(1, 2, 3)), { path: 's/a/1.png', bytes: async () => (m.cancel(), Promise.reject(new ZipCancelled())) }];
    await expect(importImageFolder('c', files, { valShare: 0, seed: 0, storedSize: 8 }, fakeDecode, m.hooks)).rejects.toBeInstanceOf(ImportCancelled);
  });

  it('refuses an empty folder, a folder of no images, and one where nothing decodes', async () => {
    const o = { valShare: 0.1, seed: 0, storedSize: 32 };
    await expect(importImageFolder('e', [], o, fakeDecode, memory().hooks)).rejects.toThrow(/the folder is empty/);
    await expect(importImageFolder('e', [source('a/readme.md', text('hi'))], o, fakeDecode, memory().hooks)).rejects.toThrow(/none of its 1 files is an image/);
    await expect(importImageFolder('e', [source('a/x.png', text('bad'))], o, fakeDecode, memory().hooks)).rejects.toThrow(
      /none of its 1 images could be decoded/,
    );
  });

  it('stops when cancelled', async () => {
    const m = memory();
    const hooks = { ...m.hooks, progress: (d: number) => d >= 3 && m.cancel() };
    await expect(importImageFolder('f', folder(10), { valShare: 0.2, seed: 1, storedSize: 8 }, fakeDecode, hooks)).rejects.toBeInstanceOf(ImportCancelled);
  });
});

describe("an import follows the lab's image policy before decoding", () => {
  /** A PNG of signature, IHDR (w × h, RGB) and IEND with true checksums: a header without pixels. */
  function pngHeader(w: number, h: number, withEnd = true): Uint8Array {
    const chunk = (type: string, data: Uint8Array) => {
      const body = new Uint8Array([...text(type), ...data]);
      const crc = (crc32(body) ^ 0xffffffff) >>> 0;
      const out = new Uint8Array(12 + data.length);
      new DataView(out.buffer).setUint32(0, data.length);
      out.set(body, 4);
      new DataView(out.buffer).setUint32(8 + data.length, crc);
      return out;
    };
    const ihdr = new Uint8Array(13);
    new DataView(ihdr.buffer).setUint32(0, w);
    new DataView(ihdr.buffer).setUint32(4, h);
    ihdr.set([8, 2, 0, 0, 0], 8);
    return new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, ...chunk('IHDR', ihdr), ...(withEnd ? chunk('IEND', new Uint8Array()) : [])]);
  }

  it('skips a 30 000 × 30 000 PNG and a truncated one unread by the decoder, and asks for a small bitmap of a large one', async () => {
    const seen: { path: string; fit: unknown }[] = [];
    const files = [
      ...Array.from({ length: 4 }, (_, i) => source(`set/red/${i}.png`, img(200, 0, 0))),
      source('set/red/huge.png', pngHeader(30_000, 30_000)),
      source('set/red/cut.png', pngHeader(64, 64, false)),
      source('set/red/large.png', pngHeader(4000, 3000)),
    ];
    const decode: DecodeImage = async (bytes, size, fit) => {
      seen.push({ path: bytes.length === 6 ? 'fake' : 'png', fit });
      return bytes.length === 6 ? fakeDecode(bytes, size) : new Uint8Array(3 * size * size);
    };
    const r = await importImageFolder('f', files, { valShare: 0, seed: 1, storedSize: 8 }, decode, memory().hooks);
    expect(r.skipped.map((s) => s.path).sort()).toEqual(['set/red/cut.png', 'set/red/huge.png']);
    expect(r.skipped.find((s) => s.path === 'set/red/huge.png')!.reason).toMatch(
      /30000×30000 pixels \(900 megapixels\) is more than an import decodes \(50 megapixels\)/,
    );
    expect(r.skipped.find((s) => s.path === 'set/red/cut.png')!.reason).toMatch(/refused before decoding: the file is truncated/);
    // The two refused files never reached the decoder; the large one was asked for at 1024 px.
    expect(seen.filter((s) => s.path === 'png')).toEqual([{ path: 'png', fit: { width: 1024, height: 768 } }]);
    expect(r.trainSize).toBe(5);
  });
});
