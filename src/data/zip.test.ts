import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countInflatedBytes } from '../testing/inflate';
import { buildZip, deflatedZeros } from '../testing/zipBuilder';
import { crc32, readZip, ZipCancelled } from './zip';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + ((i * i) >> 3)) & 0xff);
const text = (s: string) => new TextEncoder().encode(s);

describe('the zip reader', () => {
  it('computes the same CRC-32 as zlib', () => {
    for (const b of [new Uint8Array(0), text('hello'), bytes(5000, 3)]) expect(crc32(b)).toBe(zlibCrc32(b));
  });

  it('reads stored and deflated entries, in nested folders, with UTF-8 names', async () => {
    const files = [
      { path: 'shapes/cat/a.png', data: bytes(1000, 1), deflate: true },
      { path: 'shapes/cat/b.png', data: bytes(77, 2), deflate: false },
      { path: 'shapes/dög/c.png', data: text('a'.repeat(4000)), deflate: true },
      { path: 'shapes/empty.txt', data: new Uint8Array(0), deflate: false },
    ];
    const entries = await readZip(new Blob([buildZip(files)]));
    expect(entries.map((e) => e.path)).toEqual(files.map((f) => f.path));
    for (const [i, e] of entries.entries()) {
      expect(e.size).toBe(files[i]!.data.length);
      expect(Array.from(await e.bytes())).toEqual(Array.from(files[i]!.data));
    }
  });

  it('refuses what is not a zip, or is truncated, with a reason', async () => {
    await expect(readZip(new Blob([text('just some text, long enough to look for a zip end record')]))).rejects.toThrow(/not a zip archive/);
    await expect(readZip(new Blob([new Uint8Array(5)]))).rejects.toThrow(/too short/);
    const zip = buildZip([{ path: 'a/b.png', data: bytes(3000, 4), deflate: false }]);
    // Cutting the front off keeps the end record, whose central directory now lies past the end.
    await expect(readZip(new Blob([zip.slice(2000)]))).rejects.toThrow(/past the end of the file/);
    // Cutting the end off loses the end record.
    await expect(readZip(new Blob([zip.slice(0, zip.length - 30)]))).rejects.toThrow(/not a zip archive/);
  });

  it('finds damaged entry data: the entry fails, with a reason, and the others still read', async () => {
    const zip = buildZip([
      { path: 'x/one.png', data: bytes(2000, 5), deflate: true },
      { path: 'x/two.png', data: bytes(300, 6), deflate: false },
    ]);
    const bad = zip.slice();
    bad[30 + 'x/one.png'.length + 10]! ^= 0xff; // inside the deflated data of the first entry
    bad[bad.length - 22 - 46 * 2 - 18 - 30 - 10]! ^= 0x55; // near the end of the stored second entry's data
    const [one, two] = await readZip(new Blob([bad]));
    await expect(one!.bytes()).rejects.toThrow(/damaged|CRC-32/);
    await expect(two!.bytes()).rejects.toThrow(/CRC-32/);
  });
});

const MiB = 1024 * 1024;

