// The safetensors format (8-byte little-endian header length, JSON header, raw little-endian data),
// read defensively: a malformed file is refused with a message, never trusted for sizes it claims.

export type Dtype = 'F32' | 'I32' | 'F16' | 'BF16';
const DTYPE_BYTES: Record<Dtype, number> = { F32: 4, I32: 4, F16: 2, BF16: 2 };

export interface StTensor {
  readonly dtype: 'F32' | 'I32';
  readonly shape: readonly number[];
  /** Half-precision files are widened to F32 on read. */
  readonly data: Float32Array | Int32Array;
}

export interface StFile {
  readonly tensors: ReadonlyMap<string, StTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** No real header needs more; a larger claim means a corrupt or hostile file. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function decode(dtype: Dtype, bytes: Uint8Array): Float32Array | Int32Array {
  // slice() copies: the data section need not be 4-byte aligned within the file's buffer.
  // Typed arrays read little-endian on every platform browsers run on, as the format stores.
  if (dtype === 'F32') return new Float32Array(bytes.slice().buffer);
  if (dtype === 'I32') return new Int32Array(bytes.slice().buffer);
  const half = new Uint16Array(bytes.slice().buffer);
  const out = new Float32Array(half.length);
  const u32 = new Uint32Array(out.buffer);
  for (let i = 0; i < half.length; i++) {
    if (dtype === 'F16') out[i] = f16ToF32(half[i]!);
    else u32[i] = half[i]! << 16; // bfloat16 is the top half of a float32
  }
  return out;
}

/** Parses a safetensors file. Throws SafetensorsError saying what is wrong with it. */
export function readSafetensors(buf: ArrayBuffer | Uint8Array): StFile {
  const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  if (bytes.length < 8) throw new SafetensorsError(`not a safetensors file: ${bytes.length} bytes is shorter than the 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = dv.getUint32(0, true);
  const hi = dv.getUint32(4, true);
  const headerLen = hi * 2 ** 32 + lo;
  if (headerLen > MAX_HEADER_BYTES)
    throw new SafetensorsError(`not a safetensors file: header length ${headerLen} bytes is absurd (limit ${MAX_HEADER_BYTES})`);
  if (8 + headerLen > bytes.length)
    throw new SafetensorsError(`truncated safetensors file: the header claims ${headerLen} bytes but only ${bytes.length - 8} follow`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw new SafetensorsError(`bad safetensors header: not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError('bad safetensors header: not a JSON object');
  const data = bytes.subarray(8 + headerLen);
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, StTensor>();
  const entries: Entry[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null) throw new SafetensorsError('bad safetensors header: __metadata__ is not an object');
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v !== 'string') throw new SafetensorsError(`bad safetensors header: metadata "${k}" is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) throw new SafetensorsError(`bad safetensors header: entry "${name}" is not an object`);
    if (typeof e.dtype !== 'string' || !(e.dtype in DTYPE_BYTES))
      throw new SafetensorsError(`tensor "${name}": dtype ${String(e.dtype)} is not supported (F32, I32, F16, BF16)`);
    const dtype = e.dtype as Dtype;
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw new SafetensorsError(`tensor "${name}": shape ${JSON.stringify(e.shape)} is not a list of non-negative integers`);
    const shape = e.shape as number[];
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0))
      throw new SafetensorsError(`tensor "${name}": data_offsets ${JSON.stringify(off)} are not two non-negative integers`);
    const [start, end] = off as [number, number];
    if (start > end || end > data.length)
      throw new SafetensorsError(`tensor "${name}": data_offsets [${start}, ${end}] fall outside the ${data.length}-byte data section`);
    // Count elements without overflow: stop as soon as the claim exceeds what the file holds.
    let n = 1;
    for (const d of shape) {
      n *= d;
      if (n * DTYPE_BYTES[dtype] > data.length) throw new SafetensorsError(`tensor "${name}": shape [${shape}] needs more bytes than the file holds`);
    }
    if (n * DTYPE_BYTES[dtype] !== end - start)
      throw new SafetensorsError(`tensor "${name}": shape [${shape}] of ${dtype} needs ${n * DTYPE_BYTES[dtype]} bytes, data_offsets give ${end - start}`);
    entries.push({ name, dtype, shape, start, end });
  }
  // The layout is checked before anything is decoded, so a hostile file costs no copies.
  checkLayout(entries, data.length);
  for (const { name, dtype, shape, start, end } of entries)
    tensors.set(name, { dtype: dtype === 'I32' ? 'I32' : 'F32', shape, data: decode(dtype, data.subarray(start, end)) });
  return { tensors, metadata };
}

interface Entry {
  readonly name: string;
  readonly dtype: Dtype;
  readonly shape: number[];
  readonly start: number;
  readonly end: number;
}

/**
 * The format requires the data section to be "entirely indexed, and cannot contain holes": tensors
 * tile it exactly. Overlapping entries would let one write alias another (and two readers disagree
 * about a file); unindexed bytes are where a polyglot file hides its other payload.
 */
function checkLayout(entries: readonly Entry[], dataBytes: number): void {
  // Ties on start put empty tensors first, so an empty tensor at a boundary is not an overlap.
  const sorted = [...entries].sort((a, b) => a.start - b.start || a.end - b.end);
  let pos = 0;
  let prev: Entry | null = null;
  for (const e of sorted) {
    if (e.start < pos)
      throw new SafetensorsError(
        `tensors "${prev!.name}" [${prev!.start}, ${prev!.end}] and "${e.name}" [${e.start}, ${e.end}] overlap in the data section; the format forbids it`,
      );
    if (e.start > pos) {
      const before = prev ? `between "${prev.name}" and "${e.name}"` : `before "${e.name}"`;
      throw new SafetensorsError(`bytes [${pos}, ${e.start}) of the data section, ${before}, belong to no tensor; the format forbids gaps`);
    }
    pos = e.end;
    prev = e;
  }
  if (pos !== dataBytes) {
    const after = prev ? `after "${prev.name}"` : 'with no tensor declared';
    throw new SafetensorsError(`bytes [${pos}, ${dataBytes}) of the data section, ${after}, belong to no tensor; the format forbids gaps`);
  }
}

/** Writes a safetensors file; the header is space-padded so the data starts 8-byte aligned. */
export function writeSafetensors(tensors: Iterable<[string, StTensor]>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  const list = [...tensors];
  let offset = 0;
  for (const [name, t] of list) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`tensor "${name}": shape [${t.shape}] does not match ${t.data.length} values`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + n * 4] };
    offset += n * 4;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const hbytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hbytes.length + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, hbytes.length, true);
  dv.setUint32(4, 0, true);
  out.set(hbytes, 8);
  let pos = 8 + hbytes.length;
  for (const [, t] of list) {
    const src = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(src, pos); // little-endian hosts (every browser platform) store typed arrays as the format wants
    pos += src.length;
  }
  return out;
}
