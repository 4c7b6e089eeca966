// IDX files, the MNIST family's format (LeCun et al., http://yann.lecun.com/exdb/mnist/; Fashion-MNIST,
// KMNIST and EMNIST use it too): a magic word 00 00 TT NN (TT the value type, NN the number of
// dimensions), NN big-endian uint32 sizes, then the values row-major. Labels are idx1 [n], images
// idx3 [n, rows, cols]. Files are often gzipped (1f 8b), so a file is read as a stream, raw or through
// the platform's DecompressionStream('gzip'), in pieces: never held whole, and never read past the
// size its header declares (which the limits bound), so a gzip bomb stops at the first extra byte.

export interface IdxLimits {
  /** Items (images or labels) one file may hold. EMNIST ByClass, the largest of the family, has 697 932. */
  readonly maxItems: number;
  /** Side of an image, px: the stored size's ceiling (a larger image could not be kept at its side). */
  readonly maxSide: number;
  /** Bytes of values one file may declare (after decompression). */
  readonly maxBytes: number;
}

const MiB = 1024 * 1024;

export const IDX_LIMITS: IdxLimits = {
  // As many as a zip may list (ZIP_LIMITS.maxEntries): stored at 28 px that is already 2.4 GB.
  maxItems: 1_000_000,
  maxSide: 512,
  // EMNIST ByClass's training images inflate to 547 MB; a file may declare up to twice that.
  maxBytes: 1024 * MiB,
};

/** The value types IDX names (only unsigned bytes are read), for a message that says which it is. */
const TYPES: Record<number, string> = {
  0x08: 'unsigned bytes',
  0x09: 'signed bytes',
  0x0b: '16-bit integers',
  0x0c: '32-bit integers',
  0x0d: 'floats',
  0x0e: 'doubles',
};