describe('the zip reader, given hostile archives', () => {
  afterEach(() => void vi.unstubAllGlobals());
  const zeros = new Uint8Array(64 * MiB); // deflates to ~64 KiB

  it('stops an entry that inflates past its declared size as soon as it does, naming it and the size', async () => {
    // The bomb: a 2 MB archive whose one entry declares 1 000 bytes and inflates to 2 GiB.
    const zip = buildZip([{ path: 'photos/x.png', data: new Uint8Array(0), compressed: deflatedZeros(2048), deflate: true, declaredSize: 1000 }]);
    expect(zip.length).toBeLessThan(3 * MiB);
    const tally = countInflatedBytes();
    const [x] = await readZip(new Blob([zip]));
    await expect(x!.bytes()).rejects.toThrow('photos/x.png declares 1 000 bytes but inflates past that; refused');
    console.info(`lying entry: ${tally.produced} of ${2048 * MiB} bytes inflated before it was refused`);
    // One piece of compressed input yields at most ~8 MiB; the whole entry would be 2 GiB.
    expect(tally.produced).toBeLessThan(9 * MiB);
  });

  it('refuses an entry that declares more than one file may hold, before inflating it', async () => {
    const zip = buildZip([{ path: 'big/y.bmp', data: new Uint8Array(5000), deflate: true }]);
    const tally = countInflatedBytes();
    const [y] = await readZip(new Blob([zip]), { limits: { maxEntryBytes: 4096 } });
    await expect(y!.bytes()).rejects.toThrow('big/y.bmp declares 5 000 bytes, over the limit of 4 096 bytes for one file; refused');
    expect(tally.produced).toBe(0);
  });

  it('refuses entries that share their data, naming both', async () => {
    const zip = buildZip([
      { path: 'a/one.png', data: bytes(3000, 1), deflate: true },
      { path: 'a/two.png', data: bytes(3000, 1), deflate: true, sameDataAs: 0 },
    ]);
    await expect(readZip(new Blob([zip]))).rejects.toThrow(/a\/one\.png and a\/two\.png overlap .*; refused/);
  });

  it("refuses an entry whose local header stretches its data into the next entry's", async () => {
    const zip = buildZip([
      { path: 'a/one.png', data: bytes(300, 1) },
      { path: 'a/two.png', data: bytes(300, 2) },
    ]);
    zip[28] = 40; // the first local header now claims a 40-byte extra field, so its data ends inside the second entry
    const [one, two] = await readZip(new Blob([zip]));
    await expect(one!.bytes()).rejects.toThrow('a/one.png and a/two.png overlap (its data runs into the next entry); refused');
    expect((await two!.bytes()).length).toBe(300);
  });

  it('caps the number of entries, naming the limit', async () => {
    const files = [0, 1, 2, 3].map((i) => ({ path: `c/${i}.png`, data: bytes(10, i) }));
    await expect(readZip(new Blob([buildZip(files)]), { limits: { maxEntries: 3 } })).rejects.toThrow('it lists 4 entries, over the limit of 3; refused');
    expect(await readZip(new Blob([buildZip(files.slice(0, 3))]), { limits: { maxEntries: 3 } })).toHaveLength(3);
  });

  it("caps the bytes the archive's entries inflate to in all, naming the entry and the limit", async () => {
    const files = [0, 1, 2].map((i) => ({ path: `d/${i}.bmp`, data: new Uint8Array(6000).fill(i), deflate: true }));
    const limits = { minTotalBytes: 10_000, totalPerArchiveByte: 0 };
    const [a, b, c] = await readZip(new Blob([buildZip(files)]), { limits });
    expect((await a!.bytes()).length).toBe(6000);
    await expect(b!.bytes()).rejects.toThrow("d/1.bmp inflates past the archive's limit of 10 000 bytes in all; refused");
    await expect(c!.bytes()).rejects.toThrow(/d\/2\.bmp inflates past the archive's limit/);
    // The default grows with the archive: 64 bytes per archive byte, at least 2 GiB.
    const [d] = await readZip(new Blob([buildZip(files)]), { limits: { minTotalBytes: 0 } });
    expect((await d!.bytes()).length).toBe(6000);
  });

  it('reads ZIP64 archives, including more than 65 535 entries', async () => {
    const files = [
      { path: 'z/a.png', data: bytes(2000, 7), deflate: true },
      { path: 'z/b.png', data: bytes(300, 8) },
    ];
    const entries = await readZip(new Blob([buildZip(files, { zip64: true })]));
    expect(entries.map((e) => e.path)).toEqual(['z/a.png', 'z/b.png']);
    for (const [i, e] of entries.entries()) expect(Array.from(await e.bytes())).toEqual(Array.from(files[i]!.data));

    const many = Array.from({ length: 70_000 }, (_, i) => ({ path: `m/${i}.png`, data: Uint8Array.of(i & 0xff, i >> 8) }));
    const listed = await readZip(new Blob([buildZip(many, { zip64: true })]));
    expect(listed).toHaveLength(70_000);
    expect(Array.from(await listed[69_999]!.bytes())).toEqual([69_999 & 0xff, (69_999 >> 8) & 0xff]);
  });

  it('cancels in the middle of a large entry', async () => {
    const zip = buildZip([{ path: 'e/huge.bmp', data: zeros, deflate: true }]);
    const tally = countInflatedBytes();
    const [huge] = await readZip(new Blob([zip]), { cancelled: () => tally.produced > MiB });
    await expect(huge!.bytes()).rejects.toBeInstanceOf(ZipCancelled);
    console.info(`cancelled entry: ${tally.produced} of ${zeros.length} bytes inflated`);
    expect(tally.produced).toBeLessThan(10 * MiB);
    // Not cancelled, the same entry reads whole.
    vi.unstubAllGlobals();
    const [again] = await readZip(new Blob([zip]));
    expect((await again!.bytes()).length).toBe(zeros.length);
  });
});
