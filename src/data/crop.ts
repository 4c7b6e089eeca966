// The image lab's square crop (in the decoded image's pixels) and its resampling to the model's
// S×S input. Resampling is separable with a triangle filter widened by the scale when shrinking
// (antialiased, like PIL's bilinear resize); enlarging is then plain bilinear.

/** A square crop: left and top edge and side, in pixels of the decoded image. */
export interface SquareCrop {
  readonly left: number;
  readonly top: number;
  readonly side: number;
}

/** The largest centred square: the default crop. */
export function centreCrop(W: number, H: number): SquareCrop {
  const side = Math.min(W, H);
  return { left: Math.floor((W - side) / 2), top: Math.floor((H - side) / 2), side };
}

/** The crop made to fit: side between 1 and the short edge, then edges moved inside the image. */
export function clampCrop(c: SquareCrop, W: number, H: number): SquareCrop {
  const side = Math.max(1, Math.min(Math.round(c.side), W, H));
  const left = Math.min(Math.max(0, Math.round(c.left)), W - side);
  const top = Math.min(Math.max(0, Math.round(c.top)), H - side);
  return { left, top, side };
}

/** Moves the crop by (dx, dy) image pixels, stopping at the edges. */
export function moveCrop(c: SquareCrop, dx: number, dy: number, W: number, H: number): SquareCrop {
  return clampCrop({ ...c, left: c.left + dx, top: c.top + dy }, W, H);
}

/** Changes the side keeping the crop's centre where the edges allow. */
export function setCropSide(c: SquareCrop, side: number, W: number, H: number): SquareCrop {
  const cx = c.left + c.side / 2;
  const cy = c.top + c.side / 2;
  return clampCrop({ left: cx - side / 2, top: cy - side / 2, side }, W, H);
}

/** For each output sample along one axis: the source indices it reads and their weights (sum 1). */
export function axisWeights(start: number, length: number, size: number, limit: number): { index: Int32Array; weight: Float32Array; taps: number } {
  const scale = length / size;
  const support = Math.max(scale, 1); // the filter's half-width in source pixels
  const taps = Math.ceil(support) * 2 + 1;
  const index = new Int32Array(size * taps);
  const weight = new Float32Array(size * taps);
  for (let i = 0; i < size; i++) {
    const centre = start + (i + 0.5) * scale; // in source pixel edges
    const lo = Math.floor(centre - support);
    let total = 0;
    for (let t = 0; t < taps; t++) {
      const x = lo + t;
      const w = Math.max(0, 1 - Math.abs((x + 0.5 - centre) / support));
      index[i * taps + t] = Math.min(Math.max(x, 0), limit - 1); // edge pixels repeat
      weight[i * taps + t] = w;
      total += w;
    }
    for (let t = 0; t < taps; t++) weight[i * taps + t]! /= total;
  }
  return { index, weight, taps };
}

/**
 * The crop of an RGBA image (W×H, row-major bytes) resampled to size×size, as channel-major float
 * RGB [3, size, size] in [0, 1] (the model's layout before ImageNet normalization).
 */
export function cropToSquare(rgba: Uint8ClampedArray, W: number, H: number, crop: SquareCrop, size: number): Float32Array {
  const c = clampCrop(crop, W, H);
  const xs = axisWeights(c.left, c.side, size, W);
  const ys = axisWeights(c.top, c.side, size, H);
  // Rows first: the crop's rows (only those some output row reads) resampled to `size` columns.
  const rows = new Float32Array(3 * H * size);
  const needed = new Uint8Array(H);
  for (const y of ys.index) needed[y] = 1;
  for (let y = 0; y < H; y++) {
    if (!needed[y]) continue;
    for (let x = 0; x < size; x++)
      for (let ch = 0; ch < 3; ch++) {
        let v = 0;
        for (let t = 0; t < xs.taps; t++) v += xs.weight[x * xs.taps + t]! * rgba[(y * W + xs.index[x * xs.taps + t]!) * 4 + ch]!;
        rows[ch * H * size + y * size + x] = v;
      }
  }
  const out = new Float32Array(3 * size * size);
  for (let ch = 0; ch < 3; ch++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        let v = 0;
        for (let t = 0; t < ys.taps; t++) v += ys.weight[y * ys.taps + t]! * rows[ch * H * size + ys.index[y * ys.taps + t]! * size + x]!;
        out[ch * size * size + y * size + x] = Math.min(1, Math.max(0, v / 255));
      }
  return out;
}
