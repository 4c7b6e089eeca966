// What the image lab accepts, decided before and after the browser decodes a file: refusals that
// say what happened and what to do, the size to decode at, and notes on what was changed (first frame
// of an animation, 16 bits to 8, CMYK to RGB, transparency flattened onto white).
import type { ImageHeader } from './imageHeader';

/**
 * Largest image decoded, in pixels. A decoded image takes 4 bytes a pixel in the worker that also
 * trains: 50 megapixels (200 MB) covers phone cameras, while a 12000×12000 scan (576 MB) could take
 * the tab, and a running pretraining run with it, out of memory.
 */
export const MAX_PIXELS = 50_000_000;
/** Decoded images are scaled so their long side is at most this (the crop then picks the model's view). */
export const DECODE_SIDE = 1024;

const KINDS = 'a PNG, JPEG, GIF, WebP, BMP or SVG image';

export type DecodePlan =
  | { readonly ok: true; readonly resize: { readonly width: number; readonly height: number } | null; readonly notes: readonly string[] }
  | { readonly ok: false; readonly message: string };

/** Checks a file's header and says how to decode it, or why not to. */
export function planDecode(name: string, bytes: number, h: ImageHeader): DecodePlan {
  if (bytes === 0) return { ok: false, message: `${name} is empty (0 bytes). Choose ${KINDS}.` };
  if (h.problem) return { ok: false, message: `${name} ${h.problem}, so it was not opened. Download or export the image again and upload the complete file.` };
  const notes: string[] = [];
  let resize: { width: number; height: number } | null = null;
  if (h.width !== null && h.height !== null) {
    if (h.width === 0 || h.height === 0)
      return { ok: false, message: `${name} declares a ${h.width}×${h.height} image, which has no pixels. Choose ${KINDS}.` };
    const tooBig = sizeProblem(name, h.width, h.height);
    if (tooBig) return { ok: false, message: tooBig };
    resize = fitSide(h.width, h.height, DECODE_SIDE);
  }
  if (h.animated) notes.push(`${name} is animated; the lab uses its first frame.`);
  if (h.bitDepth === 16) notes.push('16 bits per channel were reduced to 8 by the browser (the model sees 8-bit pixels like its training data).');
  if (h.colour === 'gray' || h.colour === 'gray-alpha') notes.push('Grayscale image: its one channel is used for red, green and blue.');
  if (h.colour === 'cmyk') notes.push('CMYK JPEG: converted to RGB by the browser.');
  return { ok: true, resize, notes };
}

/** The refusal for an image over MAX_PIXELS, or null. */
export function sizeProblem(name: string, width: number, height: number): string | null {
  if (width * height <= MAX_PIXELS) return null;
  const mp = (width * height) / 1e6;
  return `${name} is ${width}×${height} pixels (${mp.toFixed(0)} megapixels), more than the lab opens (${MAX_PIXELS / 1e6} megapixels), to keep this tab's memory safe. Scale it down (for example to 4000 pixels on its long side) and upload it again.`;
}

/** The size with the long side at most `side`, aspect kept; null when it already fits. */
export function fitSide(width: number, height: number, side: number): { width: number; height: number } | null {
  const s = side / Math.max(width, height);
  if (s >= 1) return null;
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** The message when the browser's decoder fails on a file that passed the header checks. */
export function decodeFailure(name: string, h: ImageHeader, reason: string): string {
  if (h.format === 'unknown') return `${name} is not an image this browser can read (it does not start like any image format it knows). Choose ${KINDS}.`;
  return `${name} looks like a ${h.format.toUpperCase()} image but the browser could not decode it (${reason}); it may be corrupt. Export it again, or choose another image.`;
}

/**
 * Composites RGBA over white in place and reports whether any pixel was not opaque: transparent areas
 * look white on the page, and the model has no alpha channel.
 */
export function flattenAlpha(rgba: Uint8ClampedArray): boolean {
  let any = false;
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3]!;
    if (a === 255) continue;
    any = true;
    const f = a / 255;
    for (let c = 0; c < 3; c++) rgba[i + c] = rgba[i + c]! * f + 255 * (1 - f);
    rgba[i + 3] = 255;
  }
  return any;
}

export const ALPHA_NOTE = 'The image has transparency; transparent areas were filled with white.';

export type ImportPlan =
  { readonly ok: true; readonly fit: { readonly width: number; readonly height: number } | null } | { readonly ok: false; readonly reason: string };

/**
 * The lab's policy for one image of an imported dataset, from its header before any decoding: a
 * truncated or corrupt file, or one over MAX_PIXELS, is skipped with the reason (a 30 000 × 30 000
 * PNG would take the worker, and the training in it, out of memory); a large one is decoded with its
 * long side at DECODE_SIDE. Formats whose header hides the size (or unknown bytes) go to the decoder.
 */
export function planImport(h: ImageHeader): ImportPlan {
  if (h.problem) return { ok: false, reason: `refused before decoding: the file ${h.problem}` };
  if (h.width === null || h.height === null) return { ok: true, fit: null };
  if (h.width === 0 || h.height === 0) return { ok: false, reason: `refused before decoding: it declares a ${h.width}×${h.height} image, which has no pixels` };
  if (h.width * h.height > MAX_PIXELS)
    return {
      ok: false,
      reason: `refused before decoding: ${h.width}×${h.height} pixels (${((h.width * h.height) / 1e6).toFixed(0)} megapixels) is more than an import decodes (${MAX_PIXELS / 1e6} megapixels); scale it down and import again`,
    };
  return { ok: true, fit: fitSide(h.width, h.height, DECODE_SIDE) };
}
