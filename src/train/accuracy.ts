// What an accuracy is worth: its standard error on the test images and over seeds, the paired
// difference from a baseline measured on the same seeds and images, and chance, so every result the
// notebook shows carries its uncertainty.
//
// Two sources of error: the finite test split (binomial, √(p(1−p)/n) per seed) and everything a seed
// changes (images drawn, probe init and order, the baseline's init). With several seeds the spread
// between seeds is measured, and the standard error reported is the larger of the two estimates, so a
// result whose seeds disagree more than the test split explains is not made to look precise.

import type { TrainingFit } from './convergence';

/** Standard error of a top-1 accuracy p measured on n images: √(p(1−p)/n). */
export const standardError = (p: number, n: number): number => (n > 0 ? Math.sqrt((p * (1 - p)) / n) : NaN);

export interface Accuracy {
  /** Mean top-1 over seeds, in [0, 1]. */
  readonly top1: number;
  /** Standard error of the mean: max(binomial √(p(1−p)/(n·seeds)), sd/√seeds). */
  readonly se: number;
  /** Sample standard deviation over seeds (0 for one seed). */
  readonly sd: number;
  readonly seeds: number;
  /** Test images per seed. */
  readonly valImages: number;
  /** Top-1 of each seed, in seed order (absent on results kept before it was recorded). */
  readonly perSeed?: readonly number[];
  /** How a trained readout's training ended, over its seeds: the longest run, the mean final loss, the steepest last slope, converged only if every seed did. */
  readonly fit?: TrainingFit;
}

/** The seeds' fits as one: what a reader needs to see whether every seed had converged. */
export function combineFits(fits: readonly TrainingFit[]): TrainingFit | undefined {
  if (fits.length === 0) return undefined;
  const l2 = fits.map((f) => f.l2).filter((v): v is number => v !== undefined);
  return {
    epochs: Math.max(...fits.map((f) => f.epochs)),
    finalLoss: fits.reduce((a, f) => a + f.finalLoss, 0) / fits.length,
    // A slope sent through JSON as null (NaN does not survive it) counts as none.
    slope: fits.reduce((a, f) => (!Number.isFinite(f.slope) ? a : Number.isNaN(a) ? f.slope : Math.min(a, f.slope)), NaN),
    converged: fits.every((f) => f.converged),
    ...(l2.length ? { l2: Math.exp(l2.reduce((a, v) => a + Math.log(v), 0) / l2.length) } : {}),
    ...(fits[0]!.unit ? { unit: fits[0]!.unit } : {}),
  };
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sampleSd = (v: readonly number[], m: number) => (v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0);

/** Mean, sd and standard error over seeds of per-seed accuracies measured on `valImages` images each. */
export function summarize(perSeed: readonly number[], valImages: number, fits: readonly TrainingFit[] = []): Accuracy {
  const s = perSeed.length;
  if (s === 0) throw new Error('no accuracy to summarize');
  const top1 = mean(perSeed);
  const sd = sampleSd(perSeed, top1);
  const se = Math.max(standardError(top1, valImages * s), sd / Math.sqrt(s));
  const fit = combineFits(fits);
  return { top1, se, sd, seeds: s, valImages, perSeed: [...perSeed], ...(fit ? { fit } : {}) };
}

/** A difference a − b measured seed by seed on the same images: mean, its standard error, and Δ in SE. */
export interface Paired {
  readonly delta: number;
  readonly se: number;
  /** Sample sd of the per-seed differences (0 for one seed). */
  readonly sd: number;
  readonly seeds: number;
  /** delta / se: how many standard errors separate a from b. */
  readonly z: number;
}

/**
 * The paired difference of two per-seed accuracy lists (same seeds, same test images, in the same
 * order). Its standard error is the larger of the binomial one (the two accuracies' binomial errors
 * combined, as if independent: an upper bound when both are read on the same images) and the spread
 * of the per-seed differences, sd/√seeds.
 */
export function paired(a: readonly number[], b: readonly number[], valImages: number): Paired {
  if (a.length !== b.length || a.length === 0) throw new Error(`paired difference: ${a.length} and ${b.length} seeds`);
  const s = a.length;
  const d = a.map((v, i) => v - b[i]!);
  const delta = mean(d);
  const sd = sampleSd(d, delta);
  const n = valImages * s;
  const binomial = Math.sqrt(standardError(mean(a), n) ** 2 + standardError(mean(b), n) ** 2);
  const se = Math.max(binomial, sd / Math.sqrt(s));
  return { delta, se, sd, seeds: s, z: se > 0 ? delta / se : delta === 0 ? 0 : Math.sign(delta) * Infinity };
}

/**
 * How many standard errors separate a from b: paired seed by seed when both carry the same number of
 * per-seed values (the same seeds), else from the two standard errors combined.
 */
export function separation(a: Accuracy, b: Accuracy): number {
  if (a.perSeed && b.perSeed && a.perSeed.length === b.perSeed.length && a.valImages === b.valImages) return paired(a.perSeed, b.perSeed, a.valImages).z;
  return (a.top1 - b.top1) / Math.sqrt(a.se ** 2 + b.se ** 2);
}
