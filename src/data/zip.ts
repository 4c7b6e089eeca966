// A small .zip reader (PKWARE APPNOTE 6.3): the central directory from the end of the archive, then
// each entry on demand, stored or deflated (inflated by the platform's DecompressionStream), checked
// against its CRC-32. It reads slices of a Blob, so a large archive is never held whole in memory.

export interface ZipEntry {
  /** Path inside the archive, '/'-separated. */
  readonly path: string;
  /** Uncompressed size in bytes. */
  readonly size: number;
  /** The entry's bytes; rejects with a readable reason when they cannot be recovered. */
  bytes(): Promise<Uint8Array>;
}

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
/** The end record is 22 bytes plus a comment of at most 65535. */
const EOCD_MAX = 22 + 0xffff;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3), as zip and PNG use it. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

async function slice(blob: Blob, start: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

async function inflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** Lists a zip archive's files (not its folders); throws a readable error for a file that is not one. */
export async function readZip(blob: Blob): Promise<ZipEntry[]> {
  if (blob.size < 22) throw new Error('it is too short to be a zip archive');
  const tailStart = Math.max(0, blob.size - EOCD_MAX);
  const tail = await slice(blob, tailStart, blob.size);
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--)
    if (tv.getUint32(i, true) === EOCD_SIG) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new Error('it is not a zip archive (no end-of-central-directory record)');
  const count = tv.getUint16(eocd + 10, true);
  const cdSize = tv.getUint32(eocd + 12, true);
  const cdOffset = tv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new Error('it is a ZIP64 archive, which this reader does not support; zip fewer or smaller files');
  if (cdOffset + cdSize > blob.size) throw new Error('its central directory lies past the end of the file (truncated archive?)');
  const cd = await slice(blob, cdOffset, cdOffset + cdSize);
  const v = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || v.getUint32(p, true) !== CENTRAL_SIG) throw new Error(`its central directory is damaged at entry ${i + 1} of ${count}`);
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    const compSize = v.getUint32(p + 20, true);
    const size = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    const localOffset = v.getUint32(p + 42, true);
    // Bit 11: the name is UTF-8; otherwise CP437, of which latin1 gets the ASCII part right.
    const path = (flags & 0x800 ? utf8 : latin1).decode(cd.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    if (path.endsWith('/')) continue; // a folder
    entries.push({ path, size, bytes: () => readEntry(blob, path, { flags, method, crc, compSize, size, localOffset }) });
  }
  return entries;
}

interface EntryInfo {
  flags: number;
  method: number;
  crc: number;
  compSize: number;
  size: number;
  localOffset: number;
}

async function readEntry(blob: Blob, path: string, e: EntryInfo): Promise<Uint8Array> {
  if (e.flags & 1) throw new Error('it is encrypted');
  if (e.method !== 0 && e.method !== 8) throw new Error(`its compression method ${e.method} is not supported (only stored and deflate)`);
  const head = await slice(blob, e.localOffset, e.localOffset + 30);
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length < 30 || hv.getUint32(0, true) !== LOCAL_SIG) throw new Error('its local header is missing (damaged archive)');
  const start = e.localOffset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
  if (start + e.compSize > blob.size) throw new Error('its data runs past the end of the archive (truncated?)');
  const raw = await slice(blob, start, start + e.compSize);
  let out: Uint8Array;
  try {
    out = e.method === 0 ? raw : await inflateRaw(raw);
  } catch (err) {
    throw new Error(`its compressed data is damaged (${(err as Error).message})`);
  }
  if (out.length !== e.size || crc32(out) !== e.crc) throw new Error(`${path} fails its CRC-32 check (damaged archive)`);
  return out;
}
