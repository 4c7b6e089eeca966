// What an accuracy is worth: its binomial standard error on the validation split, the mean and
// spread over seeds, and chance, so every result the notebook shows carries its uncertainty.

/** Standard error of a top-1 accuracy p measured on n images: √(p(1−p)/n). */
export const standardError = (p: number, n: number): number => (n > 0 ? Math.sqrt((p * (1 - p)) / n) : NaN);

export interface Accuracy {
  /** Mean top-1 over seeds, in [0, 1]. */
  readonly top1: number;
  /** Binomial standard error of the mean: √(p(1−p)/(n·seeds)), seeds being independent draws. */
  readonly se: number;
  /** Sample standard deviation over seeds (0 for one seed). */
  readonly sd: number;
  readonly seeds: number;
  /** Validation images per seed. */
  readonly valImages: number;
}

/** Mean ± sd over seeds of per-seed accuracies measured on `valImages` images each. */
export function summarize(perSeed: readonly number[], valImages: number): Accuracy {
  const s = perSeed.length;
  if (s === 0) throw new Error('no accuracy to summarize');
  const top1 = perSeed.reduce((a, b) => a + b, 0) / s;
  const sd = s > 1 ? Math.sqrt(perSeed.reduce((a, b) => a + (b - top1) ** 2, 0) / (s - 1)) : 0;
  return { top1, se: standardError(top1, valImages * s), sd, seeds: s, valImages };
}

/** How many standard errors separate a from b (the two errors combined). */
export const separation = (a: Accuracy, b: Accuracy): number => (a.top1 - b.top1) / Math.sqrt(a.se ** 2 + b.se ** 2);
