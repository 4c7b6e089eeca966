// A sweep: one base pretraining recipe, one or two knobs with their values, the runs it makes (one
// per combination, one at a time in the worker), and both probes of each finished encoder on the same
// probe settings. Pure state and transitions, so the queue's behaviour (resume after a reload, cancel,
// one failed point not stopping the rest) is unit-tested without a worker; `sweepRunner.ts` drives it.
import { type CaeConfig, validateConfig } from '../../model/config';
import type { EvalId, ProbeSpec, RunSpec } from '../../protocol/messages';
import type { Accuracy } from '../../train/accuracy';
import { type TrainConfig, validateTrainConfig } from '../../train/config';
import { fieldLabel, inWords } from '../validation';
import { warmupFor } from '../warmup';

export type KnobValue = number | string | boolean;

/** A recipe field the sweep varies: `model.<field>` of CaeConfig or `train.<field>` of TrainConfig. */
export type KnobPath = `model.${keyof CaeConfig & string}` | `train.${keyof TrainConfig & string}`;

export interface Knob {
  readonly path: KnobPath;
  readonly values: readonly KnobValue[];
}

/** The probe settings every point is read with (the encoder and model come from the point's run). */
export type SweepProbe = Omit<ProbeSpec, 'id' | 'encoder' | 'presetId' | 'model' | 'createdAt'>;

export interface SweepSpec {
  readonly id: string;
  readonly name: string;
  /** The base run; its id and createdAt are replaced per point. */
  readonly base: Omit<RunSpec, 'id' | 'createdAt'>;
  /** One or two knobs; the points are every combination of their values, the first knob slowest. */
  readonly knobs: readonly Knob[];
  readonly probe: SweepProbe;
  readonly createdAt: number;
}

export type PointStatus = 'queued' | 'pretraining' | 'probing' | 'done' | 'failed' | 'cancelled';

export interface PointLosses {
  readonly total: number;
  readonly reconstruction: number;
  readonly alignment: number | null;
}

export interface SweepPoint {
  readonly values: readonly KnobValue[];
  readonly status: PointStatus;
  /** The pretraining run this point made (kept in the runs list, so the compare view can overlay it). */
  readonly runId: string | null;
  readonly probeId: string | null;
  readonly losses: PointLosses | null;
  readonly imagesSeen: number;
  /** Wall seconds of pretraining plus probing. */
  readonly seconds: number;
  readonly lin: Accuracy | null;
  readonly att: Accuracy | null;
  readonly message: string | null;
}

export interface SweepState {
  readonly spec: SweepSpec;
  readonly points: readonly SweepPoint[];
  readonly cancelled: boolean;
}

/** What the runner does next. `continue` resumes a run a reload interrupted, from its checkpoint. */
export type SweepAction =
  | { readonly kind: 'pretrain'; readonly index: number; readonly run: RunSpec }
  | { readonly kind: 'continue'; readonly index: number; readonly runId: string }
  | { readonly kind: 'probe'; readonly index: number; readonly runId: string }
  | { readonly kind: 'finished' };

export const SWEEP_EVALS: readonly EvalId[] = ['lin', 'att'];

const EMPTY_POINT: Omit<SweepPoint, 'values'> = {
  status: 'queued',
  runId: null,
  probeId: null,
  losses: null,
  imagesSeen: 0,
  seconds: 0,
  lin: null,
  att: null,
  message: null,
};

/** Every combination of the knobs' values, first knob slowest. */
export function combinations(knobs: readonly Knob[]): KnobValue[][] {
  return knobs.reduce<KnobValue[][]>((acc, k) => acc.flatMap((prefix) => k.values.map((v) => [...prefix, v])), [[]]);
}

export function newSweep(spec: SweepSpec): SweepState {
  if (spec.knobs.length < 1 || spec.knobs.length > 2) throw new Error(`a sweep varies one or two knobs, got ${spec.knobs.length}`);
  if (new Set(spec.knobs.map((k) => k.path)).size !== spec.knobs.length) throw new Error('a sweep cannot vary the same field twice');
  for (const k of spec.knobs) if (k.values.length < 1) throw new Error(`${k.path} has no values`);
  return { spec, points: combinations(spec.knobs).map((values) => ({ ...EMPTY_POINT, values })), cancelled: false };
}

/** The base recipe with one point's values applied, validated (a bad value fails that point, not the sweep). */
export function pointRecipe(spec: SweepSpec, values: readonly KnobValue[]): { model: CaeConfig; train: TrainConfig } {
  let model: Record<string, unknown> = { ...spec.base.model };
  let train: Record<string, unknown> = { ...spec.base.train };
  spec.knobs.forEach((k, i) => {
    const [part, field] = k.path.split('.') as ['model' | 'train', string];
    const target = part === 'model' ? model : train;
    if (!(field in target)) throw new Error(`${k.path} is not a field of the recipe`);
    const v = values[i]!;
    if (typeof v !== typeof target[field]) throw new Error(`${k.path} = ${String(v)}: expected a ${typeof target[field]}`);
    if (part === 'model') model = { ...model, [field]: v };
    else train = { ...train, [field]: v };
  });
  // Warmup follows swept steps as it follows them in the form: the base's share of its steps.
  const swept = (f: string) => spec.knobs.some((k) => k.path === `train.${f}`);
  const base = spec.base.train;
  if (swept('totalSteps') && !swept('warmupSteps') && Number.isInteger(train.totalSteps) && (train.totalSteps as number) >= 1)
    train = { ...train, warmupSteps: warmupFor(base.warmupSteps / base.totalSteps, train.totalSteps as number) };
  return { model: validateConfig(model as unknown as CaeConfig), train: validateTrainConfig(train as unknown as TrainConfig) };
}

