// A PyTorch checkpoint file as torch.save writes it (the zip format of torch ≥ 1.6): `archive/data.pkl`,
// a protocol-2 pickle of {key: OrderedDict(name → tensor)}, one `archive/data/<i>` record of raw
// little-endian float32 per tensor, and `archive/version`. The official tools read `--finetune` with
// torch.load, which cannot read safetensors; this is the smallest writer that torch.load (also with
// weights_only) accepts: the pickle names only torch._utils._rebuild_tensor_v2, torch.FloatStorage and
// collections.OrderedDict, exactly as torch.save would.
import { crc32 } from '../data/zip';

export interface TorchTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

class Bytes {
  private parts: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array | number[]): void {
    const u = b instanceof Uint8Array ? b : Uint8Array.from(b);
    this.parts.push(u);
    this.length += u.length;
  }
  concat(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

const ascii = (s: string) => new TextEncoder().encode(s);

/** The pickle opcodes torch.save's output uses (Python's pickle.py names them). */
class Pickler {
  readonly out = new Bytes();
  /** Opcodes and their ASCII arguments, one byte per character (0x80 PROTO and 0x89 NEWFALSE are not UTF-8). */
  op(c: string): this {
    this.out.push(Array.from(c, (ch) => ch.charCodeAt(0)));
    return this;
  }
  str(s: string): this {
    const b = ascii(s);
    const n = new Uint8Array(5);
    n[0] = 0x58; // BINUNICODE: 4-byte length, UTF-8
    new DataView(n.buffer).setUint32(1, b.length, true);
    this.out.push(n);
    this.out.push(b);
    return this;
  }
  int(v: number): this {
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new Error(`pickle: ${v} does not fit a 4-byte int`);
    const n = new Uint8Array(5);
    n[0] = 0x4a; // BININT
    new DataView(n.buffer).setInt32(1, v, true);
    this.out.push(n);
    return this;
  }
  global(module: string, name: string): this {
    return this.op(`c${module}\n${name}\n`);
  }
  tuple(items: readonly number[]): this {
    this.op('(');
    for (const i of items) this.int(i);
    return this.op('t');
  }
  orderedDict(): this {
    return this.global('collections', 'OrderedDict').op(')R'); // OrderedDict() via REDUCE on an empty tuple
  }
}

const contiguousStrides = (shape: readonly number[]): number[] => shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));

/** The pickle for {key: OrderedDict(tensors)}; tensor i's storage is record `data/<i>`. */
function pickle(key: string, tensors: readonly (readonly [string, TorchTensor])[]): Uint8Array {
  const p = new Pickler();
  p.op('\x80\x02}').str(key).orderedDict().op('(');
  tensors.forEach(([name, t], i) => {
    p.str(name).global('torch._utils', '_rebuild_tensor_v2').op('(');
    // persistent id ('storage', storage type, key, location, numel), resolved by torch.load's persistent_load
    p.op('(').str('storage').global('torch', 'FloatStorage').str(String(i)).str('cpu').int(t.data.length).op('tQ');
    p.int(0).tuple(t.shape).tuple(contiguousStrides(t.shape)).op('\x89'); // offset, size, stride, requires_grad=False
    p.orderedDict().op('tR'); // backward hooks, then _rebuild_tensor_v2(*args)
  });
  p.op('us.'); // SETITEMS into the OrderedDict, SETITEM into the dict, STOP
  return p.out.concat();
}

/** A stored (uncompressed) zip whose records' data start 64-byte aligned, as torch.save aligns them. */
function storedZip(entries: readonly { name: string; data: Uint8Array }[]): Uint8Array<ArrayBuffer> {
  const body = new Bytes();
  const central = new Bytes();
  for (const e of entries) {
    const name = ascii(e.name);
    const offset = body.length;
    const pad = (64 - ((offset + 30 + name.length + 4) % 64)) % 64;
    const crc = crc32(e.data);
    const local = new Uint8Array(30 + name.length + 4 + pad);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true); // version needed
    lv.setUint32(14, crc, true);
    lv.setUint32(18, e.data.length, true);
    lv.setUint32(22, e.data.length, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, 4 + pad, true);
    local.set(name, 30);
    lv.setUint16(30 + name.length, 0x4246, true); // 'FB': the padding field torch writes
    lv.setUint16(32 + name.length, pad, true);
    body.push(local);
    body.push(e.data);
    const c = new Uint8Array(46 + name.length);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, e.data.length, true);
    cv.setUint32(24, e.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    c.set(name, 46);
    central.push(c);
  }
  if (body.length + central.length >= 2 ** 32) throw new Error('the checkpoint is too large for a zip without zip64 (4 GiB)');
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, central.length, true);
  ev.setUint32(16, body.length, true);
  const out = new Bytes();
  out.push(body.concat());
  out.push(central.concat());
  out.push(end);
  return out.concat();
}

/** torch.save({key: OrderedDict(tensors)}) as bytes; torch.load(path)[key] gives the tensors back. */
export function torchSave(key: string, tensors: readonly (readonly [string, TorchTensor])[]): Uint8Array<ArrayBuffer> {
  for (const [name, t] of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`tensor "${name}": shape [${t.shape}] does not match ${t.data.length} values`);
  }
  const records = [
    { name: 'archive/data.pkl', data: pickle(key, tensors) },
    ...tensors.map(([, t], i) => ({ name: `archive/data/${i}`, data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) })),
    { name: 'archive/version', data: ascii('3\n') },
  ];
  return storedZip(records);
}
