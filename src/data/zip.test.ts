import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildZip } from '../testing/zipBuilder';
import { crc32, readZip } from './zip';

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