/** A point's label in the fields' words, e.g. "alignment loss off · mask ratio 0.75". */
export const pointLabel = (spec: SweepSpec, p: Pick<SweepPoint, 'values'>): string =>
  spec.knobs.map((k, i) => `${fieldLabel(k.path)} ${knobValueText(p.values[i]!)}${tokenizerOf(spec, k.path, p.values[i])}`).join(' · ');

/** A swept value as the page shows it: on/off for a switch. */
export const knobValueText = (v: KnobValue): string => (typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v));

/** A token point names its tokenizer (issue 24): " (tok-…)". */
const tokenizerOf = (spec: SweepSpec, path: string, v: KnobValue | undefined): string =>
  path === 'model.target' && v === 'token' && spec.base.tokenizer ? ` (${spec.base.tokenizer.id})` : '';

function update(s: SweepState, index: number, patch: Partial<SweepPoint>): SweepState {
  return { ...s, points: s.points.map((p, i) => (i === index ? { ...p, ...patch } : p)) };
}

/**
 * The next thing to do. A point interrupted mid-pretraining (a reload) continues its run; one
 * interrupted mid-probe probes again; a point whose recipe is invalid fails and the next one runs.
 */
export function nextAction(s: SweepState, newRunId: () => string, now: number): { state: SweepState; action: SweepAction } {
  let state = s;
  if (state.cancelled) return { state, action: { kind: 'finished' } };
  for (let i = 0; i < state.points.length; i++) {
    const p = state.points[i]!;
    if (p.status === 'pretraining' && p.runId) return { state, action: { kind: 'continue', index: i, runId: p.runId } };
    if (p.status === 'probing' && p.runId) return { state, action: { kind: 'probe', index: i, runId: p.runId } };
    if (p.status !== 'queued' && p.status !== 'pretraining') continue;
    try {
      const { model, train } = pointRecipe(state.spec, p.values);
      // The base's tokenizer goes only to token-target points, so a pixel run names none (issue 24).
      const { tokenizer, ...base } = state.spec.base;
      if (model.target === 'token' && !tokenizer)
        throw new Error('token targets need a tokenizer: choose one in the pretraining form, then start the sweep again');
      const run: RunSpec = { ...base, ...(model.target === 'token' ? { tokenizer } : {}), model, train, id: newRunId(), createdAt: now };
      state = update(state, i, { status: 'pretraining', runId: run.id, message: null });
      return { state, action: { kind: 'pretrain', index: i, run } };
    } catch (e) {
      state = update(state, i, { status: 'failed', message: inWords(e) });
    }
  }
  return { state, action: { kind: 'finished' } };
}

/** The point's run ended. Only a finished run goes on to the probes; any other end fails the point. */
export function pretrainEnded(
  s: SweepState,
  index: number,
  end: { status: string; message: string | null; losses: PointLosses | null; imagesSeen: number; seconds: number },
): SweepState {
  const p = s.points[index]!;
  const base = { losses: end.losses, imagesSeen: end.imagesSeen, seconds: p.seconds + end.seconds };
  if (end.status === 'done') return update(s, index, { ...base, status: 'probing' });
  return update(s, index, { ...base, status: 'failed', message: end.message ?? `pretraining ended ${end.status}` });
}

export function probeStarted(s: SweepState, index: number, probeId: string): SweepState {
  return update(s, index, { probeId });
}

export function probeEnded(
  s: SweepState,
  index: number,
  end: { ok: true; lin: Accuracy | null; att: Accuracy | null; seconds: number } | { ok: false; message: string; seconds: number },
): SweepState {
  const seconds = s.points[index]!.seconds + end.seconds;
  if (!end.ok) return update(s, index, { status: 'failed', message: end.message, seconds });
  return update(s, index, { status: 'done', lin: end.lin, att: end.att, seconds });
}

/** A run a reload interrupted before its first checkpoint cannot continue: its point starts over with a new run. */
export function restartPoint(s: SweepState, index: number): SweepState {
  return update(s, index, { status: 'queued', runId: null, probeId: null, losses: null, imagesSeen: 0 });
}

/** Cancel: the point in flight and every queued one are marked cancelled; finished points keep their results. */
export function cancelSweep(s: SweepState): SweepState {
  const open: readonly PointStatus[] = ['queued', 'pretraining', 'probing'];
  return { ...s, cancelled: true, points: s.points.map((p) => (open.includes(p.status) ? { ...p, status: 'cancelled' as const } : p)) };
}

export const sweepFinished = (s: SweepState): boolean =>
  s.cancelled || s.points.every((p) => p.status === 'done' || p.status === 'failed' || p.status === 'cancelled');

/** The probe spec for a point's finished encoder: the sweep's probe settings, both probes. */
export function pointProbe(s: SweepState, index: number, id: string, now: number): ProbeSpec {
  const p = s.points[index]!;
  if (!p.runId) throw new Error(`point ${index} has no run to probe`);
  const { model } = pointRecipe(s.spec, p.values);
  return {
    ...s.spec.probe,
    id,
    encoder: { kind: 'run', runId: p.runId },
    presetId: s.spec.base.presetId,
    model,
    evaluation: { ...s.spec.probe.evaluation, evals: SWEEP_EVALS, baseline: false },
    createdAt: now,
  };
}
