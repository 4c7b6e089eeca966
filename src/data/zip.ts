// A small .zip reader (PKWARE APPNOTE 6.3.10) that holds up against hostile archives: the central
// directory (ZIP64 included) is read in blocks from the end of the archive, then each entry on demand,
// stored or deflated (inflated in small pieces by the platform's DecompressionStream), checked against
// its CRC-32. It reads slices of a Blob, so a large archive is never held whole in memory, and it stops
// an entry the moment it inflates past its declared size or the archive's budget (zip bombs).

export interface ZipEntry {
  /** Path inside the archive, '/'-separated. */
  readonly path: string;
  /** Uncompressed size in bytes, as the central directory declares it. */
  readonly size: number;
  /** The entry's bytes; rejects with a readable reason when they cannot be recovered or are refused. */
  bytes(): Promise<Uint8Array>;
}

/** What one archive may cost. Every limit is checked while reading, never after. */
export interface ZipLimits {
  /** Entries (files and folders) one archive may list. */
  readonly maxEntries: number;
  /** Bytes one entry may declare and inflate to: it is held whole in memory to be decoded. */
  readonly maxEntryBytes: number;
  /** The archive's entries together may inflate to max(minTotalBytes, totalPerArchiveByte × archive size). */
  readonly minTotalBytes: number;
  readonly totalPerArchiveByte: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const ZIP_LIMITS: ZipLimits = {
  // A million images at the smallest useful stored size (32 px) is already 3 GB of stored chunks, more
  // than a browser's storage comfortably holds; listing them costs a few hundred MB of small objects.
  maxEntries: 1_000_000,
  // Far above any image the lab decodes (a 12 MP JPEG is ~5 MB; an 8 192² RGBA bitmap is 256 MiB), and it
  // bounds the worker's memory per entry.
  maxEntryBytes: 256 * MiB,
  // Photos barely compress (ratio ~1) and raw bitmaps a few times; 64× leaves room for flat synthetic
  // renders, while deflate's own ceiling is ~1 032×. The floor lets small archives of bitmaps through.
  // Beyond this the bytes are refused, since each one costs inflation time whatever its entry.
  minTotalBytes: 2 * GiB,
  totalPerArchiveByte: 64,
};

export interface ZipOptions {
  /** Overrides of ZIP_LIMITS (tests use small ones). */
  readonly limits?: Partial<ZipLimits>;
  /** Polled between blocks of the directory and between pieces of an entry; true stops with ZipCancelled. */
  readonly cancelled?: () => boolean;
}

export class ZipCancelled extends Error {
  constructor() {
    super('reading the zip archive was cancelled');
  }
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
/** The end record is 22 bytes plus a comment of at most 65535. */
const EOCD_MAX = 22 + 0xffff;
/** The central directory is read this many bytes at a time; one record is at most 46 + 3 × 65535. */
const CD_BLOCK = 1 * MiB;
/** Compressed bytes handed to the inflater at a time: deflate expands at most ~1 032×, so one piece
 * yields at most ~8 MiB even where the platform inflates a whole input chunk before yielding. */
const INFLATE_PIECE = 8 * 1024;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3), as zip and PNG use it; pass the previous result to continue over more bytes. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** A count grouped by thousands: '1 000 000'. */
const group = (n: number) => n.toLocaleString('en-US').replace(/,/g, ' ');

/** Bytes as a person reads them: '1 000 bytes', '64 MiB'. */
export function formatBytes(n: number): string {
  if (n >= GiB && n % GiB === 0) return `${n / GiB} GiB`;
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  return `${group(n)} bytes`;
}

async function slice(blob: Blob, start: number, end: number): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** A little-endian 64-bit field as a number; larger than 2^53 cannot be a real offset or size here. */
function u64(v: DataView, at: number): number {
  const hi = v.getUint32(at + 4, true);
  if (hi >= 2 ** 21) throw new Error('it declares a size or offset beyond 2^53 bytes (damaged archive)');
  return hi * 2 ** 32 + v.getUint32(at, true);
}

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

interface Directory {
  count: number;
  offset: number;
  size: number;
}

/** The end record, and the ZIP64 end record where a locator precedes it (more than 65 535 entries or 4 GiB). */
async function findDirectory(blob: Blob): Promise<Directory> {
  const tailStart = Math.max(0, blob.size - EOCD_MAX);
  const tail = await slice(blob, tailStart, blob.size);
  const tv = view(tail);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--)
    if (tv.getUint32(i, true) === EOCD_SIG) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new Error('it is not a zip archive (no end-of-central-directory record)');
  const dir = { count: tv.getUint16(eocd + 10, true), size: tv.getUint32(eocd + 12, true), offset: tv.getUint32(eocd + 16, true) };
  const eocdAt = tailStart + eocd;
  if (eocdAt < 20) return dir;
  const lv = view(await slice(blob, eocdAt - 20, eocdAt));
  if (lv.getUint32(0, true) !== ZIP64_LOCATOR_SIG) return dir;
  const recordAt = u64(lv, 8);
  const rec = await slice(blob, recordAt, recordAt + 56);
  const rv = view(rec);
  if (rec.length < 56 || rv.getUint32(0, true) !== ZIP64_EOCD_SIG) throw new Error('its ZIP64 end record is missing (damaged archive)');
  return { count: u64(rv, 32), size: u64(rv, 40), offset: u64(rv, 48) };
}

