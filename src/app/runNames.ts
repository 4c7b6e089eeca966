// Names people recognize: a run is called by its preset and what it changed from that preset's
// defaults ("micro · mask 0.75 · 4k steps"), a sweep's run by the values it sweeps, and a name the
// user typed wins over both. Pure: specs in, words out; the id stays in the tooltip and the details.
import type { KnobValue, SweepState } from './sweep/sweep';
import { PRESETS, type PresetId } from '../model/presets';
import type { RunSpec } from '../protocol/messages';
import { defaultTrainConfig } from '../train/defaults';
import { MODEL_FIELDS, TRAIN_FIELDS } from './components/fields';

/** Shorter words than the form's labels where a name has little room. */
const SHORT: Record<string, string> = {
  maskRatio: 'mask',
  baseLr: 'lr',
  dropPathRate: 'drop path',
  weightDecay: 'wd',
  maskKind: 'mask',
  alignment: 'alignment',
};

const FORM_ORDER: readonly string[] = [...MODEL_FIELDS, ...TRAIN_FIELDS].map((f) => f.key);
const LABELS: Record<string, string> = Object.fromEntries([...MODEL_FIELDS, ...TRAIN_FIELDS].map((f) => [f.key, f.label]));
/** Fields in the form's order (masking first), those the form does not show after them. */
const formRank = (key: string): number => (FORM_ORDER.includes(key) ? FORM_ORDER.indexOf(key) : FORM_ORDER.length);

/** A field's word in a name: the short one, the form's label, or the key itself for a field the form does not show. */
const word = (key: string): string => SHORT[key] ?? LABELS[key] ?? key;

/** 4000 → "4k", 1500 → "1.5k", 300 → "300". */
export function compactCount(n: number): string {
  if (Math.abs(n) < 1000) return String(n);
  const k = n / 1000;
  return `${Number.isInteger(k) ? k : Number(k.toPrecision(3))}k`;
}

/** 0.75 → "0.75", 0.0015 → "1.5e-3", true → "on": short, and exact enough to tell runs apart. */
export function compactValue(v: KnobValue | null | undefined): string {
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v !== 'number') return String(v);
  if (v !== 0 && Math.abs(v) < 0.01) {
    const [m, e] = v.toExponential(2).split('e');
    return `${Number(m)}e${Number(e)}`;
  }
  return String(Number(v.toPrecision(3)));
}

/** "mask 0.75", "alignment off", "masking random". */
export function fieldPhrase(key: string, v: KnobValue | null | undefined): string {
  if (key === 'totalSteps' && typeof v === 'number') return `${compactCount(v)} steps`;
  if (key === 'batchSize' && typeof v === 'number') return `batch ${v}`;
  return `${word(key)} ${compactValue(v)}`;
}

/** At most this many changed fields in a default name; the rest is counted ("+2 more"). */
const MAX_CHANGES = 3;

/** The fields of `spec` that differ from its preset's defaults, as phrases in the form's order. */
export function changesFromDefaults(spec: Pick<RunSpec, 'presetId' | 'model' | 'train'>): string[] {
  const preset = PRESETS[spec.presetId as PresetId];
  if (!preset) return [];
  const train = defaultTrainConfig(spec.presetId as PresetId, 0);
  // Warmup follows the steps by default (a thirtieth of them): only a warmup set by hand is a change.
  const followingWarmup = Math.max(1, Math.round((spec.train.totalSteps * 10) / 300));
  const changed: [string, KnobValue][] = [];
  for (const [k, v] of Object.entries(spec.model)) if (typeof v !== 'object' && v !== (preset as Record<string, unknown>)[k]) changed.push([k, v]);
  for (const [k, v] of Object.entries(spec.train)) {
    if (k === 'totalSteps' || typeof v === 'object' || v === (train as unknown as Record<string, unknown>)[k]) continue;
    if (k === 'warmupSteps' && v === followingWarmup) continue;
    changed.push([k, v]);
  }
  return changed.sort((a, b) => formRank(a[0]) - formRank(b[0])).map(([k, v]) => fieldPhrase(k, v));
}

/** "micro · mask 0.75 · 4k steps": the preset, what changed from its defaults, and the length. */
export function defaultRunName(spec: Pick<RunSpec, 'presetId' | 'model' | 'train'>): string {
  const changes = changesFromDefaults(spec);
  const shown = changes.length > MAX_CHANGES ? [...changes.slice(0, MAX_CHANGES - 1), `+${changes.length - MAX_CHANGES + 1} more`] : changes;
  return [spec.presetId, ...shown, fieldPhrase('totalSteps', spec.train.totalSteps)].join(' · ');
}

/** The sweep that made run `id` and the values of its point, or null for a run started by hand. */
export function sweepOf(id: string, sweeps: readonly SweepState[]): { sweep: SweepState; values: readonly KnobValue[] } | null {
  for (const sweep of sweeps) {
    const point = sweep.points.find((p) => p.runId === id);
    if (point) return { sweep, values: point.values };
  }
  return null;
}

/** "mask 0.25 · alignment off": a sweep point named by the values it sweeps. */
export function sweepPointName(sweep: SweepState, values: readonly KnobValue[]): string {
  return sweep.spec.knobs.map((k, i) => fieldPhrase(k.path.split('.')[1] ?? k.path, values[i])).join(' · ');
}

/** What a kept run is called: the user's name, else its sweep point's values, else its preset and changes. */
export function runTitle(r: { spec: RunSpec; name?: string }, sweeps: readonly SweepState[] = []): string {
  const typed = r.name?.trim();
  if (typed) return typed;
  const s = sweepOf(r.spec.id, sweeps);
  return s ? sweepPointName(s.sweep, s.values) : defaultRunName(r.spec);
}

/** A sweep's runs together (at the place of its newest run), or one run started by hand. */
export interface RunGroup<R> {
  readonly sweep: SweepState | null;
  readonly runs: readonly R[];
}

/** The runs list in its order, a sweep's runs gathered into one group under that sweep. */
export function runGroups<R extends { spec: { id: string } }>(runs: readonly R[], sweeps: readonly SweepState[]): RunGroup<R>[] {
  const groups: { sweep: SweepState | null; runs: R[] }[] = [];
  for (const r of runs) {
    const sweep = sweepOf(r.spec.id, sweeps)?.sweep ?? null;
    const group = sweep && groups.find((g) => g.sweep === sweep);
    if (group) group.runs.push(r);
    else groups.push({ sweep, runs: [r] });
  }
  return groups;
}
