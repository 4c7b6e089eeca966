// Pure geometry of the live loss chart (./components/LossChart.tsx): traces in, SVG paths, markers
// and axis ticks out. A plotly redraw measured 30–400 ms of main thread on the test machine, every
// second while a run trains; this builder and a plain SVG take a few milliseconds. Losses go on the
// left axis (log or linear, the user's choice), traces with `yaxis: 'y2'` (the learning rate) on a
// linear axis from 0 at the right. Ticks come from ./ticks.ts: at least three labels on each axis.
import type { Trace } from './charts';
import { formatExp, formatTick, formatTicks, logTicks, MIN_TICKS, niceTicks, spaced, widen, type AxisScale } from './ticks';

export { formatExp, formatTick, logTicks, niceTicks } from './ticks';

export interface Box {
  readonly width: number;
  readonly height: number;
  readonly margin: { readonly l: number; readonly r: number; readonly t: number; readonly b: number };
}

export interface Tick {
  readonly px: number;
  readonly label: string;
}

export interface ChartOptions {
  /** The loss axis: log (the default) or linear. */
  readonly yScale?: AxisScale;
  /** The x range shown ([from, to] in data units); null: all of it. Points outside it are clipped. */
  readonly xRange?: readonly [number, number] | null;
}

export interface ChartGeometry {
  /** One SVG path per trace; a gap (NaN, or ≤ 0 on the log axis) starts a new subpath. */
  readonly paths: readonly { readonly name: string; readonly d: string }[];
  /** Points a line cannot show (a series of one point, a point between gaps): drawn as dots. */
  readonly dots: readonly { readonly name: string; readonly cx: number; readonly cy: number }[];
  readonly x: readonly Tick[];
  readonly y: readonly Tick[];
  readonly y2: readonly Tick[];
  /** The x values at the left and right edges (the range asked for, its open ends filled from the data). */
  readonly xDomain: readonly [number, number];
  /** Data x to pixel, and back: the hover readout finds the nearest point with them. */
  readonly xToPx: (x: number) => number;
  readonly pxToX: (px: number) => number;
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

/** Ticks of values along an axis, thinned so labels stay `gap` pixels apart. */
function label(values: number[], toPx: (v: number) => number, fmt: (v: number, digits?: number) => string, gap: number): Tick[] {
  const kept = spaced(
    values.map((value) => ({ value, px: toPx(value) })),
    gap,
  );
  const text = formatTicks(
    kept.map((t) => t.value),
    fmt,
  );
  return kept.map((t, i) => ({ px: t.px, label: text[i]! }));
}

/** The chart's paths and ticks for `traces` in `box`, or null when there is nothing to draw. */
export function chartGeometry(traces: readonly Trace[], box: Box, options: ChartOptions = {}): ChartGeometry | null {
  const { l, r, t, b } = box.margin;
  const w = box.width - l - r;
  const h = box.height - t - b;
  const log = (options.yScale ?? 'log') === 'log';
  const range = options.xRange ?? null;
  const left = traces.filter((tr) => tr.yaxis !== 'y2');
  const right = traces.filter((tr) => tr.yaxis === 'y2');
  const inRange = (x: number) => !range || (x >= range[0] && x <= range[1]);
  // The y values of points inside the x range: a zoomed chart scales to what it shows.
  const ys = (trs: readonly Trace[]) => trs.flatMap((tr) => tr.y.filter((_, i) => inRange(tr.x[i]!)));
  // An open end of the range (±Infinity: the field left empty) is the data's own end.
  const data = extent(
    traces.flatMap((tr) => tr.x),
    finite,
  );
  const xs: readonly [number, number] | null =
    data && range ? [Number.isFinite(range[0]) ? range[0] : data[0], Number.isFinite(range[1]) ? range[1] : data[1]] : data;
  const leftOk = log ? positive : finite;
  const yx = extent(ys(left), leftOk);
  if (w <= 0 || h <= 0 || !xs || !yx) return null;
  const [x0, x1] = xs[1] > xs[0] ? xs : [xs[0] - 1, xs[0] + 1];
  const xToPx = (x: number) => l + ((x - x0) / (x1 - x0)) * w;
  const pxToX = (px: number) => x0 + ((px - l) / w) * (x1 - x0);
  const [ya, yb] = widen(yx[0], yx[1], log ? 'log' : 'linear');
  const yToPx = log ? (v: number) => t + (1 - Math.log10(v / ya) / Math.log10(yb / ya)) * h : (v: number) => t + (1 - (v - ya) / (yb - ya)) * h;
  // The linear axis from 0 (a learning rate schedule starts and ends near it).
  const y2s = extent(ys(right), finite);
  const y2hi = y2s ? Math.max(y2s[1], 0) * 1.05 || 1 : 1;
  const y2lo = y2s ? Math.min(y2s[0], 0) : 0;
  const y2ToPx = (v: number) => t + (1 - (v - y2lo) / (y2hi - y2lo)) * h;
  const dots: { name: string; cx: number; cy: number }[] = [];
  const path = (tr: Trace, toPx: (v: number) => number, ok: (v: number) => boolean) => {
    const good = (i: number) => i >= 0 && i < tr.x.length && Number.isFinite(tr.x[i]!) && ok(tr.y[i] ?? NaN); // null: a gap
    let d = '';
    for (let i = 0; i < tr.x.length; i++) {
      if (!good(i)) continue;
      const [px, py] = [xToPx(tr.x[i]!), toPx(tr.y[i]!)];
      d += `${good(i - 1) ? 'L' : 'M'}${px.toFixed(1)} ${py.toFixed(1)}`;
      if (!good(i - 1) && !good(i + 1)) dots.push({ name: tr.name, cx: px, cy: py });
    }
    return d;
  };
  const paths = traces.map((tr) => ({ name: tr.name, d: tr.yaxis === 'y2' ? path(tr, y2ToPx, finite) : path(tr, yToPx, leftOk) }));
  const yValues = log ? logTicks(ya, yb) : niceTicks(ya, yb, Math.max(MIN_TICKS, Math.floor(h / 50)));
  return {
    paths,
    xDomain: [x0, x1],
    dots: dots.filter((d) => inRange(pxToX(d.cx))),
    x: label(niceTicks(x0, x1, Math.max(MIN_TICKS, Math.floor(w / 90))), xToPx, formatTick, 50),
    y: label(yValues, yToPx, formatTick, 16),
    y2: y2s ? label(niceTicks(y2lo, y2hi, 4), y2ToPx, formatExp, 16) : [],
    xToPx,
    pxToX,
  };
}
