// The linear readout fitted to convergence: multinomial logistic regression with an L2 penalty on
// standardized frozen features, solved by L-BFGS to a small gradient (a convex problem, so the answer
// depends on the features and the penalty, not on a learning rate or a budget), with the penalty
// chosen by k-fold cross-validation on the training images only. This is the linear probe as
// scikit-learn's LogisticRegression(CV) fits it; the official recipe (BatchNorm + linear, LARS, a
// fixed number of epochs) stays available beside it (probeTrainer.ts).
// Letters: n images, d feature width, K classes; weights are [K, d+1], the last column the bias.
import { Rng } from '../model/random';

export interface LogisticOptions {
  /** Stop when the largest gradient entry is below this (converged). */
  readonly tolerance: number;
  readonly maxIterations: number;
  /** Pairs kept by L-BFGS. */
  readonly memory: number;
}

export const LOGISTIC_DEFAULTS: LogisticOptions = Object.freeze({ tolerance: 1e-5, maxIterations: 2000, memory: 10 });

/**
 * The reported fit's budget: the same tolerance with five times the iterations. Cross-validation's
 * 35 fits only rank the penalties (warm-started along the path, they stop at the defaults' cap); the
 * one fit whose top-1 is reported should end converged. On ill-conditioned features at a weak penalty
 * (a wider random encoder's CLS, λ = 1e-6) 2 000 iterations stopped at a gradient of 7e-5 and 2 392
 * reached 1e-5 with the same top-1.
 */
export const REFIT_OPTIONS: LogisticOptions = Object.freeze({ ...LOGISTIC_DEFAULTS, maxIterations: 10_000 });

/** The penalties cross-validation chooses among (per-image loss + λ/2 ‖W‖², bias unpenalized). */
export const L2_GRID: readonly number[] = Object.freeze([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]);

export interface LogisticFit {
  /** [K, d+1] row-major. */
  readonly weights: Float64Array;
  /** Mean cross-entropy plus penalty at the end. */
  readonly loss: number;
  /** Largest gradient entry at the end. */
  readonly gradient: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Features [n, d] scaled to zero mean and unit variance with the training split's statistics. */
export interface Standardizer {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

export function standardizer(x: ArrayLike<number>, n: number, d: number): Standardizer {
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j]! += (x[i * d + j]! - mean[j]!) ** 2 / n;
  // A constant feature carries nothing: scaled by 1, it stays 0 after centring.
  for (let j = 0; j < d; j++) std[j] = std[j]! > 1e-12 ? Math.sqrt(std[j]!) : 1;
  return { mean, std };
}

export function standardize(x: ArrayLike<number>, n: number, d: number, s: Standardizer): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = (x[i * d + j]! - s.mean[j]!) / s.std[j]!;
  return out;
}

