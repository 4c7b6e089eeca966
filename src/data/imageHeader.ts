// Reads what an image file says about itself before anything decodes it: format, size, bit depth,
// colour model, animation, and whether the file is cut short or fails its own checksums. The lab uses
// this to refuse huge or broken files without handing them to the browser's decoder.

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'svg' | 'unknown';

export interface ImageHeader {
  readonly format: ImageFormat;
  /** Pixel size as the header declares it; null when the format hides it (SVG, unknown). */
  readonly width: number | null;
  readonly height: number | null;
  /** Bits per channel (PNG, JPEG), else null. */
  readonly bitDepth: number | null;
  readonly colour: 'gray' | 'gray-alpha' | 'rgb' | 'rgba' | 'palette' | 'cmyk' | null;
  /** More than one frame (APNG, animated GIF or WebP). */
  readonly animated: boolean;
  /** Why the file is broken ("is truncated: …"), or null when its structure holds together. */
  readonly problem: string | null;
}

const base = (format: ImageFormat): ImageHeader => ({ format, width: null, height: null, bitDepth: null, colour: null, animated: false, problem: null });

const starts = (b: Uint8Array, sig: readonly number[], at = 0) => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));
const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u32be = (b: Uint8Array, i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
const u16le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u24le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);

let crcTable: Uint32Array | null = null;
/** CRC-32 as PNG chunks carry it (ISO 3309, reflected polynomial 0xEDB88320). */
export function crc32(bytes: Uint8Array, crc = 0xffffffff): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return crc >>> 0;
}
const finalCrc = (b: Uint8Array) => (crc32(b) ^ 0xffffffff) >>> 0;

const PNG_SIG = [137, 80, 78, 71, 13, 10, 26, 10];
const PNG_COLOUR: Record<number, ImageHeader['colour']> = { 0: 'gray', 2: 'rgb', 3: 'palette', 4: 'gray-alpha', 6: 'rgba' };

/** Walks every chunk: IHDR for the size, acTL for animation, each CRC, and IEND for completeness. */
function png(b: Uint8Array): ImageHeader {
  let h = base('png');
  let at = 8;
  let sawData = false;
  while (at < b.length) {
    if (at + 12 > b.length) return { ...h, problem: 'is truncated: it ends in the middle of a chunk header' };
    const len = u32be(b, at);
    const type = ascii(b, at + 4, 4);
    if (at + 12 + len > b.length) return { ...h, problem: `is truncated: it ends inside its ${type} chunk` };
    if (finalCrc(b.subarray(at + 4, at + 8 + len)) !== u32be(b, at + 8 + len)) return { ...h, problem: `is corrupt: its ${type} chunk fails its checksum` };
    if (type === 'IHDR') {
      if (len < 13) return { ...h, problem: 'is corrupt: its IHDR chunk is too short' };
      h = { ...h, width: u32be(b, at + 8), height: u32be(b, at + 12), bitDepth: b[at + 16]!, colour: PNG_COLOUR[b[at + 17]!] ?? null };
    } else if (type === 'acTL' && !sawData) h = { ...h, animated: u32be(b, at + 8) > 1 };
    else if (type === 'IDAT') sawData = true;
    else if (type === 'IEND') return h.width === null ? { ...h, problem: 'is corrupt: it has no IHDR chunk' } : h;
    at += 12 + len;
  }
  return { ...h, problem: 'is truncated: it ends before its IEND chunk' };
}

