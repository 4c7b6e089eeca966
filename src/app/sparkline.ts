// A run's loss as a tiny line for the runs sidebar: an SVG polyline, no chart library. Losses fall
// by orders of magnitude, so the line is drawn on a log scale when every value is positive.

/** SVG polyline points for `values` in a w×h box (y down), at most `max` points; '' when nothing to draw. */
export function sparklinePoints(values: readonly number[], w: number, h: number, max = 60): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length < 2) return '';
  const k = Math.ceil(finite.length / max);
  const kept = finite.filter((_, i) => i % k === 0 || i === finite.length - 1);
  const ys = kept.every((v) => v > 0) ? kept.map(Math.log) : kept;
  const lo = Math.min(...ys);
  const span = Math.max(...ys) - lo || 1;
  const pad = 1; // keeps the stroke inside the box
  return ys
    .map((y, i) => {
      const px = (i / (ys.length - 1)) * w;
      const py = pad + (1 - (y - lo) / span) * (h - 2 * pad);
      return `${px.toFixed(1)},${py.toFixed(1)}`;
    })
    .join(' ');
}
