// What a long job's progress bar says, in one place for every job (pretraining, evaluations,
// feature maps, imports, sweeps): pure, from the store's state; ./components/ProgressBar.tsx draws
// it. The page's header, the runs sidebar and the Pretrain view all read a run's step and status
// through `liveRun`, so they cannot disagree.
import { isActive, type RunPhase, type RunStatus } from '../protocol/messages';
import { formatDuration } from './charts';

export interface Progress {
  /** Done so far, of `max`; `max` 0: nothing to measure yet (the bar shows no value). */
  readonly value: number;
  readonly max: number;
  /** The bar's accessible name: which job. */
  readonly name: string;
  /** What the job does now, in words ("compiling shaders / tracing the step", "seed 1 of 2 · …"). */
  readonly phase: string;
  /** Time left in words; null where the job is not moving (paused, stopped, ended). */
  readonly timeLeft: string | null;
}

/** A run as the page shows it: the fields every place reads. */
export interface RunLike {
  readonly status: RunStatus;
  readonly phase: RunPhase;
  readonly step: number;
  readonly totalSteps: number;
  readonly imgPerSec: number;
  readonly spec: { readonly train: { readonly batchSize: number } };
}

/** The words for a run's phase; a run that is not running says its status. */
export function runPhaseText(status: RunStatus, phase: RunPhase): string {
  if (status === 'starting') return 'starting: building the model and its data';
  if (status !== 'running') return status;
  if (phase === 'preparing') return 'preparing: the model, its data and the first checkpoint';
  if (phase === 'compiling') return 'compiling shaders / tracing the step';
  return 'training';
}

/**
 * Seconds left at the measured speed; null while the run does not move (paused, stopped, ended) or
 * before it has a steady speed (shaders still compiling): a stale or made-up time is worse than none.
 */
export function runSecondsLeft(run: RunLike): number | null {
  if (run.status !== 'running' || run.phase !== 'training' || !(run.imgPerSec > 0)) return null;
  return (Math.max(0, run.totalSteps - run.step) * run.spec.train.batchSize) / run.imgPerSec;
}

export function runProgress(run: RunLike): Progress {
  const left = runSecondsLeft(run);
  return {
    value: Math.min(run.step, run.totalSteps),
    max: run.totalSteps,
    name: 'pretraining progress',
    phase: runPhaseText(run.status, run.phase),
    timeLeft: left !== null ? formatDuration(left) : run.status === 'running' || run.status === 'starting' ? 'unknown until the first steps have run' : null,
  };
}

/**
 * Time left of a job from how long it has run and the share it has done (a straight line): null
 * below 2 % done, where the first, slowest part (compiling, encoding) says little about the rest, and
 * in its first second.
 */
export function secondsLeftFromShare(share: number, elapsedMs: number): number | null {
  if (!(share >= 0.02) || share >= 1 || !(elapsedMs >= 1000)) return null; // the clock ticks each second: less is no measure
  return ((elapsedMs / 1000) * (1 - share)) / share;
}

/** aria-valuetext: the numbers in words, so a screen reader says more than a percentage. */
export function valueText(p: Progress): string {
  const share = p.max > 0 ? ` (${Math.floor((100 * p.value) / p.max)} %)` : '';
  const of = p.max > 0 ? `${p.value} of ${p.max}${share} · ` : '';
  return `${of}${p.phase}${p.timeLeft ? ` · time left ${p.timeLeft}` : ''}`;
}

/**
 * The step and status every place shows for a kept run: the store's live run where it is the run
 * this page trains (the kept record is written only at checkpoints, so it lags), else the record's.
 */
export function liveRun<R extends { readonly spec: { readonly id: string }; readonly step: number }>(
  record: R,
  run: { readonly spec: { readonly id: string }; readonly step: number; readonly status: RunStatus } | null,
): { step: number; status: RunStatus | null } {
  if (run && run.spec.id === record.spec.id && isActive(run.status)) return { step: run.step, status: run.status };
  return { step: record.step, status: null };
}

