// Image files written from scratch for tests (unit and end-to-end): PNG in every colour type and
// depth, APNG, animated GIF, a flat CMYK JPEG with Adobe's marker, and a huge but tiny PNG.
// Node only (zlib); small, exact encoders rather than fixtures, so each test says what it feeds.
import { deflateSync } from 'node:zlib';
import { crc32 } from '../data/imageHeader';

const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const u16 = (n: number) => [(n >>> 8) & 255, n & 255];

function chunk(type: string, data: Uint8Array | number[]): Uint8Array {
  const body = new Uint8Array([...Buffer.from(type, 'latin1'), ...data]);
  return new Uint8Array([...u32(body.length - 4), ...body, ...u32((crc32(body) ^ 0xffffffff) >>> 0)]);
}

const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const PNG_SIG = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);
const CHANNELS = { 0: 1, 2: 3, 4: 2, 6: 4 } as const;

export interface PngSpec {
  readonly width: number;
  readonly height: number;
  /** 0 gray, 2 RGB, 4 gray + alpha, 6 RGBA. */
  readonly colourType: 0 | 2 | 4 | 6;
  readonly bitDepth: 8 | 16;
  /** Channel values of pixel (x, y), each in [0, 1]. */
  readonly pixel: (x: number, y: number) => readonly number[];
}

/** Filter-0 scanlines of one image, compressed. */
function idat(s: PngSpec): Uint8Array {
  const ch = CHANNELS[s.colourType];
  const bps = s.bitDepth / 8;
  const row = 1 + s.width * ch * bps;
  const raw = new Uint8Array(row * s.height);
  for (let y = 0; y < s.height; y++)
    for (let x = 0; x < s.width; x++) {
      const v = s.pixel(x, y);
      for (let c = 0; c < ch; c++) {
        const at = y * row + 1 + (x * ch + c) * bps;
        const q = Math.round(Math.min(1, Math.max(0, v[c]!)) * (2 ** s.bitDepth - 1));
        if (bps === 2) raw.set(u16(q), at);
        else raw[at] = q;
      }
    }
  return new Uint8Array(deflateSync(raw));
}

const ihdr = (w: number, h: number, depth: number, type: number) => chunk('IHDR', [...u32(w), ...u32(h), depth, type, 0, 0, 0]);

export function png(s: PngSpec): Uint8Array {
  return concat([PNG_SIG, ihdr(s.width, s.height, s.bitDepth, s.colourType), chunk('IDAT', idat(s)), chunk('IEND', [])]);
}

/** An animated PNG whose frames are the given specs (same size and type); browsers without APNG show the first. */
export function apng(frames: readonly PngSpec[]): Uint8Array {
  const f0 = frames[0]!;
  const fctl = (seq: number) => chunk('fcTL', [...u32(seq), ...u32(f0.width), ...u32(f0.height), ...u32(0), ...u32(0), ...u16(1), ...u16(10), 0, 0]);
  const parts = [
    PNG_SIG,
    ihdr(f0.width, f0.height, f0.bitDepth, f0.colourType),
    chunk('acTL', [...u32(frames.length), ...u32(0)]),
    fctl(0),
    chunk('IDAT', idat(f0)),
  ];
  let seq = 1;
  for (const f of frames.slice(1)) {
    parts.push(fctl(seq++));
    parts.push(chunk('fdAT', [...u32(seq++), ...idat(f)]));
  }
  parts.push(chunk('IEND', []));
  return concat(parts);
}

/** A PNG whose chunks and checksums are all in order but whose image data is not a zlib stream. */
export function garbledPng(width: number, height: number): Uint8Array {
  const junk = Uint8Array.from({ length: 200 }, (_, i) => (i * 97 + 13) & 255);
  return concat([PNG_SIG, ihdr(width, height, 8, 2), chunk('IDAT', junk), chunk('IEND', [])]);
}

