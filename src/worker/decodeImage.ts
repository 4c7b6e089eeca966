// The browser's image decoder for imports (the one browser-only piece of ../data/datasetImport.ts):
// createImageBitmap decodes in the worker, the centre square is resized with the browser's
// high-quality filter, and an OffscreenCanvas hands back the pixels as planar RGB.
import type { DecodeImage } from '../data/datasetImport';

export const decodeImage: DecodeImage = async (bytes, size, fit) => {
  let bitmap: ImageBitmap;
  try {
    // A large image (its header said so) is decoded straight to a bitmap of at most 1024 px.
    const blob = new Blob([bytes as BlobPart]);
    bitmap = await (fit ? createImageBitmap(blob, { resizeWidth: fit.width, resizeHeight: fit.height, resizeQuality: 'high' }) : createImageBitmap(blob));
  } catch {
    throw new Error('the browser cannot decode it as an image');
  }
  let square: ImageBitmap | null = null;
  try {
    const { width: w, height: h } = bitmap;
    if (w === 0 || h === 0) throw new Error('it has no pixels');
    // Resize(shorter side) then CenterCrop, as torchvision's eval transform, in one step.
    const s = Math.min(w, h);
    square = await createImageBitmap(bitmap, Math.floor((w - s) / 2), Math.floor((h - s) / 2), s, s, {
      resizeWidth: size,
      resizeHeight: size,
      resizeQuality: 'high',
    });
    const canvas = new OffscreenCanvas(size, size);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2-D canvas in this worker');
    ctx.drawImage(square, 0, 0);
    const rgba = ctx.getImageData(0, 0, size, size).data;
    const out = new Uint8Array(3 * size * size);
    const plane = size * size;
    for (let i = 0; i < plane; i++) {
      out[i] = rgba[i * 4]!;
      out[plane + i] = rgba[i * 4 + 1]!;
      out[2 * plane + i] = rgba[i * 4 + 2]!;
    }
    return out;
  } finally {
    bitmap.close();
    square?.close();
  }
};