interface EntryInfo {
  path: string;
  /** The name's length in bytes, which the local header repeats. */
  nameLen: number;
  flags: number;
  method: number;
  crc: number;
  compSize: number;
  size: number;
  localOffset: number;
  /** Where this entry's bytes must end: the next entry's local header, or the central directory. */
  limit: number;
  /** The entry whose local header starts at `limit`, if any. */
  next?: string;
}

/** Reads the ZIP64 extra field (0x0001): the 64-bit values of the fields the record marks 0xffffffff, in order. */
function readZip64Extra(v: DataView, at: number, end: number, e: EntryInfo): void {
  const wanted = [e.size === 0xffffffff, e.compSize === 0xffffffff, e.localOffset === 0xffffffff];
  if (!wanted.some(Boolean)) return;
  for (let p = at; p + 4 <= end;) {
    const id = v.getUint16(p, true);
    const len = v.getUint16(p + 2, true);
    if (id === 0x0001) {
      let q = p + 4;
      const next = () => {
        if (q + 8 > p + 4 + len || q + 8 > end) throw new Error(`${e.path} has a short ZIP64 extra field (damaged archive)`);
        const x = u64(v, q);
        q += 8;
        return x;
      };
      if (wanted[0]) e.size = next();
      if (wanted[1]) e.compSize = next();
      if (wanted[2]) e.localOffset = next();
      return;
    }
    p += 4 + len;
  }
  throw new Error(`${e.path} marks its sizes as ZIP64 but has no ZIP64 extra field (damaged archive)`);
}

/** Lists a zip archive's files (not its folders); throws a readable error for a file that is not one, or that is refused. */
export async function readZip(blob: Blob, options: ZipOptions = {}): Promise<ZipEntry[]> {
  const limits = { ...ZIP_LIMITS, ...options.limits };
  const cancelled = options.cancelled ?? (() => false);
  if (blob.size < 22) throw new Error('it is too short to be a zip archive');
  const dir = await findDirectory(blob);
  if (dir.count > limits.maxEntries) throw new Error(`it lists ${group(dir.count)} entries, over the limit of ${group(limits.maxEntries)}; refused`);
  const cdEnd = dir.offset + dir.size;
  if (cdEnd > blob.size) throw new Error('its central directory lies past the end of the file (truncated archive?)');
  const infos: EntryInfo[] = [];
  let buf = new Uint8Array(0);
  let bufAt = dir.offset;
  let p = dir.offset;
  /** Makes [p, p + n) readable from buf, reading the next block of the directory when needed. */
  const ensure = async (n: number, i: number) => {
    if (p + n <= bufAt + buf.length) return;
    if (p + n > cdEnd) throw new Error(`its central directory is damaged at entry ${i + 1} of ${dir.count}`);
    if (cancelled()) throw new ZipCancelled();
    buf = await slice(blob, p, Math.min(cdEnd, p + Math.max(n, CD_BLOCK)));
    bufAt = p;
  };
  for (let i = 0; i < dir.count; i++) {
    await ensure(46, i);
    let v = view(buf);
    let o = p - bufAt;
    if (v.getUint32(o, true) !== CENTRAL_SIG) throw new Error(`its central directory is damaged at entry ${i + 1} of ${dir.count}`);
    const nameLen = v.getUint16(o + 28, true);
    const extraLen = v.getUint16(o + 30, true);
    const commentLen = v.getUint16(o + 32, true);
    await ensure(46 + nameLen + extraLen + commentLen, i);
    v = view(buf);
    o = p - bufAt;
    const flags = v.getUint16(o + 8, true);
    // Bit 11: the name is UTF-8; otherwise CP437, of which latin1 gets the ASCII part right.
    const path = (flags & 0x800 ? utf8 : latin1).decode(buf.subarray(o + 46, o + 46 + nameLen));
    const e: EntryInfo = {
      path,
      nameLen,
      flags,
      method: v.getUint16(o + 10, true),
      crc: v.getUint32(o + 16, true),
      compSize: v.getUint32(o + 20, true),
      size: v.getUint32(o + 24, true),
      localOffset: v.getUint32(o + 42, true),
      limit: dir.offset,
    };
    readZip64Extra(v, o + 46 + nameLen, o + 46 + nameLen + extraLen, e);
    p += 46 + nameLen + extraLen + commentLen;
    if (!path.endsWith('/')) infos.push(e); // folders are never read
  }
  refuseOverlaps(infos, dir.offset);
  const budget: Budget = { used: 0, max: Math.max(limits.minTotalBytes, limits.totalPerArchiveByte * blob.size) };
  return infos.map((e) => ({ path: e.path, size: e.size, bytes: () => readEntry(blob, e, limits, budget, cancelled) }));
}

