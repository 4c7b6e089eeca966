// A heatmap's colour bar, pure: the ramp as pixels and three labelled values (low, middle, high), so
// a heatmap's scale is read from a bar rather than from a sentence (./components/ColourBar.tsx draws it).
import { formatTicks } from './ticks';

/** `width` × 1 RGBA pixels of the ramp, from t = 0 at the left to t = 1 at the right. */
export function colourBarRgba(colour: (t: number) => readonly [number, number, number], width: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * 4);
  for (let x = 0; x < width; x++) {
    const [r, g, b] = colour(width > 1 ? x / (width - 1) : 0);
    out.set([r, g, b, 255], x * 4);
  }
  return out;
}

/** Labels at the low end, the middle and the high end of [lo, hi], with the digits to tell them apart. */
export function colourBarLabels(lo: number, hi: number): [string, string, string] {
  const [a, m, b] = formatTicks([lo, (lo + hi) / 2, hi]);
  return [a!, m!, b!];
}
