// A tiny zip writer for tests: stored or deflated entries (Node's zlib), a central directory and the
// end record, per PKWARE APPNOTE; optionally ZIP64 records, lying sizes and entries that share data,
// so the reader's refusals can be tested. Independent of ../data/zip.ts, which it exercises.
import { constants, crc32, deflateRawSync } from 'node:zlib';

export interface ZipInput {
  readonly path: string;
  readonly data: Uint8Array;
  /** Deflate (method 8) or store (method 0). */
  readonly deflate?: boolean;
  /** The uncompressed size the headers declare, when it should lie; the true length otherwise. */
  readonly declaredSize?: number;
  /** A deflated body written as given (with `deflate`), for one too large to build from `data`; the CRC still comes from `data`. */
  readonly compressed?: Uint8Array;
  /** Index of an earlier entry whose local header and data this one points at instead of its own (a zip bomb's trick). */
  readonly sameDataAs?: number;
}

export interface ZipBuildOptions {
  /** Write ZIP64: sizes, offsets and counts go in 64-bit fields, as `zip` does past 65 535 entries or 4 GiB. */
  readonly zip64?: boolean;
}

const MAX32 = 0xffffffff;

export function buildZip(entries: readonly ZipInput[], options: ZipBuildOptions = {}): Uint8Array<ArrayBuffer> {
  const z64 = options.zip64 === true;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.path, 'utf8');
    const body = e.compressed ? Buffer.from(e.compressed) : e.deflate ? deflateRawSync(e.data) : Buffer.from(e.data);
    const crc = crc32(e.data);
    const size = e.declaredSize ?? e.data.length;
    const at = e.sameDataAs === undefined ? offset : offsets[e.sameDataAs]!;
    offsets.push(at);
    const localExtra = Buffer.alloc(z64 ? 20 : 0);
    const centralExtra = Buffer.alloc(z64 ? 28 : 0);
    if (z64) {
      localExtra.writeUInt16LE(0x0001, 0);
      localExtra.writeUInt16LE(16, 2);
      localExtra.writeBigUInt64LE(BigInt(size), 4);
      localExtra.writeBigUInt64LE(BigInt(body.length), 12);
      centralExtra.writeUInt16LE(0x0001, 0);
      centralExtra.writeUInt16LE(24, 2);
      centralExtra.writeBigUInt64LE(BigInt(size), 4);
      centralExtra.writeBigUInt64LE(BigInt(body.length), 12);
      centralExtra.writeBigUInt64LE(BigInt(at), 20);
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(z64 ? 45 : 20, 4);
    local.writeUInt16LE(0x800, 6); // UTF-8 names
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(z64 ? MAX32 : body.length, 18);
    local.writeUInt32LE(z64 ? MAX32 : size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(z64 ? 45 : 20, 4);
    central.writeUInt16LE(z64 ? 45 : 20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(e.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(z64 ? MAX32 : body.length, 20);
    central.writeUInt32LE(z64 ? MAX32 : size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(centralExtra.length, 30);
    central.writeUInt32LE(z64 ? MAX32 : at, 42);
    centrals.push(central, name, centralExtra);
    if (e.sameDataAs !== undefined) continue;
    locals.push(local, name, localExtra, body);
    offset += 30 + name.length + localExtra.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  if (z64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4); // the record's size, less these first 12 bytes
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(cd.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const count = z64 ? 0xffff : entries.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(z64 ? MAX32 : cd.length, 12);
  end.writeUInt32LE(z64 ? MAX32 : offset, 16);
  return Uint8Array.from(Buffer.concat([...locals, cd, ...tail, end]));
}

/**
 * A raw deflate stream of `mib` MiB of zeros, about 1 KiB per MiB, built without holding the zeros:
 * one MiB deflated and sync-flushed (byte-aligned, not final, back-references only within itself),
 * repeated, then an empty final block.
 */
export function deflatedZeros(mib: number): Uint8Array<ArrayBuffer> {
  const piece = deflateRawSync(new Uint8Array(1 << 20), { finishFlush: constants.Z_SYNC_FLUSH });
  return Uint8Array.from(Buffer.concat([...Array<Buffer>(mib).fill(piece), Buffer.from([0x03, 0x00])]));
}
