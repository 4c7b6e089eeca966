// Cost before Start for the two jobs ./estimates.ts does not cover: a tokenizer run (issue 24) and a
// feature map (paper Fig. 7). Pure: the speeds this device measured (kept by ./jobSpeeds.ts), when a
// speed is worth keeping, and the estimate in words.
import { dvaeParamSpecs } from '../model/dvaeParams';
import type { TokenizerModel } from '../protocol/messages';
import { duration } from './defaultExperiment';
import { bytesText, RECORD_BYTES, type Estimate } from './estimates';

/** A tokenizer's measured training speed, per shape and backend (the last run's). */
export interface TokenizerSpeed {
  readonly shape: string;
  readonly backend: string;
  readonly imgPerSec: number;
  readonly at: number;
}

/** The last feature map's speed on a backend: its wall time over the images it mapped. */
export interface MapSpeed {
  readonly backend: string;
  readonly secondsPerImage: number;
  /** Images mapped by that job (all its sides together): the text says what it was scaled from. */
  readonly images: number;
  readonly at: number;
}

/** What sets a tokenizer's speed: its input size, grid, codebook, width and depth. */
export const tokenizerShape = (m: TokenizerModel): string => `${m.imgSize}px/${m.downsample}/K${m.vocabSize}/w${m.hiddenDim}/b${m.blocksPerGroup}`;

const shapeWords = (m: TokenizerModel): string => `${m.imgSize} px, ${m.downsample}-px cells, K=${m.vocabSize}, width ${m.hiddenDim}`;

/**
 * Steps a tokenizer run trains before its img/s is kept: the worker's rate leaves out the first step
 * (shaders compile, the step is traced), so a few more make it steady; a shorter run counts at its end.
 */
export const TOKENIZER_MIN_STEPS = 5;

/** The speed a tokenizer run has measured, or null while it has none worth keeping. */
export function tokenizerSpeedOf(
  run: { readonly spec: { readonly model: TokenizerModel; readonly totalSteps: number }; readonly step: number; readonly imgPerSec: number },
  backend: string | null | undefined,
  now: number,
): TokenizerSpeed | null {
  if (!backend || !(run.imgPerSec > 0) || run.step < Math.min(TOKENIZER_MIN_STEPS, run.spec.totalSteps)) return null;
  return { shape: tokenizerShape(run.spec.model), backend, imgPerSec: run.imgPerSec, at: now };
}

const newest = <T extends { readonly at: number }>(xs: readonly T[]): T | null => xs.reduce<T | null>((a, x) => (a === null || x.at > a.at ? x : a), null);

export const tokenizerSpeedFor = (speeds: readonly TokenizerSpeed[], m: TokenizerModel, backend: string | null): TokenizerSpeed | null =>
  newest(speeds.filter((s) => s.shape === tokenizerShape(m) && (backend === null || s.backend === backend) && s.imgPerSec > 0));

export const mapSpeedFor = (speeds: readonly MapSpeed[], backend: string | null): MapSpeed | null =>
  newest(speeds.filter((s) => (backend === null || s.backend === backend) && s.secondsPerImage > 0));

/** Float32 weights and Adam's two moments: a tokenizer's every parameter trains, and its checkpoint keeps all three. */
export function tokenizerCheckpointBytes(m: TokenizerModel): number {
  const n = dvaeParamSpecs(m).reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
  return 12 * n;
}

/** The kept record's curve: at most this many points (../tokenizerClient.ts thins to it), eight numbers each. */
export const TOKENIZER_CURVE_BYTES = 300 * 120;

/** A tokenizer run from its checked spec; `why` is the recipe's problem in words where it has one. */
export function tokenizerEstimate(o: {
  spec: { model: TokenizerModel; totalSteps: number; batchSize: number } | null;
  why?: string;
  speed: TokenizerSpeed | null;
}): Estimate {
  if (!o.spec) return { seconds: null, bytes: 0, text: `Time and storage: fix the recipe first (${o.why ?? 'it is incomplete'}).` };
  const { model, totalSteps, batchSize } = o.spec;
  const checkpoint = tokenizerCheckpointBytes(model);
  const bytes = checkpoint + TOKENIZER_CURVE_BYTES + RECORD_BYTES;
  const seconds = o.speed ? (totalSteps * batchSize) / o.speed.imgPerSec : null;
  const time =
    seconds !== null
      ? `about ${duration(seconds)} on this device (${o.speed!.imgPerSec.toPrecision(3)} img/s, measured by your last tokenizer of this shape here)`
      : `unknown until the first steps (no tokenizer of this shape, ${shapeWords(model)}, has trained on this device yet)`;
  const storage = `about ${bytesText(bytes)} in this browser (checkpoint with optimizer state ${bytesText(checkpoint)}, curve and record)`;
  return { seconds, bytes, text: `Time: ${time}. Storage: ${storage}.` };
}

/** A feature map of `images` images on each of `sides` models; it keeps nothing (the map lives in the page). */
export function mapEstimate(o: { images: number; sides: number; speed: MapSpeed | null }): Estimate {
  const images = o.images * o.sides;
  const ok = Number.isFinite(images) && images > 0;
  const seconds = o.speed && ok ? images * o.speed.secondsPerImage : null;
  const time =
    seconds !== null
      ? `about ${duration(seconds)} on this device (scaled from your last feature map here: ${o.speed!.images} images in ${duration(o.speed!.images * o.speed!.secondsPerImage)})`
      : 'unknown until a first feature map has run on this device';
  return { seconds, bytes: 0, text: `Time: ${time}. Storage: none; the map stays in this page until it is reloaded.` };
}

type MapSide = { readonly busy: boolean; readonly startedAt: number; readonly view: { readonly images: number } | null; readonly failure: string | null };

/** A feature-map job being timed: from its first side's start until no side is busy. */
export interface MapJob {
  readonly startedAt: number;
  /** Images of the sides that have finished with a map (a stopped or failed side adds none). */
  readonly images: number;
}

/**
 * Follows the maps from one state to the next: a job starts when a side becomes busy and ends when
 * none is; its seconds per image (wall time over the images of all its sides, as they share the
 * worker) come out at its end, or null where no side finished with a map.
 */
export function mapJobAfter(
  job: MapJob | null,
  prev: readonly MapSide[],
  maps: readonly MapSide[],
  now: number,
): { job: MapJob | null; done: { secondsPerImage: number; images: number } | null } {
  let j = job;
  const busy = maps.filter((m) => m.busy);
  if (busy.length && j === null) j = { startedAt: Math.min(...busy.map((m) => m.startedAt)), images: 0 };
  if (j === null) return { job: null, done: null };
  let images = j.images;
  maps.forEach((m, i) => {
    const p = prev[i];
    if (p?.busy && !m.busy && m.view && m.view !== p.view && !m.failure) images += m.view.images;
  });
  j = { ...j, images };
  if (busy.length) return { job: j, done: null };
  const seconds = (now - j.startedAt) / 1000;
  return { job: null, done: j.images > 0 && seconds > 0 ? { secondsPerImage: seconds / j.images, images: j.images } : null };
}
