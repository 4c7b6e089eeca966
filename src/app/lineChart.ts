// Pure geometry of the live loss chart (./components/LossChart.tsx): traces in, SVG paths and axis
// ticks out. A plotly redraw measured 30–400 ms of main thread on the test machine, every second
// while a run trains; this builder and a plain SVG take a few milliseconds. Losses go on a log axis
// at the left, traces with `yaxis: 'y2'` (the learning rate) on a linear axis at the right.
import type { Trace } from './charts';

export interface Box {
  readonly width: number;
  readonly height: number;
  readonly margin: { readonly l: number; readonly r: number; readonly t: number; readonly b: number };
}

export interface Tick {
  readonly px: number;
  readonly label: string;
}

export interface ChartGeometry {
  /** One SVG path per trace; a gap (NaN, or ≤ 0 on the log axis) starts a new subpath. */
  readonly paths: readonly { readonly name: string; readonly d: string }[];
  readonly x: readonly Tick[];
  readonly y: readonly Tick[];
  readonly y2: readonly Tick[];
  /** Data x to pixel, and back: the hover readout finds the nearest point with them. */
  readonly xToPx: (x: number) => number;
  readonly pxToX: (px: number) => number;
}

/** Steps of 1, 2 or 5 × 10^k giving about `n` ticks across [lo, hi]. */
export function niceTicks(lo: number, hi: number, n = 6): number[] {
  if (!(hi > lo)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * Ticks of a log axis over [lo, hi] (both > 0): decades, with 2 and 5 between when the span is two
 * decades or less, and every integer multiple within one decade (a run's losses often span less than
 * one: 1.1 to 5.2 would otherwise get only 2 and 5).
 */
export function logTicks(lo: number, hi: number): number[] {
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const every = Math.max(1, Math.ceil((b - a) / 8));
  const span = Math.log10(hi / lo);
  const mults = span <= 1 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : span <= 2 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let e = a; e <= b; e += every) for (const m of mults) out.push(Number((m * 10 ** e).toPrecision(6)));
  return out.filter((v) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9));
}

/** "0.05", "2", "1e-5": plain between 1e-3 and 1e5, exponent form outside. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(6)));
  return formatExp(v);
}

/** "2e-4", "1.5e-3": the learning rate's axis. */
export function formatExp(v: number): string {
  if (v === 0) return '0';
  const [m, e] = v.toExponential(2).split('e');
  return `${Number(m)}e${Number(e)}`;
}

function extent(values: Iterable<number | null>, keep: (v: number) => boolean): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || !keep(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

const finite = (v: number) => Number.isFinite(v);
const positive = (v: number) => Number.isFinite(v) && v > 0;

/** The chart's paths and ticks for `traces` in `box`, or null when there is nothing to draw. */
export function chartGeometry(traces: readonly Trace[], box: Box): ChartGeometry | null {
  const { l, r, t, b } = box.margin;
  const w = box.width - l - r;
  const h = box.height - t - b;
  const left = traces.filter((tr) => tr.yaxis !== 'y2');
  const right = traces.filter((tr) => tr.yaxis === 'y2');
  const xs = extent(
    traces.flatMap((tr) => tr.x),
    finite,
  );
  const ys = extent(
    left.flatMap((tr) => tr.y),
    positive,
  );
  if (w <= 0 || h <= 0 || !xs || !ys) return null;
  const [x0, x1] = xs[1] > xs[0] ? xs : [xs[0], xs[0] + 1];
  const xToPx = (x: number) => l + ((x - x0) / (x1 - x0)) * w;
  const pxToX = (px: number) => x0 + ((px - l) / w) * (x1 - x0);
  // The log axis: a little room above and below the data, in decades.
  const [ly0, ly1] = [Math.log10(ys[0]), Math.log10(ys[1])];
  const pad = Math.max(0.02, (ly1 - ly0) * 0.05);
  const [ya, yb] = [ly0 - pad, ly1 + pad];
  const yToPx = (v: number) => t + (1 - (Math.log10(v) - ya) / (yb - ya)) * h;
  // The linear axis from 0 (a learning rate schedule starts and ends near it).
  const y2s = extent(
    right.flatMap((tr) => tr.y),
    finite,
  );
  const y2hi = y2s ? Math.max(y2s[1], 0) * 1.05 || 1 : 1;
  const y2lo = y2s ? Math.min(y2s[0], 0) : 0;
  const y2ToPx = (v: number) => t + (1 - (v - y2lo) / (y2hi - y2lo)) * h;
  const path = (tr: Trace, toPx: (v: number) => number, ok: (v: number) => boolean) => {
    let d = '';
    let pen = false;
    for (let i = 0; i < tr.x.length; i++) {
      const x = tr.x[i]!;
      const y = tr.y[i] ?? NaN; // null: a gap
      if (!Number.isFinite(x) || !ok(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${xToPx(x).toFixed(1)} ${toPx(y).toFixed(1)}`;
      pen = true;
    }
    return d;
  };
  return {
    paths: traces.map((tr) => ({ name: tr.name, d: tr.yaxis === 'y2' ? path(tr, y2ToPx, finite) : path(tr, yToPx, positive) })),
    x: niceTicks(x0, x1, Math.max(2, Math.floor(w / 90))).map((v) => ({ px: xToPx(v), label: formatTick(v) })),
    y: logTicks(10 ** ya, 10 ** yb).map((v) => ({ px: yToPx(v), label: formatTick(v) })),
    y2: y2s ? niceTicks(y2lo, y2hi, 4).map((v) => ({ px: y2ToPx(v), label: formatExp(v) })) : [],
    xToPx,
    pxToX,
  };
}
