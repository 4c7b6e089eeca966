// Draws an SVG file into pixels on the page (workers have no SVG renderer). In an <img>, SVG runs
// no scripts and loads nothing external, so a file from anywhere is safe to draw.

/** Default size for SVGs that declare none (only a viewBox, or nothing). */
const FALLBACK = 512;

/** The SVG drawn with its long side at `side` pixels (vector art scales either way), RGBA. */
export async function rasterizeSvg(bytes: ArrayBuffer, side: number): Promise<{ width: number; height: number; rgba: Uint8ClampedArray }> {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode().catch(() => {
      throw new Error('the browser could not render it');
    });
    const w0 = img.naturalWidth || FALLBACK;
    const h0 = img.naturalHeight || FALLBACK;
    const s = side / Math.max(w0, h0);
    const width = Math.max(1, Math.round(w0 * s));
    const height = Math.max(1, Math.round(h0 * s));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2-D canvas');
    ctx.drawImage(img, 0, 0, width, height);
    return { width, height, rgba: ctx.getImageData(0, 0, width, height).data };
  } finally {
    URL.revokeObjectURL(url);
  }
}