/** A valid 1-bit grayscale PNG of any size, all black: a mostly-zero deflate stream stays small. */
export function blankPng(width: number, height: number): Uint8Array {
  const raw = Buffer.alloc((1 + Math.ceil(width / 8)) * height);
  return concat([PNG_SIG, ihdr(width, height, 1, 0), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', [])]);
}

/**
 * An animated GIF: each frame a width×height grid of palette indices (< 4). LZW codes stay 3 bits
 * wide because a clear code follows every two pixels (valid, if wasteful).
 */
export function animatedGif(
  width: number,
  height: number,
  palette: readonly (readonly [number, number, number])[],
  frames: readonly ((x: number, y: number) => number)[],
): Uint8Array {
  const out: number[] = [...Buffer.from('GIF89a', 'latin1'), ...u16le(width), ...u16le(height), 0xf1, 0, 0];
  for (let i = 0; i < 4; i++) out.push(...(palette[i] ?? [0, 0, 0]));
  out.push(0x21, 0xff, 11, ...Buffer.from('NETSCAPE2.0', 'latin1'), 3, 1, 0, 0, 0); // loop forever
  for (const frame of frames) {
    out.push(0x21, 0xf9, 4, 0, 10, 0, 0, 0); // 0.1 s per frame
    out.push(0x2c, 0, 0, 0, 0, ...u16le(width), ...u16le(height), 0, 2);
    const codes: number[] = [];
    for (let y = 0, n = 0; y < height; y++)
      for (let x = 0; x < width; x++, n++) {
        if (n % 2 === 0) codes.push(4); // clear
        codes.push(frame(x, y));
      }
    codes.push(5); // end of information
    const data: number[] = [];
    let acc = 0;
    let bits = 0;
    for (const c of codes) {
      acc |= c << bits;
      bits += 3;
      while (bits >= 8) {
        data.push(acc & 255);
        acc >>= 8;
        bits -= 8;
      }
    }
    if (bits > 0) data.push(acc & 255);
    for (let i = 0; i < data.length; i += 255) out.push(Math.min(255, data.length - i), ...data.slice(i, i + 255));
    out.push(0);
  }
  out.push(0x3b);
  return new Uint8Array(out);
}
function u16le(n: number) {
  return [n & 255, (n >>> 8) & 255];
}

/**
 * A baseline JPEG of one flat colour in four components (CMYK as stored, Adobe APP14 with no
 * transform, as Photoshop writes inverted CMYK). Flat 8×8 blocks have only a DC coefficient,
 * 8·(v − 128), so the Huffman tables are tiny: one code per DC category used, and EOB for AC.
 */
export function flatCmykJpeg(width: number, height: number, cmyk: readonly [number, number, number, number]): Uint8Array {
  const dc = cmyk.map((v) => 8 * (v - 128));
  const category = (d: number) => (d === 0 ? 0 : Math.floor(Math.log2(Math.abs(d))) + 1);
  const symbols = [...new Set([0, ...dc.map(category)])].sort((a, b) => a - b);
  // Canonical codes with one symbol of each length 1..n: 0, 10, 110, … (never all ones).
  const code = new Map(symbols.map((s, i) => [s, { bits: ((1 << i) - 1) << 1, len: i + 1 }]));
  const counts = Array.from({ length: 16 }, (_, i) => (i < symbols.length ? 1 : 0));
  const bytes: number[] = [];
  let acc = 0;
  let n = 0;
  const put = (bits: number, len: number) => {
    for (let i = len - 1; i >= 0; i--) {
      acc = (acc << 1) | ((bits >> i) & 1);
      if (++n === 8) {
        bytes.push(acc);
        if (acc === 0xff) bytes.push(0); // byte stuffing
        acc = 0;
        n = 0;
      }
    }
  };
  const prev = [0, 0, 0, 0];
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  for (let b = 0; b < blocks; b++)
    for (let c = 0; c < 4; c++) {
      const d = dc[c]! - prev[c]!;
      prev[c] = dc[c]!;
      const s = category(d);
      const k = code.get(s)!;
      put(k.bits, k.len);
      if (s > 0) put(d >= 0 ? d : d + (1 << s) - 1, s);
      put(0, 1); // EOB
    }
  if (n > 0) put((1 << (8 - n)) - 1, 8 - n); // pad with ones
  const seg = (marker: number, body: number[]) => [0xff, marker, ...u16(body.length + 2), ...body];
  return new Uint8Array([
    0xff,
    0xd8,
    ...seg(0xee, [...Buffer.from('Adobe', 'latin1'), ...u16(100), 0, 0, 0, 0, 0]),
    ...seg(0xdb, [0, ...new Array<number>(64).fill(1)]),
    ...seg(0xc0, [8, ...u16(height), ...u16(width), 4, ...[1, 2, 3, 4].flatMap((id) => [id, 0x11, 0])]),
    ...seg(0xc4, [0x00, ...counts, ...symbols]),
    ...seg(0xc4, [0x10, 1, ...new Array<number>(15).fill(0), 0x00]),
    ...seg(0xda, [4, ...[1, 2, 3, 4].flatMap((id) => [id, 0x00]), 0, 63, 0]),
    ...bytes,
    0xff,
    0xd9,
  ]);
}

/** A colourful test picture: gradients and a disc, so every patch has texture. */
export const testPicture = (w: number, h: number) => (x: number, y: number) => {
  const inDisc = (x - w * 0.6) ** 2 + (y - h * 0.4) ** 2 < (Math.min(w, h) * 0.25) ** 2;
  return inDisc ? [0.9, 0.2, 0.2] : [x / w, y / h, 0.5 + 0.5 * Math.sin((x + y) / 3)];
};
