// This device's measured speeds, kept in localStorage so an estimate survives a reload: pretraining
// img/s per preset, engine and backend (the last run's), and an evaluation's seconds per image read
// per preset, backend and set of readouts (the last evaluation's). Estimates (./estimates.ts) read them.
import { isActive } from '../protocol/messages';
import { useStore } from './store';

export interface RunSpeed {
  readonly presetId: string;
  readonly engine: string;
  readonly backend: string;
  readonly imgPerSec: number;
  readonly batchSize: number;
  readonly at: number;
}

export interface EvalSpeed {
  readonly presetId: string;
  readonly backend: string;
  /** The readouts it ran, sorted and joined ("att,knn,lin"). */
  readonly evals: string;
  /** Wall seconds per image per seed per encoder (train and read images together). */
  readonly secondsPerImage: number;
  readonly at: number;
}

interface Speeds {
  readonly runs: readonly RunSpeed[];
  readonly evals: readonly EvalSpeed[];
}

const KEY = 'cae-speeds/1';

export function readSpeeds(): Speeds {
  try {
    const s = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? 'null') as Speeds | null;
    return { runs: Array.isArray(s?.runs) ? s.runs : [], evals: Array.isArray(s?.evals) ? s.evals : [] };
  } catch {
    return { runs: [], evals: [] }; // unreadable: estimates say "unknown" until measured again
  }
}

function write(s: Speeds): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(s));
  } catch {
    // storage full or refused: the estimate stays unknown, nothing else depends on it
  }
}

export function recordRunSpeed(r: RunSpeed): void {
  const s = readSpeeds();
  const same = (x: RunSpeed) => x.presetId === r.presetId && x.engine === r.engine && x.backend === r.backend;
  write({ ...s, runs: [...s.runs.filter((x) => !same(x)), r] });
}

export function recordEvalSpeed(e: EvalSpeed): void {
  const s = readSpeeds();
  const same = (x: EvalSpeed) => x.presetId === e.presetId && x.backend === e.backend && x.evals === e.evals;
  write({ ...s, evals: [...s.evals.filter((x) => !same(x)), e] });
}

/** The newest speed of a preset on this backend (its engine is the one the next run most likely gets). */
export function runSpeedFor(runs: readonly RunSpeed[], presetId: string, backend: string | null): RunSpeed | null {
  const fit = runs.filter((r) => r.presetId === presetId && (backend === null || r.backend === backend) && r.imgPerSec > 0);
  return fit.reduce<RunSpeed | null>((a, r) => (a === null || r.at > a.at ? r : a), null);
}

export const evalKey = (evals: readonly string[]): string => [...evals].sort().join(',');

export function evalSpeedFor(evals: readonly EvalSpeed[], presetId: string, backend: string | null, readouts: readonly string[]): EvalSpeed | null {
  const key = evalKey(readouts);
  const fit = evals.filter((e) => e.presetId === presetId && (backend === null || e.backend === backend) && e.evals === key && e.secondsPerImage > 0);
  return fit.reduce<EvalSpeed | null>((a, e) => (a === null || e.at > a.at ? e : a), null);
}

/** Images an evaluation reads per seed and encoder, times its seeds and encoders. */
export const evalImages = (p: { trainImages: number; valImages: number; seeds: number; baseline: boolean; random: boolean }): number =>
  (p.trainImages + p.valImages) * p.seeds * (p.baseline && !p.random ? 2 : 1);

// The run's speed is taken once it has trained a few steps (the first ones compile shaders and trace
// the step), at most every few seconds; an evaluation's when it finishes.
const MIN_STEP = 10;
let lastRunWrite = 0;
let probeStart: { id: string; at: number } | null = null;

useStore.subscribe((s, prev) => {
  const run = s.run;
  const backend = s.backend?.kind;
  if (run && backend && run.engine && run.imgPerSec > 0 && run.step >= MIN_STEP && run !== prev.run && Date.now() - lastRunWrite > 3000) {
    lastRunWrite = Date.now();
    recordRunSpeed({
      presetId: run.spec.presetId,
      engine: run.engine.name,
      backend,
      imgPerSec: run.imgPerSec,
      batchSize: run.spec.train.batchSize,
      at: Date.now(),
    });
  }
  const p = s.probe;
  if (!p || p === prev.probe) return;
  if (isActive(p.status) && probeStart?.id !== p.spec.id) probeStart = { id: p.spec.id, at: Date.now() };
  if (p.status === 'done' && probeStart?.id === p.spec.id && backend) {
    const e = p.spec.evaluation;
    const images = evalImages({
      trainImages: p.spec.trainImages,
      valImages: p.spec.valImages,
      seeds: e.seeds,
      baseline: e.baseline,
      random: p.spec.encoder.kind === 'random',
    });
    recordEvalSpeed({
      presetId: p.spec.presetId,
      backend,
      evals: evalKey(e.evals),
      secondsPerImage: (Date.now() - probeStart.at) / 1000 / images,
      at: Date.now(),
    });
    probeStart = null;
  }
});
