// Axis ticks every chart uses (the SVG loss chart and the plotly charts, which get them as tickvals):
// at least three labelled ticks at any range, log or linear. Plotly's own log ticks labelled a loss
// axis spanning 1.0–1.3 with "1" alone, and a learning-rate axis with "0" and "5e-4".

export type AxisScale = 'log' | 'linear';

/** Ticks a labelled axis has at least, whatever its range. */
export const MIN_TICKS = 3;

/** Steps of 1, 2 or 5 × 10^k with about `n` ticks across [lo, hi]. */
function stepTicks(lo: number, hi: number, n: number): number[] {
  const raw = (hi - lo) / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * Ticks at 1, 2 or 5 × 10^k, about `n` of them across [lo, hi] and never fewer than three (the
 * steps halve until there are); a range of one value has that value only.
 */
export function niceTicks(lo: number, hi: number, n = 6): number[] {
  if (!(hi > lo)) return Number.isFinite(lo) ? [lo] : [];
  let out = stepTicks(lo, hi, Math.max(1, n));
  for (let want = Math.max(2, n) * 2; out.length < MIN_TICKS && want <= 256; want *= 2) out = stepTicks(lo, hi, want);
  return out;
}

/**
 * Ticks of a log axis over [lo, hi] (both > 0): decades, with 2 and 5 between when the span is two
 * decades or less and every integer multiple within one decade; within two decades the lowest part
 * (where loss curves settle) also gets linear ticks, and a span too short for any of these (1.0 to
 * 1.3) gets linear ones throughout. Crowded labels are thinned by `spaced`.
 */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > lo)) return lo > 0 ? [lo] : [];
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const every = Math.max(1, Math.ceil((b - a) / 8));
  const span = Math.log10(hi / lo);
  const mults = span <= 1 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : span <= 2 ? [1, 2, 5] : [1];
  const out = new Set<number>();
  for (let e = a; e <= b; e += every) for (const m of mults) out.add(Number((m * 10 ** e).toPrecision(6)));
  if (span <= 2) for (const v of niceTicks(lo, Math.min(hi, lo * 3), 4)) out.add(v);
  const inside = [...out].filter((v) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)).sort((x, y) => x - y);
  return inside.length >= MIN_TICKS ? inside : niceTicks(lo, hi, 5).filter((v) => v > 0);
}

/** How round a tick value is: 0 for a power of ten, 1 for 2 or 5 times one, 2 for 1–9 times one, else 3. */
export function roundness(v: number): number {
  if (v === 0) return 0;
  const m = Number((Math.abs(v) / 10 ** Math.floor(Math.log10(Math.abs(v)))).toPrecision(9));
  return m === 1 ? 0 : m === 2 || m === 5 ? 1 : Number.isInteger(m) ? 2 : 3;
}

/**
 * The ticks kept when labels would touch: the roundest first, then each one at least `gap` pixels
 * from every kept one; returned in axis order.
 */
export function spaced<T extends { readonly px: number; readonly value: number }>(ticks: readonly T[], gap: number): T[] {
  const kept: T[] = [];
  const order = [...ticks].sort((x, y) => roundness(x.value) - roundness(y.value) || x.value - y.value);
  for (const t of order) if (kept.every((k) => Math.abs(k.px - t.px) >= gap)) kept.push(t);
  return kept.sort((x, y) => x.value - y.value);
}

/** "0.05", "2", "1e-5": plain between 1e-3 and 1e5, exponent form outside; `digits` more for close ticks. */
export function formatTick(v: number, digits = 2): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(digits + 4)));
  return formatExp(v, digits);
}

/** "2e-4", "1.5e-3": the learning rate's axis. */
export function formatExp(v: number, digits = 2): string {
  if (v === 0) return '0';
  const [m, e] = v.toExponential(digits).split('e');
  return `${Number(m)}e${Number(e)}`;
}

/** Labels of ticks, with as many digits as it takes to tell each from the next (2.944e-5, 2.946e-5). */
export function formatTicks(values: readonly number[], format: (v: number, digits?: number) => string = formatTick): string[] {
  let out: string[] = [];
  for (let d = 2; d <= 12; d++) {
    out = values.map((v) => format(v, d));
    if (new Set(out).size === out.length) break;
  }
  return out;
}

/**
 * Tick values and labels for a plotly axis over the data range [lo, hi]: plotly draws them as given
 * (tickvals/ticktext), so its charts label their axes as the SVG chart does. `span` is the axis's
 * length in pixels (to thin crowded labels).
 */
export function plotlyTicks(
  lo: number,
  hi: number,
  scale: AxisScale,
  span = 300,
  format: (v: number, digits?: number) => string = formatTick,
  /** Least pixels between labels: ~18 up an axis, ~50 along one (labels are wider than tall). */
  gap = 18,
): { tickvals: number[]; ticktext: string[]; range: [number, number] } | null {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || (scale === 'log' && !(lo > 0))) return null;
  const [a, b] = widen(lo, hi, scale);
  const values = scale === 'log' ? logTicks(a, b) : niceTicks(a, b, Math.max(MIN_TICKS, Math.floor(span / 60)));
  const toPx = scale === 'log' ? (v: number) => (Math.log10(v / a) / Math.log10(b / a)) * span : (v: number) => ((v - a) / (b - a)) * span;
  const kept = spaced(
    values.map((value) => ({ value, px: toPx(value) })),
    gap,
  );
  // Plotly's log axis takes its range in decades; the range is set so the ticks are all inside it.
  const range: [number, number] = scale === 'log' ? [Math.log10(a), Math.log10(b)] : [a, b];
  return {
    tickvals: kept.map((t) => t.value),
    ticktext: formatTicks(
      kept.map((t) => t.value),
      format,
    ),
    range,
  };
}

/** The data range with a little room (5 % of it, or of the value where the range is one value). */
export function widen(lo: number, hi: number, scale: AxisScale): [number, number] {
  if (scale === 'log') {
    const [l0, l1] = [Math.log10(lo), Math.log10(hi)];
    const pad = Math.max(0.02, (l1 - l0) * 0.05);
    return [10 ** (l0 - pad), 10 ** (l1 + pad)];
  }
  const pad = hi > lo ? (hi - lo) * 0.05 : Math.abs(lo) * 0.05 || 1;
  return [lo - pad, hi + pad];
}