/** Loss and gradient of the penalized mean cross-entropy at `w`; `grad` is overwritten. */
export function objective(w: Float64Array, x: Float64Array, y: Int32Array, n: number, d: number, K: number, l2: number, grad: Float64Array): number {
  const D = d + 1;
  grad.fill(0);
  const z = new Float64Array(K);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const xi = i * d;
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = w[k * D + d]!;
      for (let j = 0; j < d; j++) s += w[k * D + j]! * x[xi + j]!;
      z[k] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(z[k]! - max);
    const logSum = max + Math.log(sum);
    loss += logSum - z[y[i]!]!;
    for (let k = 0; k < K; k++) {
      const r = (Math.exp(z[k]! - logSum) - (k === y[i] ? 1 : 0)) / n; // (p − onehot) / n
      if (r === 0) continue;
      for (let j = 0; j < d; j++) grad[k * D + j]! += r * x[xi + j]!;
      grad[k * D + d]! += r;
    }
  }
  loss /= n;
  for (let k = 0; k < K; k++)
    for (let j = 0; j < d; j++) {
      const v = w[k * D + j]!;
      loss += 0.5 * l2 * v * v;
      grad[k * D + j]! += l2 * v;
    }
  return loss;
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** Minimizes the objective by L-BFGS with a backtracking (Armijo) line search, from `init` or zeros. */
export function fitLogistic(
  x: Float64Array,
  y: Int32Array,
  n: number,
  d: number,
  K: number,
  l2: number,
  o: LogisticOptions = LOGISTIC_DEFAULTS,
  init?: Float64Array,
): LogisticFit {
  const P = K * (d + 1);
  const w = init ? Float64Array.from(init) : new Float64Array(P);
  let g = new Float64Array(P);
  let f = objective(w, x, y, n, d, K, l2, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  let it = 0;
  while (it < o.maxIterations && maxAbs(g) > o.tolerance) {
    // Two-loop recursion: direction = −H·g with the kept pairs (scaled identity before any).
    const q = Float64Array.from(g);
    const alpha: number[] = [];
    for (let m = S.length - 1; m >= 0; m--) {
      const a = dot(S[m]!, q) / dot(Y[m]!, S[m]!);
      alpha[m] = a;
      for (let i = 0; i < P; i++) q[i]! -= a * Y[m]![i]!;
    }
    const last = S.length - 1;
    const gamma = last >= 0 ? dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let i = 0; i < P; i++) q[i]! *= gamma;
    for (let m = 0; m < S.length; m++) {
      const b = dot(Y[m]!, q) / dot(Y[m]!, S[m]!);
      for (let i = 0; i < P; i++) q[i]! += S[m]![i]! * (alpha[m]! - b);
    }
    let slope = -dot(g, q);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      for (let i = 0; i < P; i++) q[i] = g[i]! / Math.max(1, Math.sqrt(dot(g, g)));
      slope = -dot(g, q);
    }
    let step = 1;
    const next = new Float64Array(P);
    const gNext = new Float64Array(P);
    let fNext = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < P; i++) next[i] = w[i]! - step * q[i]!;
      fNext = objective(next, x, y, n, d, K, l2, gNext);
      if (fNext <= f + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(fNext < f)) break; // no decrease left at machine precision: as converged as it gets
    const s = new Float64Array(P);
    const yy = new Float64Array(P);
    for (let i = 0; i < P; i++) {
      s[i] = next[i]! - w[i]!;
      yy[i] = gNext[i]! - g[i]!;
    }
    if (dot(s, yy) > 1e-12) {
      S.push(s);
      Y.push(yy);
      if (S.length > o.memory) {
        S.shift();
        Y.shift();
      }
    }
    w.set(next);
    g = gNext;
    f = fNext;
    it++;
  }
  const gradient = maxAbs(g);
  return { weights: w, loss: f, gradient, iterations: it, converged: gradient <= o.tolerance };
}

/** Predicted class of each row of standardized features. */
export function predictLogistic(w: Float64Array, x: Float64Array, n: number, d: number, K: number): Int32Array {
  const out = new Int32Array(n);
  const D = d + 1;
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = w[k * D + d]!;
      for (let j = 0; j < d; j++) s += w[k * D + j]! * x[i * d + j]!;
      if (s > best) {
        best = s;
        out[i] = k;
      }
    }
  }
  return out;
}

/** Each image's fold: every class's images in a seeded random order, dealt to the folds in turn. */
export function stratifiedFolds(y: Int32Array, n: number, K: number, folds: number, seed: number): Int32Array {
  const fold = new Int32Array(n);
  const rng = new Rng((seed * 2_654_435_761 + 0xf01d) >>> 0);
  let next = 0;
  for (let k = 0; k < K; k++) {
    const members = rng.shuffle(Array.from({ length: n }, (_, i) => i).filter((i) => y[i] === k));
    // Continue the deal where the last class left off, so small classes do not all start at fold 0.
    for (const i of members) fold[i] = next++ % folds;
  }
  return fold;
}