/**
 * Two entries may not share bytes: the classic non-recursive zip bomb points many entries at the same
 * compressed data. Each entry spans at least its local header, name and compressed data; a local extra
 * field may lengthen it, which readEntry checks against `limit` once the header is read.
 */
function refuseOverlaps(infos: EntryInfo[], cdOffset: number): void {
  const order = infos.map((_, i) => i).sort((a, b) => infos[a]!.localOffset - infos[b]!.localOffset);
  let prev: EntryInfo | undefined;
  for (const i of order) {
    const e = infos[i]!;
    if (prev) {
      const prevEnd = prev.localOffset + 30 + prev.nameLen + prev.compSize;
      if (e.localOffset < prevEnd) throw new Error(`${prev.path} and ${e.path} overlap (they share compressed data, as a zip bomb does); refused`);
      prev.limit = e.localOffset;
      prev.next = e.path;
    }
    e.limit = cdOffset;
    prev = e;
  }
}

interface Budget {
  /** Bytes inflated so far from this archive, by every entry. */
  used: number;
  readonly max: number;
}

/** Hands a Blob's bytes on in pieces of at most INFLATE_PIECE, only as fast as they are asked for. */
function pieces(blob: Blob): ReadableStream<Uint8Array<ArrayBuffer>> {
  const reader = blob.stream().getReader();
  let rest = new Uint8Array(0);
  return new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      async pull(ctl) {
        if (rest.length === 0) {
          const r = await reader.read();
          if (r.done) return ctl.close();
          rest = r.value as Uint8Array<ArrayBuffer>; // a Blob's bytes are never shared memory
        }
        ctl.enqueue(rest.subarray(0, INFLATE_PIECE));
        rest = rest.subarray(INFLATE_PIECE);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

async function readEntry(blob: Blob, e: EntryInfo, limits: ZipLimits, budget: Budget, cancelled: () => boolean): Promise<Uint8Array> {
  if (e.flags & 1) throw new Error('it is encrypted');
  if (e.method !== 0 && e.method !== 8) throw new Error(`its compression method ${e.method} is not supported (only stored and deflate)`);
  if (e.size > limits.maxEntryBytes)
    throw new Error(`${e.path} declares ${formatBytes(e.size)}, over the limit of ${formatBytes(limits.maxEntryBytes)} for one file; refused`);
  if (e.method === 0 && e.compSize !== e.size) throw new Error(`${e.path} is stored but its two sizes differ (damaged archive)`);
  const head = await slice(blob, e.localOffset, e.localOffset + 30);
  const hv = view(head);
  if (head.length < 30 || hv.getUint32(0, true) !== LOCAL_SIG) throw new Error('its local header is missing (damaged archive)');
  const start = e.localOffset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
  const end = start + e.compSize;
  if (end > blob.size) throw new Error('its data runs past the end of the archive (truncated?)');
  if (end > e.limit)
    throw new Error(
      e.next
        ? `${e.path} and ${e.next} overlap (its data runs into the next entry); refused`
        : `${e.path}'s data runs into the central directory (damaged archive)`,
    );
  const source = pieces(blob.slice(start, end));
  const reader = (e.method === 0 ? source : source.pipeThrough(new DecompressionStream('deflate-raw'))).getReader();
  const out = new Uint8Array(e.size);
  let n = 0;
  let crc = 0;
  try {
    for (;;) {
      if (cancelled()) throw new ZipCancelled();
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (err) {
        throw new Error(`its compressed data is damaged (${(err as Error).message})`, { cause: err });
      }
      if (r.done) break;
      const c = r.value;
      // Checked before the bytes are kept: an entry never holds more than it declared.
      if (n + c.length > e.size) throw new Error(`${e.path} declares ${formatBytes(e.size)} but inflates past that; refused`);
      if (budget.used + c.length > budget.max) throw new Error(`${e.path} inflates past the archive's limit of ${formatBytes(budget.max)} in all; refused`);
      out.set(c, n);
      n += c.length;
      budget.used += c.length;
      crc = crc32(c, crc);
    }
  } catch (err) {
    // Stops the inflater now, rather than letting it run on into memory nobody reads.
    await reader.cancel().catch(() => undefined);
    throw err;
  }
  if (n !== e.size || crc !== e.crc) throw new Error(`${e.path} fails its CRC-32 check (damaged archive)`);
  return out;
}
