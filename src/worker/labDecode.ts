// Decodes a lab image in the worker with the browser's own decoders (createImageBitmap, then an
// OffscreenCanvas to read pixels), after the header checks of ../data/imagePolicy. SVG never comes
// here: workers cannot rasterize it, so the page draws it and sends pixels.
import { readImageHeader } from '../data/imageHeader';
import { ALPHA_NOTE, DECODE_SIDE, decodeFailure, fitSide, flattenAlpha, planDecode, sizeProblem } from '../data/imagePolicy';
import type { LabSource } from '../protocol/messages';

export type Decoded = { ok: true; width: number; height: number; rgba: Uint8ClampedArray; notes: string[] } | { ok: false; message: string };

/** Pixels of a bitmap at (at most) DECODE_SIDE on its long side. */
function pixels(source: ImageBitmap, width: number, height: number): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2-D canvas in this worker');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height).data;
}

export async function decodeLabImage(name: string, source: LabSource): Promise<Decoded> {
  if (source.kind === 'rgba') {
    const rgba = source.rgba.slice();
    return { ok: true, width: source.width, height: source.height, rgba, notes: flattenAlpha(rgba) ? [ALPHA_NOTE] : [] };
  }
  const bytes = new Uint8Array(source.bytes);
  const header = readImageHeader(bytes, source.mime);
  if (header.format === 'svg') return { ok: false, message: `${name} is an SVG image; the page draws those itself. Upload it again.` };
  const plan = planDecode(name, bytes.length, header);
  if (!plan.ok) return plan;
  let bitmap: ImageBitmap;
  try {
    const resize = plan.resize ? { resizeWidth: plan.resize.width, resizeHeight: plan.resize.height, resizeQuality: 'high' as const } : {};
    bitmap = await createImageBitmap(new Blob([bytes]), { premultiplyAlpha: 'none', ...resize });
  } catch (e) {
    return { ok: false, message: decodeFailure(name, header, (e as Error).message || String(e)) };
  }
  try {
    // Formats whose header this page does not read show their size only now.
    const tooBig = sizeProblem(name, bitmap.width, bitmap.height);
    if (tooBig) return { ok: false, message: tooBig };
    const size = fitSide(bitmap.width, bitmap.height, DECODE_SIDE) ?? { width: bitmap.width, height: bitmap.height };
    const rgba = pixels(bitmap, size.width, size.height);
    const notes = [...plan.notes];
    if (flattenAlpha(rgba)) notes.push(ALPHA_NOTE);
    if (plan.resize || size.width !== bitmap.width)
      notes.push(
        `Decoded at ${size.width}×${size.height} (from ${header.width ?? bitmap.width}×${header.height ?? bitmap.height}); the crop is then resampled to the model's size.`,
      );
    return { ok: true, width: size.width, height: size.height, rgba, notes };
  } finally {
    bitmap.close();
  }
}
