import { gunzipSync, gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { idxFile, idxImages, idxLabels } from '../testing/idxFiles';
import { countInflatedBytes } from '../testing/inflate';
import { fashionMnistDir } from '../testing/nodeDatasets';
import { IdxCancelled, openIdx, readIdxWhole } from './idx';

const MiB = 1024 * 1024;
const blob = (b: Uint8Array<ArrayBuffer>) => new Blob([b]);

describe('the IDX reader', () => {
  it('reads labels and images, raw and gzipped alike', async () => {
    for (const gzip of [false, true]) {
      const labels = await readIdxWhole(blob(idxLabels(300, (i) => i % 10, { gzip })));
      expect(labels.header.dims).toEqual([300]);
      expect(Array.from(labels.values.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
      const r = await openIdx(blob(idxImages(5, 6, { gzip })));
      expect([r.compressed, r.count, r.itemBytes, r.header.dims]).toEqual([gzip, 5, 36, [5, 6, 6]]);
      const first = (await r.next(2))!;
      expect(first.length).toBe(72);
      expect(first[36 + 3]).toBe(7 + 3); // image 1, pixel 3
      expect((await r.next(10))!.length).toBe(3 * 36); // fewer at the end
      expect(await r.next(10)).toBeNull();
    }
  });

  it("reads Fashion-MNIST's test split from public/, gzipped and raw, to the same bytes", async () => {
    const gz = readFileSync(join(fashionMnistDir(), 't10k-images-idx3-ubyte.gz'));
    const a = await readIdxWhole(new Blob([gz]));
    const b = await readIdxWhole(new Blob([gunzipSync(gz)]));
    expect(a.header.dims).toEqual([10_000, 28, 28]);
    // Compared as buffers: a deep equality over 7.8 million elements takes a minute.
    expect(Buffer.compare(Buffer.from(a.values), Buffer.from(b.values))).toBe(0);
    expect(b.values.length).toBe(7_840_000);
    const labels = await readIdxWhole(new Blob([readFileSync(join(fashionMnistDir(), 't10k-labels-idx1-ubyte.gz'))]));
    const counts = new Array<number>(10).fill(0);
    labels.values.forEach((l) => counts[l]!++);
    expect(counts).toEqual(new Array(10).fill(1000));
  });

  it('refuses what is not an IDX file of unsigned bytes, saying why', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await expect(openIdx(blob(png))).rejects.toThrow(
      'it is not an IDX file: it starts 89 50 4e 47, where MNIST-style files start 00 00 08 01 (labels) or 00 00 08 03 (images)',
    );
    await expect(openIdx(blob(new Uint8Array([0, 0])))).rejects.toThrow('it is too short to be an IDX file (2 bytes)');
    await expect(openIdx(blob(idxFile([4], new Uint8Array(16), { type: 0x0d })))).rejects.toThrow(
      'its values are floats; only unsigned bytes (type 0x08, the MNIST family',
    );
    await expect(openIdx(blob(idxFile([2, 2], new Uint8Array(4))))).rejects.toThrow('it has 2 dimensions, where IDX labels have 1 and images 3');
    await expect(openIdx(blob(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1])))).rejects.toThrow('it ends inside its header (8 of 16 bytes)');
  });

  it('refuses absurd dimensions before reading any values', async () => {
    await expect(openIdx(blob(idxFile([0], new Uint8Array(0))))).rejects.toThrow('it declares no items');
    await expect(openIdx(blob(idxFile([3, 100_000, 28], new Uint8Array(0))))).rejects.toThrow('images of 100000×28 px; sides from 1 to 512 px are read');
    await expect(openIdx(blob(idxFile([2_000_000_000], new Uint8Array(0))))).rejects.toThrow(
      'it declares 2 000 000 000 items, over the limit of 1 000 000; refused',
    );
    await expect(openIdx(blob(idxFile([500_000, 512, 512], new Uint8Array(0))))).rejects.toThrow(/it declares 131 072 000 000 bytes of values, over the limit/);
    await expect(openIdx(blob(idxLabels(20, () => 0)), { limits: { maxItems: 10 } })).rejects.toThrow('20 items, over the limit of 10');
  });

  it('finds a file cut short, raw or gzipped', async () => {
    const raw = idxImages(10, 4);
    const r = await openIdx(blob(raw.slice(0, raw.length - 5)));
    await expect(r.next(100)).rejects.toThrow('it ends after 171 of the 176 bytes its header declares (cut short?)');
    const gz = idxImages(200, 28, { gzip: true });
    await expect(readIdxWhole(blob(gz.slice(0, gz.length - 100)))).rejects.toThrow(/gzip data is damaged or cut short|ends after/);
  });

  it('refuses bytes past what the header declares', async () => {
    const extra = new Uint8Array([...idxLabels(4, () => 1), 9, 9, 9]);
    await expect(readIdxWhole(blob(extra))).rejects.toThrow('it goes on past the 12 bytes its header declares; refused');
  });

  it('honours a cancel between pieces', async () => {
    let stop = false;
    const r = await openIdx(blob(idxImages(3000, 28)), { cancelled: () => stop });
    expect((await r.next(1))!.length).toBe(784);
    stop = true;
    await expect(r.next(3000)).rejects.toThrow(IdxCancelled);
  });
});

describe('the IDX reader, given a gzip bomb', () => {
  afterEach(() => void vi.unstubAllGlobals());

  it('stops inflating at the first byte past the declared size', async () => {
    // A header for 10 labels followed by 64 MiB of zeros: ~64 KiB gzipped.
    const body = new Uint8Array(64 * MiB);
    body.set(idxLabels(10, () => 0).subarray(0, 8));
    const bomb = new Uint8Array(gzipSync(body, { level: 1 }));
    expect(bomb.length).toBeLessThan(2 * MiB);
    const tally = countInflatedBytes();
    await expect(readIdxWhole(blob(bomb))).rejects.toThrow('it goes on past the 18 bytes its header declares (a gzip bomb, or another file appended); refused');
    console.info(`IDX bomb: ${tally.produced} of ${64 * MiB} bytes inflated before it was refused`);
    expect(tally.produced).toBeLessThan(20 * MiB);
  });
});