export interface IdxHeader {
  /** [n] for labels, [n, rows, cols] for images. */
  readonly dims: readonly number[];
  readonly headerBytes: number;
  /** Bytes of values after the header: the product of the dims. */
  readonly dataBytes: number;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const group = (n: number) => n.toLocaleString('en-US').replace(/,/g, ' ');

/** The header at the start of `head` (which must hold it whole); throws a readable reason for anything else. */
export function parseIdxHeader(head: Uint8Array, limits: IdxLimits = IDX_LIMITS): IdxHeader {
  if (head.length < 4) throw new Error(`it is too short to be an IDX file (${head.length} bytes)`);
  if (head[0] !== 0 || head[1] !== 0)
    throw new Error(`it is not an IDX file: it starts ${hex(head.subarray(0, 4))}, where MNIST-style files start 00 00 08 01 (labels) or 00 00 08 03 (images)`);
  const type = head[2]!;
  const rank = head[3]!;
  if (type !== 0x08)
    throw new Error(
      `its values are ${TYPES[type] ?? `of an unknown type (0x${type.toString(16)})`}; only unsigned bytes (type 0x08, the MNIST family's) are read`,
    );
  if (rank !== 1 && rank !== 3) throw new Error(`it has ${rank} dimensions, where IDX labels have 1 and images 3`);
  const headerBytes = 4 + 4 * rank;
  if (head.length < headerBytes) throw new Error(`it ends inside its header (${head.length} of ${headerBytes} bytes)`);
  const v = new DataView(head.buffer, head.byteOffset, headerBytes);
  const dims = Array.from({ length: rank }, (_, i) => v.getUint32(4 + 4 * i, false));
  const [n, rows, cols] = dims as [number, number?, number?];
  if (n === 0) throw new Error('it declares no items');
  if (n > limits.maxItems) throw new Error(`it declares ${group(n)} items, over the limit of ${group(limits.maxItems)}; refused`);
  if (rows !== undefined && cols !== undefined) {
    if (rows === 0 || cols === 0 || rows > limits.maxSide || cols > limits.maxSide)
      throw new Error(`it declares images of ${rows}×${cols} px; sides from 1 to ${limits.maxSide} px are read`);
  }
  const dataBytes = dims.reduce((a, b) => a * b, 1);
  if (dataBytes > limits.maxBytes) throw new Error(`it declares ${group(dataBytes)} bytes of values, over the limit of ${group(limits.maxBytes)}; refused`);
  return { dims, headerBytes, dataBytes };
}

/** Whether bytes start with gzip's magic number. */
export const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Bytes handed to the inflater at a time: gzip expands at most ~1 032×, so one piece yields at most ~16 MiB. */
const GZ_PIECE = 16 * 1024;
/** Bytes of a raw file read at a time. */
const RAW_PIECE = 1 * MiB;

/** A Blob's bytes in pieces of at most `size`, only as fast as they are asked for. */
function pieces(blob: Blob, size: number): ReadableStream<Uint8Array<ArrayBuffer>> {
  let at = 0;
  return new ReadableStream<Uint8Array<ArrayBuffer>>(
    {
      async pull(ctl) {
        if (at >= blob.size) return ctl.close();
        const end = Math.min(blob.size, at + size);
        ctl.enqueue(new Uint8Array(await blob.slice(at, end).arrayBuffer()));
        at = end;
      },
    },
    { highWaterMark: 0 },
  );
}

export class IdxCancelled extends Error {
  constructor() {
    super('reading the IDX file was cancelled');
  }
}

/** An IDX file being read: its header, then its records in runs, each checked against the header. */
export interface IdxReader {
  readonly header: IdxHeader;
  readonly compressed: boolean;
  /** Items the file holds (the first dimension). */
  readonly count: number;
  /** Bytes of one item: 1 for a label, rows × cols for an image. */
  readonly itemBytes: number;
  /**
   * The next `items` items' bytes (fewer at the end), or null once all were read; throws when the file
   * ends early or goes on past what its header declares.
   */
  next(items: number): Promise<Uint8Array | null>;
  /** Stops reading (and inflating) now. */
  close(): Promise<void>;
}

export interface IdxOptions {
  readonly limits?: Partial<IdxLimits>;
  /** Polled between pieces; true stops with IdxCancelled. */
  readonly cancelled?: () => boolean;
}

/** Opens an IDX file, gzipped or raw (told apart by its first two bytes), and reads its header. */
export async function openIdx(blob: Blob, o: IdxOptions = {}): Promise<IdxReader> {
  const limits = { ...IDX_LIMITS, ...o.limits };
  const cancelled = o.cancelled ?? (() => false);
  const compressed = isGzip(new Uint8Array(await blob.slice(0, 2).arrayBuffer()));
  const source = compressed ? pieces(blob, GZ_PIECE).pipeThrough(new DecompressionStream('gzip')) : pieces(blob, RAW_PIECE);
  const reader = source.getReader();
  let queue: Uint8Array[] = [];
  let queued = 0;
  let produced = 0;
  let ended = false;
  /** Bytes the header allows in all; set once it is read (until then, a header's worth). */
  let allowed = 4 + 4 * 3;
  let header: IdxHeader | null = null;
  const pastEnd = () =>
    new Error(`it goes on past the ${group(allowed)} bytes its header declares${compressed ? ' (a gzip bomb, or another file appended)' : ''}; refused`);
  /** Reads one more piece into the queue; false at the end of the file. */
  const pull = async (): Promise<boolean> => {
    if (cancelled()) throw new IdxCancelled();
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await reader.read();
    } catch (e) {
      throw new Error(`its gzip data is damaged or cut short (${(e as Error).message})`, { cause: e });
    }
    if (r.done) {
      ended = true;
      return false;
    }
    produced += r.value.length;
    // Checked before the bytes are kept: nothing past the declared size is ever held.
    if (header && produced > allowed) throw pastEnd();
    queue.push(r.value);
    queued += r.value.length;
    return true;
  };
  /** Exactly n bytes from the front of the queue, or fewer where the file ends first. */
  const take = async (n: number): Promise<Uint8Array> => {
    while (queued < n && !ended && (await pull()));
    const out = new Uint8Array(Math.min(n, queued));
    let at = 0;
    while (at < out.length) {
      const c = queue[0]!;
      const k = Math.min(c.length, out.length - at);
      out.set(c.subarray(0, k), at);
      at += k;
      if (k === c.length) queue.shift();
      else queue[0] = c.subarray(k);
    }
    queued -= out.length;
    return out;
  };
  const close = async () => {
    queue = [];
    await reader.cancel().catch(() => undefined);
  };
  try {
    const start = await take(4);
    // The rank byte says how long the header is; a bad magic word is reported before reading more.
    if (start.length === 4 && start[0] === 0 && start[1] === 0) {
      const rest = await take(4 * start[3]!);
      const whole = new Uint8Array(4 + rest.length);
      whole.set(start);
      whole.set(rest, 4);
      header = parseIdxHeader(whole, limits);
    } else header = parseIdxHeader(start, limits);
  } catch (e) {
    await close();
    throw e;
  }
  const h = header;
  allowed = h.headerBytes + h.dataBytes;
  if (produced > allowed) {
    await close();
    throw pastEnd();
  }
  const itemBytes = h.dataBytes / h.dims[0]!;
  let read = 0;
  return {
    header: h,
    compressed,
    count: h.dims[0]!,
    itemBytes,
    async next(items) {
      try {
        if (read === h.dims[0]) {
          // Past the last item the file must end: anything more is refused by pull, as it arrives.
          while (!ended && (await pull()));
          if (queued > 0) throw pastEnd();
          return null;
        }
        const want = Math.min(items, h.dims[0]! - read);
        const bytes = await take(want * itemBytes);
        if (bytes.length < want * itemBytes)
          throw new Error(
            `it ends after ${group(h.headerBytes + read * itemBytes + bytes.length)} of the ${group(allowed)} bytes its header declares (cut short?)`,
          );
        read += want;
        return bytes;
      } catch (e) {
        await close();
        throw e;
      }
    },
    close,
  };
}

/** Every item of a file at once: for labels (a byte each) and the embedded 10 000-image set. */
export async function readIdxWhole(blob: Blob, o: IdxOptions = {}): Promise<{ header: IdxHeader; values: Uint8Array }> {
  const r = await openIdx(blob, o);
  const values = new Uint8Array(r.header.dataBytes);
  let at = 0;
  for (let piece = await r.next(65_536); piece; piece = await r.next(65_536)) {
    values.set(piece, at);
    at += piece.length;
  }
  return { header: r.header, values };
}