const accuracy = (pred: Int32Array, y: Int32Array) => pred.reduce((a, p, i) => a + (p === y[i] ? 1 : 0), 0) / y.length;

/** Rows `idx` of an [n, d] matrix and their labels. */
function rows(x: Float64Array, y: Int32Array, d: number, idx: readonly number[]): { x: Float64Array; y: Int32Array } {
  const out = new Float64Array(idx.length * d);
  idx.forEach((r, i) => out.set(x.subarray(r * d, (r + 1) * d), i * d));
  return { x: out, y: Int32Array.from(idx, (r) => y[r]!) };
}

export interface CrossValidation {
  readonly l2: number;
  /** Mean held-out top-1 of each penalty in `grid`, in order. */
  readonly accuracies: readonly number[];
}

/**
 * The penalty with the best mean held-out top-1 over `folds` stratified folds of the training images:
 * each class's images, in a seeded random order, are dealt to the folds in turn, so every fold holds
 * every class in its share whatever order the images come in (class blocks, or labels that cycle
 * with the index as the shapes generator's do). Ties go to the stronger penalty.
 * `yieldNow` lets a worker answer messages between fits.
 */
export async function crossValidateL2(
  x: Float64Array,
  y: Int32Array,
  n: number,
  d: number,
  K: number,
  grid: readonly number[] = L2_GRID,
  folds = 5,
  o: LogisticOptions = LOGISTIC_DEFAULTS,
  yieldNow: () => Promise<unknown> = async () => undefined,
  seed = 0,
): Promise<CrossValidation> {
  const accuracies = grid.map(() => 0);
  const fold = stratifiedFolds(y, n, K, folds, seed);
  for (let f = 0; f < folds; f++) {
    const held = Array.from({ length: n }, (_, i) => i).filter((i) => fold[i] === f);
    const kept = Array.from({ length: n }, (_, i) => i).filter((i) => fold[i] !== f);
    const tr = rows(x, y, d, kept);
    const te = rows(x, y, d, held);
    // From the strongest penalty down, each fit warm-started from the last: a path, as glmnet walks it.
    let init: Float64Array | undefined;
    for (let g = grid.length - 1; g >= 0; g--) {
      const fit = fitLogistic(tr.x, tr.y, kept.length, d, K, grid[g]!, o, init);
      init = fit.weights;
      accuracies[g]! += accuracy(predictLogistic(fit.weights, te.x, held.length, d, K), te.y) / folds;
      await yieldNow();
    }
  }
  let best = grid.length - 1;
  for (let g = grid.length - 1; g >= 0; g--) if (accuracies[g]! > accuracies[best]! + 1e-12) best = g;
  return { l2: grid[best]!, accuracies };
}

export interface LogisticResult {
  readonly top1: number;
  readonly l2: number;
  readonly fit: LogisticFit;
  readonly cv: CrossValidation;
}

/**
 * The whole readout: standardize with the training statistics, choose the penalty by
 * cross-validation on the training images, refit on all of them, and read the test images.
 */
export async function logisticReadout(
  train: { x: ArrayLike<number>; y: Int32Array },
  test: { x: ArrayLike<number>; y: Int32Array },
  d: number,
  K: number,
  yieldNow?: () => Promise<unknown>,
): Promise<LogisticResult> {
  const n = train.y.length;
  const s = standardizer(train.x, n, d);
  const xtr = standardize(train.x, n, d, s);
  const xte = standardize(test.x, test.y.length, d, s);
  const cv = await crossValidateL2(xtr, train.y, n, d, K, L2_GRID, 5, LOGISTIC_DEFAULTS, yieldNow);
  const fit = fitLogistic(xtr, train.y, n, d, K, cv.l2, REFIT_OPTIONS);
  return { top1: accuracy(predictLogistic(fit.weights, xte, test.y.length, d, K), test.y), l2: cv.l2, fit, cv };
}
