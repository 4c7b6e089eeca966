// Comparing runs: their loss curves overlaid on one chart, and the config fields that differ between
// them (the ablation a comparison is about). Pure: runs in, plotly traces and table rows out.
import type { RunSpec, StepPoint } from '../protocol/messages';
import { markLonePoints, thin, type Dash, type Trace } from './charts';
import { ema } from './smoothing';
import { formatTick, plotlyTicks, type AxisScale } from './ticks';

export type CompareMetric = 'total' | 'reconstruction' | 'alignment';
export type CompareAxis = 'step' | 'images';

/** A run as the comparison sees it: its name, its batch (images per step) and its curve. */
export interface ComparedRun {
  readonly id: string;
  readonly name?: string;
  readonly batchSize: number;
  readonly curve: readonly StepPoint[];
}

/** Colours of the compared runs, in the order they were ticked; the sidebar shows the same swatch. */
export const RUN_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'] as const;

export const runColour = (i: number): string => RUN_COLOURS[i % RUN_COLOURS.length]!;

/** Dashes of the compared runs, by the same order: two runs are told apart without their colours. */
export const RUN_DASHES: readonly Dash[] = ['solid', 'dash', 'dot', 'dashdot', 'longdash', 'longdashdot'];

export const runDash = (i: number): Dash => RUN_DASHES[i % RUN_DASHES.length]!;

/** "name (id)" when the run was renamed, else its id: a trace is always traceable to its run. */
export function runLabel(id: string, name?: string): string {
  const n = name?.trim();
  return n && n !== id ? `${n} (${id})` : id;
}

/**
 * One trace per run: the chosen loss against steps or images seen (steps × that run's batch),
 * smoothed by TensorBoard's EMA at `smoothing` over every point before thinning; runs differ by
 * dash as well as colour, and a run of one point is drawn as a marker.
 */
export function compareTraces(runs: readonly ComparedRun[], metric: CompareMetric, axis: CompareAxis, smoothing = 0): Trace[] {
  return markLonePoints(
    runs.map((r, i): Trace => {
      // A run without the alignment loss has no such curve: NaN leaves a gap rather than a zero line.
      const y = ema(
        r.curve.map((p) => p[metric] ?? NaN),
        smoothing,
      );
      const keep = thin(r.curve.map((_, k) => k));
      return {
        x: keep.map((k) => (axis === 'images' ? r.curve[k]!.step * r.batchSize : r.curve[k]!.step)),
        y: keep.map((k) => y[k]!),
        name: runLabel(r.id, r.name),
        type: 'scatter',
        mode: 'lines',
        line: { width: 2, color: runColour(i), dash: runDash(i) },
      };
    }),
  );
}

/** The range [lo, hi] of the values `keep` accepts, of the points whose x is within `range`. */
function extentOf(traces: readonly Trace[], xy: 'x' | 'y', keep: (v: number) => boolean, range: readonly [number, number] | null): [number, number] | null {
  let [lo, hi] = [Infinity, -Infinity];
  for (const t of traces)
    t.x.forEach((x, i) => {
      if (range && (x < range[0] || x > range[1])) return;
      const v = xy === 'x' ? x : (t.y[i] ?? NaN);
      if (!keep(v)) return;
      [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    });
  return lo <= hi ? [lo, hi] : null;
}

/**
 * The chart's layout: the loss axis log or linear, both axes with their ticks set (./ticks.ts: at
 * least three labels at any range) and ranged to the x range shown (null: all of it).
 */
export function compareLayout(
  metric: CompareMetric,
  axis: CompareAxis,
  traces: readonly Trace[] = [],
  scale: AxisScale = 'log',
  xRange: readonly [number, number] | null = null,
) {
  const y = extentOf(traces, 'y', scale === 'log' ? (v) => Number.isFinite(v) && v > 0 : Number.isFinite, xRange);
  // An open end of the range (an empty field: ±Infinity) is the data's own end.
  const all = extentOf(traces, 'x', Number.isFinite, null);
  const x: [number, number] | null = all && xRange ? [Math.max(all[0], xRange[0]), Math.min(all[1], xRange[1])] : all;
  const yt = y && plotlyTicks(y[0], y[1], scale, 320);
  const xt = x && plotlyTicks(x[0], x[1], 'linear', 600, formatTick, 60);
  return {
    margin: { l: 60, r: 20, t: 10, b: 45 },
    height: 380,
    xaxis: { title: { text: axis === 'images' ? 'images seen' : 'step' }, ...(xt ? { tickvals: xt.tickvals, ticktext: xt.ticktext, range: xt.range } : {}) },
    yaxis: { title: { text: `${metric} loss` }, type: scale, ...(yt ? { tickvals: yt.tickvals, ticktext: yt.ticktext, range: yt.range } : {}) },
    legend: { orientation: 'h' as const, y: 1.12 },
  };
}

/** A config field that differs between runs: its path and each run's value as text. */
export interface DiffRow {
  readonly field: string;
  readonly values: readonly string[];
}

/** The spec's fields as path → value; the id and creation time say which run, not how it trained. */
function flatten(spec: RunSpec): Map<string, unknown> {
  const out = new Map<string, unknown>([
    ['preset', spec.presetId],
    ['dataset', spec.dataset],
    ['checkpointEvery', spec.checkpointEvery],
    // Which codes a token-target run predicted (issue 24): the target alone does not say.
    ['tokenizer', spec.tokenizer?.id],
  ]);
  for (const [k, v] of Object.entries(spec.model)) out.set(`model.${k}`, v);
  for (const [k, v] of Object.entries(spec.train)) out.set(`train.${k}`, v);
  return out;
}

const show = (v: unknown): string => (v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The fields whose values are not all the same across the specs, in a stable order. */
export function configDiff(specs: readonly RunSpec[]): DiffRow[] {
  if (specs.length < 2) return [];
  const flat = specs.map(flatten);
  const fields = [...new Set(flat.flatMap((m) => [...m.keys()]))];
  return fields.flatMap((field) => {
    const values = flat.map((m) => show(m.get(field)));
    return values.every((v) => v === values[0]) ? [] : [{ field, values }];
  });
}
