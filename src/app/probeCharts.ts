// Pure builders for the probing views: the live comparison chart and attention maps as colours
// over the image.
import type { FineTuneEpoch, ProbeEpoch } from '../protocol/messages';
import { markLonePoints, type Trace } from './charts';
import { niceTicks, plotlyTicks } from './ticks';

/**
 * Training loss (left axis) and test top-1 (right axis, shown only: no choice reads it) of both probes and of fine-tuning
 * against epoch, with a dashed line at chance.
 */
export function probeTraces(history: readonly ProbeEpoch[], ft: readonly FineTuneEpoch[] = [], chance?: number): Trace[] {
  const x = history.map((p) => p.epoch);
  const fx = ft.map((p) => p.epoch);
  const line = (color: string, dash?: string) => ({ width: 2, color, ...(dash ? { dash } : {}) });
  const last = Math.max(1, x.at(-1) ?? 0, fx.at(-1) ?? 0);
  // Chance spans the whole epoch axis (probeLayout's: from 0 to at least 2), also after one epoch.
  const [c0, c1] = [0, Math.max(2, last) + 0.5];
  const extra: Trace[] = [
    ...(ft.length
      ? [
          { x: fx, y: ft.map((p) => p.loss), name: 'FT loss', type: 'scatter', mode: 'lines', line: line('#2ca02c', 'dot') },
          { x: fx, y: ft.map((p) => p.acc * 100), name: 'FT top-1 %', type: 'scatter', mode: 'lines', yaxis: 'y2', line: line('#2ca02c') },
        ]
      : []),
    ...(chance !== undefined
      ? [{ x: [c0, c1], y: [chance * 100, chance * 100], name: 'chance', type: 'scatter', mode: 'lines', yaxis: 'y2', line: line('#888', 'dash') }]
      : []),
  ] as Trace[];
  // A probe trained by SGD draws its curves; LIN fitted by logistic regression has none (its fit is in the table).
  const probe = (key: 'linear' | 'attentive', label: string, color: string): Trace[] => {
    const loss = history.map((p) => p[`${key}Loss`]);
    if (loss.every((v) => v === null)) return [];
    const mode = 'lines';
    return [
      { x, y: loss, name: `${label} loss`, type: 'scatter', mode, line: line(color, 'dot') },
      {
        x,
        y: history.map((p) => {
          const a = p[`${key}Acc`];
          return a === null ? null : a * 100;
        }),
        name: `${label} top-1 %`,
        type: 'scatter',
        mode,
        yaxis: 'y2',
        line: line(color),
      },
    ] as Trace[];
  };
  // A curve of one epoch is a marker: a line needs two points.
  return markLonePoints([...probe('linear', 'LIN', '#1f77b4'), ...probe('attentive', 'ATT', '#d62728'), ...extra]);
}

/**
 * The chart's layout; with `traces`, the loss axis and the epochs get their ticks from ./ticks.ts
 * (at least three labels, also for one epoch); the epoch axis starts at 0.
 */
export function probeLayout(traces: readonly Trace[] = []) {
  const losses = traces.filter((t) => t.yaxis !== 'y2').flatMap((t) => t.y.filter((v): v is number => v !== null && Number.isFinite(v)));
  const last = Math.max(1, ...traces.filter((t) => t.name !== 'chance').flatMap((t) => t.x));
  const yt = losses.length ? plotlyTicks(Math.min(...losses), Math.max(...losses), 'linear', 220) : null;
  // Whole epochs from 0, at least to 2: three labels even for a 1-epoch probe.
  const end = Math.max(2, last);
  const epochs = niceTicks(0, end, 6).filter(Number.isInteger);
  return {
    margin: { l: 50, r: 60, t: 10, b: 40 },
    height: 280,
    xaxis: { title: { text: 'epoch' }, range: [0, end + 0.5], tickvals: epochs, ticktext: epochs.map((e) => String(e)) },
    yaxis: { title: { text: 'training loss' }, ...(yt ? { tickvals: yt.tickvals, ticktext: yt.ticktext, range: yt.range } : {}) },
    yaxis2: {
      title: { text: 'test top-1 %' },
      overlaying: 'y' as const,
      side: 'right' as const,
      range: [0, 100],
      showgrid: false,
      tickvals: [0, 20, 40, 60, 80, 100],
    },
    legend: { orientation: 'h' as const, y: 1.12 },
  };
}

/** A [heads, N] block of attention for one image, reduced to one map: the head's, or their mean. */
export function selectMap(maps: Float32Array, offset: number, heads: number, n: number, head: number | 'mean'): Float32Array {
  const out = new Float32Array(n);
  if (head === 'mean') {
    for (let h = 0; h < heads; h++) for (let i = 0; i < n; i++) out[i]! += maps[offset + h * n + i]! / heads;
  } else out.set(maps.subarray(offset + head * n, offset + (head + 1) * n));
  return out;
}

export type ColourScale = 'inferno' | 'grey';

/** A colour for t in [0, 1]: a short inferno-like ramp, or grey. */
export function colour(t: number, scale: ColourScale): [number, number, number] {
  const u = Math.min(1, Math.max(0, t));
  if (scale === 'grey') return [u * 255, u * 255, u * 255];
  const stops = [
    [0, 0, 4],
    [87, 16, 110],
    [188, 55, 84],
    [249, 142, 9],
    [252, 255, 164],
  ];
  const f = u * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(f));
  const w = f - i;
  return [0, 1, 2].map((c) => stops[i]![c]! * (1 - w) + stops[i + 1]![c]! * w) as [number, number, number];
}

/** The image with a g×g attention map blended over it, min–max scaled, as RGBA. */
export function overlay(image: Uint8ClampedArray, size: number, map: Float32Array, g: number, opacity: number, scale: ColourScale): Uint8ClampedArray {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of map) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const out = new Uint8ClampedArray(image.length);
  const p = size / g;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const v = map[Math.floor(y / p) * g + Math.floor(x / p)]!;
      const c = colour(hi > lo ? (v - lo) / (hi - lo) : 0, scale);
      const o = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) out[o + k] = image[o + k]! * (1 - opacity) + c[k]! * opacity;
      out[o + 3] = 255;
    }
  return out;
}
