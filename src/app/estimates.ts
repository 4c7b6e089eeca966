// What a long job will cost before it starts: its time on this device, from the speed this device
// measured for the same preset (and engine) (./speeds.ts), or "unknown until the first steps"; and
// the storage it takes in this browser: a run keeps its latest checkpoint (weights and AdamW's two
// moments, float32, ./params from the preset) with its curve (one point a step), and its record.
import type { CaeConfig } from '../model/config';
import { caeParamSpecs } from '../model/params';
import { duration } from './defaultExperiment';
import type { EvalSpeed, RunSpeed } from './speeds';

/** Bytes a kept curve takes per step (six numbers and their names, as IndexedDB clones them). */
export const CURVE_BYTES_PER_STEP = 80;
/** A run's record beside its checkpoint: spec, status, the thinned curve for the sparkline. */
export const RECORD_BYTES = 40_000;
/** One evaluation's kept results (a row per encoder, a few readouts each). */
export const RESULT_BYTES_PER_ENCODER = 1_500;

export function parameterCounts(model: CaeConfig): { all: number; trainable: number } {
  let all = 0;
  let trainable = 0;
  for (const s of caeParamSpecs(model)) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    all += n;
    if (s.trainable) trainable += n;
  }
  return { all, trainable };
}

/** A run's checkpoint: float32 weights, and AdamW's first and second moments of the trainable ones. */
export function checkpointBytes(model: CaeConfig, withOptimizer = true): number {
  const c = parameterCounts(model);
  return 4 * c.all + (withOptimizer ? 8 * c.trainable : 0);
}

export function runStorageBytes(model: CaeConfig, steps: number): number {
  return checkpointBytes(model) + CURVE_BYTES_PER_STEP * Math.max(0, steps) + RECORD_BYTES;
}

/** "840 kB", "3.4 MB", "1.2 GB". */
export function bytesText(n: number): string {
  if (n < 1e6) return `${Math.max(1, Math.round(n / 1e3))} kB`;
  if (n < 1e9) return `${(n / 1e6).toPrecision(n < 1e7 ? 2 : 3)} MB`;
  return `${(n / 1e9).toPrecision(2)} GB`;
}

export interface Estimate {
  /** Seconds on this device, or null where nothing has been measured yet. */
  readonly seconds: number | null;
  readonly bytes: number;
  /** The estimate in words, as the page shows it. */
  readonly text: string;
}

export function pretrainEstimate(o: { presetId: string; model: CaeConfig; steps: number; batchSize: number; speed: RunSpeed | null }): Estimate {
  const bytes = runStorageBytes(o.model, o.steps);
  const images = o.steps * o.batchSize;
  const ok = Number.isFinite(images) && images > 0;
  const seconds = o.speed && ok ? images / o.speed.imgPerSec : null;
  const time =
    seconds !== null
      ? `about ${duration(seconds)} on this device (${o.speed!.imgPerSec.toPrecision(3)} img/s, measured by your last ${o.presetId} run here, ${o.speed!.engine} engine)`
      : `unknown until the first steps (no ${o.presetId} run has trained on this device yet)`;
  const storage = `about ${bytesText(bytes)} in this browser (checkpoint with optimizer state ${bytesText(checkpointBytes(o.model))}, curves and record)`;
  return { seconds, bytes, text: ok ? `Time: ${time}. Storage: ${storage}.` : `Storage: ${storage}. Time: set the steps and batch first.` };
}

export function evalEstimate(o: { presetId: string; images: number; encoders: number; speed: EvalSpeed | null }): Estimate {
  const bytes = RESULT_BYTES_PER_ENCODER * o.encoders;
  const ok = Number.isFinite(o.images) && o.images > 0;
  const seconds = o.speed && ok ? o.images * o.speed.secondsPerImage : null;
  const time =
    seconds !== null
      ? `about ${duration(seconds)} on this device (from your last evaluation of the same readouts on ${o.presetId} here)`
      : `unknown until the first evaluation of these readouts on ${o.presetId} has run here`;
  return { seconds, bytes, text: `Time: ${time}. Storage: about ${bytesText(bytes)} of results.` };
}

/** A sweep: every point's run and its two probes, one after another. */
export function sweepEstimate(points: readonly { readonly run: Estimate; readonly probe: Estimate }[]): Estimate {
  const bytes = points.reduce((a, p) => a + p.run.bytes + p.probe.bytes, 0);
  const known = points.every((p) => p.run.seconds !== null && p.probe.seconds !== null);
  const seconds = known ? points.reduce((a, p) => a + p.run.seconds! + p.probe.seconds!, 0) : null;
  const partial = points.reduce((a, p) => a + (p.run.seconds ?? 0), 0);
  const time =
    seconds !== null
      ? `about ${duration(seconds)} on this device`
      : partial > 0 && points.every((p) => p.run.seconds !== null)
        ? `pretraining about ${duration(partial)} on this device; the probes' time is unknown until an evaluation of LIN and ATT has run here`
        : 'unknown until the first steps (this preset has not trained on this device yet)';
  return { seconds, bytes, text: `${points.length} runs. Time: ${time}. Storage: about ${bytesText(bytes)} in this browser.` };
}
