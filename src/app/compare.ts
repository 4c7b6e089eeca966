// Comparing runs: their loss curves overlaid on one chart, and the config fields that differ between
// them (the ablation a comparison is about). Pure: runs in, plotly traces and table rows out.
import type { RunSpec, StepPoint } from '../protocol/messages';
import { thin, type Trace } from './charts';

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

/** "name (id)" when the run was renamed, else its id: a trace is always traceable to its run. */
export function runLabel(id: string, name?: string): string {
  const n = name?.trim();
  return n && n !== id ? `${n} (${id})` : id;
}

/** One trace per run: the chosen loss against steps or images seen (steps × that run's batch). */
export function compareTraces(runs: readonly ComparedRun[], metric: CompareMetric, axis: CompareAxis): Trace[] {
  return runs.map((r, i) => {
    const h = thin(r.curve);
    return {
      x: h.map((p) => (axis === 'images' ? p.step * r.batchSize : p.step)),
      // A run without the alignment loss has no such curve: NaN leaves a gap rather than a zero line.
      y: h.map((p) => p[metric] ?? NaN),
      name: runLabel(r.id, r.name),
      type: 'scatter',
      mode: 'lines',
      line: { width: 2, color: runColour(i) },
    };
  });
}

export function compareLayout(metric: CompareMetric, axis: CompareAxis) {
  return {
    margin: { l: 60, r: 20, t: 10, b: 45 },
    height: 380,
    xaxis: { title: { text: axis === 'images' ? 'images seen' : 'step' } },
    yaxis: { title: { text: `${metric} loss` }, type: 'log' as const },
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