/** Walks the marker segments up to the first scan; the end-of-image marker must follow the scan. */
function jpeg(b: Uint8Array): ImageHeader {
  let h = base('jpeg');
  let components = 0;
  let at = 2;
  for (;;) {
    while (at < b.length && b[at] === 0xff && b[at + 1] === 0xff) at++; // fill bytes
    if (at + 4 > b.length) return { ...h, problem: 'is truncated: it ends before its image data' };
    if (b[at] !== 0xff) return { ...h, problem: 'is corrupt: a marker segment is missing where one should start' };
    const m = b[at + 1]!;
    const len = u16be(b, at + 2);
    if (at + 2 + len > b.length) return { ...h, problem: 'is truncated: it ends inside a header segment' };
    const sof = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
    if (sof) {
      components = b[at + 9]!;
      h = { ...h, bitDepth: b[at + 4]!, height: u16be(b, at + 5), width: u16be(b, at + 7) };
    } else if (m === 0xda) break;
    at += 2 + len;
  }
  // Four components are CMYK (or YCCK, which decodes to CMYK); Adobe's APP14 marker says which.
  h = { ...h, colour: components === 1 ? 'gray' : components === 3 ? 'rgb' : components === 4 ? 'cmyk' : null };
  if (h.width === null || h.width === 0 || h.height === 0) return { ...h, problem: 'is corrupt: it declares no frame size before its image data' };
  // Entropy-coded data never contains FF D9 (FF is stuffed as FF 00), so its absence means a cut file.
  for (let i = b.length - 2; i > at; i--) if (b[i] === 0xff && b[i + 1] === 0xd9) return h;
  return { ...h, problem: 'is truncated: its image data ends without the end-of-image marker' };
}

/** Logical screen size and a count of frames; a file cut after its first frame still shows that frame. */
function gif(b: Uint8Array): ImageHeader {
  const h: ImageHeader = { ...base('gif'), width: u16le(b, 6), height: u16le(b, 8), bitDepth: 8, colour: 'palette' };
  let at = 13 + (b[10]! & 0x80 ? 3 * 2 ** ((b[10]! & 7) + 1) : 0);
  let frames = 0;
  const skipSubBlocks = () => {
    while (at < b.length && b[at] !== 0) at += b[at]! + 1;
    at++;
  };
  while (at < b.length) {
    const t = b[at]!;
    if (t === 0x3b) break;
    if (t === 0x21) {
      at += 2;
      skipSubBlocks();
    } else if (t === 0x2c) {
      const flags = b[at + 9] ?? 0;
      at += 10 + (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0) + 1; // descriptor, local table, LZW size
      skipSubBlocks();
      if (at <= b.length) frames++;
    } else return frames ? { ...h, animated: frames > 1 } : { ...h, problem: 'is corrupt: an unknown block appears before its first frame' };
  }
  if (frames === 0) return { ...h, problem: 'is truncated: it ends before its first frame is complete' };
  return { ...h, animated: frames > 1 };
}

function webp(b: Uint8Array): ImageHeader {
  const h = base('webp');
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8X' && b.length >= 30)
    return { ...h, width: u24le(b, 24) + 1, height: u24le(b, 27) + 1, animated: (b[20]! & 0x02) !== 0, colour: b[20]! & 0x10 ? 'rgba' : 'rgb' };
  if (chunk === 'VP8 ' && b.length >= 30) return { ...h, width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff, colour: 'rgb' };
  if (chunk === 'VP8L' && b.length >= 25) {
    const bits = (b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24)) >>> 0;
    return { ...h, width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, colour: 'rgba' };
  }
  return { ...h, problem: 'is truncated or corrupt: its WebP header is incomplete' };
}

/** SVG is text: an optional BOM, XML prolog, comments or doctype, then an <svg> element early on. */
export function looksLikeSvg(b: Uint8Array, mime: string): boolean {
  if (mime === 'image/svg+xml') return true;
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(b.subarray(0, 4096))
    .replace(/^\uFEFF/, '')
    .trimStart();
  return (head.startsWith('<svg') || head.startsWith('<?xml') || head.startsWith('<!')) && /<svg[\s>]/.test(head);
}

/** What the file's first bytes say; `mime` is the browser's guess from the name, used for SVG only. */
export function readImageHeader(b: Uint8Array, mime = ''): ImageHeader {
  if (starts(b, PNG_SIG)) return png(b);
  if (starts(b, [0xff, 0xd8, 0xff])) return jpeg(b);
  if (b.length >= 13 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return gif(b);
  if (b.length >= 16 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return webp(b);
  if (b.length >= 26 && ascii(b, 0, 2) === 'BM') {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return { ...base('bmp'), width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
  }
  if (looksLikeSvg(b, mime)) return base('svg');
  return base('unknown');
}