/** What the engine names mean, for their tooltip (the README says the same). */
export const ENGINE_HELP = {
  replay:
    'engine replay: the training step was traced once through TF.js and compiled into a fixed list of GPU commands over buffers kept between steps; each step replays that list (the same numbers as TF.js, without its per-op overhead)',
  tfjs: 'engine TF.js: every operation of the step goes through TF.js, one GPU command at a time (slower; used while the step is traced, and where the replay cannot run)',
} as const;

/** The share of an evaluation done: parts (an encoder on a seed) finished, plus the running part's readout's share. */
export function evalShare(part: { readonly index: number; readonly count: number }, stage: { readonly done: number; readonly total: number } | null): number {
  const inPart = stage && stage.total > 0 ? Math.min(1, Math.max(0, stage.done / stage.total)) : 0;
  return Math.min(1, (part.index + inPart) / Math.max(1, part.count));
}

/** An evaluation's bar: its share in thousandths, what runs (seed, encoder, readout, epoch of how many), time left. */
export function evalProgress(
  probe: { readonly status: RunStatus; readonly progress: string | null; readonly share: number; readonly startedAt: number },
  now: number,
): Progress {
  const active = isActive(probe.status);
  const left = active ? secondsLeftFromShare(probe.share, now - probe.startedAt) : null;
  return {
    value: Math.round(probe.share * 1000),
    max: 1000,
    name: 'evaluation progress',
    phase: active ? (probe.progress ?? (probe.status === 'starting' ? 'starting: building the encoders and the images' : 'preparing')) : probe.status,
    timeLeft: left !== null ? `about ${formatDuration(left)}` : active ? 'unknown until a first part has run' : null,
  };
}

/** An import's bar: files (or images) done of how many, and the time left once 2 % are. */
export function importProgress(
  imp: { readonly name: string; readonly done: number; readonly total: number; readonly skipped: number; readonly startedAt: number },
  now: number,
): Progress {
  const share = imp.total > 0 ? imp.done / imp.total : 0;
  const left = secondsLeftFromShare(share, now - imp.startedAt);
  return {
    value: imp.done,
    max: imp.total,
    name: `import progress: ${imp.name}`,
    phase: imp.total > 0 ? `decoding and storing: ${imp.done} of ${imp.total}${imp.skipped ? `, ${imp.skipped} skipped` : ''}` : 'reading the file list',
    timeLeft: left !== null ? `about ${formatDuration(left)}` : 'unknown until the first images are stored',
  };
}

/** A feature map's bar: the share of it done (patch features, then the map's epochs) and the time left. */
export function mapProgress(map: { readonly progress: string | null; readonly share: number; readonly startedAt: number }, side: 0 | 1, now: number): Progress {
  const left = secondsLeftFromShare(map.share, now - map.startedAt);
  return {
    value: Math.round(map.share * 1000),
    max: 1000,
    name: `feature map progress, ${side === 0 ? 'first' : 'second'} model`,
    phase: map.progress ?? 'starting',
    timeLeft: left !== null ? `about ${formatDuration(left)}` : 'unknown until the first images are encoded',
  };
}

/** A tokenizer run's bar: steps done of its steps, its phase, and the time left at its measured img/s. */
export function tokenizerProgress(t: {
  readonly status: RunStatus;
  readonly step: number;
  readonly imgPerSec: number;
  readonly spec: { readonly totalSteps: number; readonly batchSize: number };
}): Progress {
  const moving = t.status === 'running' && t.imgPerSec > 0;
  const phase =
    t.status === 'starting'
      ? 'starting: building the tokenizer and its data'
      : t.status !== 'running'
        ? t.status
        : moving
          ? 'training'
          : 'compiling shaders / tracing the first steps';
  return {
    value: Math.min(t.step, t.spec.totalSteps),
    max: t.spec.totalSteps,
    name: 'tokenizer progress',
    phase,
    timeLeft: moving
      ? formatDuration((Math.max(0, t.spec.totalSteps - t.step) * t.spec.batchSize) / t.imgPerSec)
      : isActive(t.status)
        ? 'unknown until the first steps have run'
        : null,
  };
}
