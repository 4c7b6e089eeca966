// The d-VAE's training recipe and its schedules: DALL-E's (arXiv 2102.12092, appendix A.2) shapes,
// scaled to the run. DALL-E anneals the learning rate over 1 200 000 updates (cosine, 1e-4 →
// 1.25e-6), the Gumbel-softmax temperature over the first 150 000 (cosine, 1 → 1/16) and raises the
// KL weight over the first 5 000 (cosine, 0 → 6.6). Here the learning rate's cosine spans the run
// (lrAt), so the other two keep their share of it: τ anneals over 12.5 % of the run, β warms up
// over 5 000 / 1 200 000 ≈ 0.42 % of it (at least one step).
import { type TrainConfig, validateTrainConfig } from './config';

export interface DvaeTrainConfig extends TrainConfig {
  /** Gumbel-softmax temperature at step 0 (DALL-E: 1). */
  readonly tempStart: number;
  /** Temperature after the anneal, held to the end (DALL-E: 1/16). */
  readonly tempEnd: number;
  /** Steps of the cosine anneal from tempStart to tempEnd (DALL-E: 150 000 of its 1.2 M). */
  readonly tempAnnealSteps: number;
  /**
   * The KL weight β after the warm-up. DALL-E's 6.6 weighs a summed KL against a summed
   * logit-Laplace likelihood; here both terms are means (reconstruction per pixel value in [0, 1],
   * KL per code cell), so β is far smaller (see DVAE_TRAIN).
   */
  readonly klWeight: number;
  /** Steps of the cosine warm-up of β from 0 (DALL-E: 5 000). */
  readonly klWarmupSteps: number;
}

/**
 * The recipe's two free knobs, at the reference batch of 64 images: the learning rate (a small
 * conv net's, not DALL-E's 1e-4 for 512-image batches and 100 M parameters) and the KL weight β
 * (see `klWeight` above: both loss terms are means). How they were chosen: docs/tokenizer.md.
 */
export const DVAE_RECIPE = { baseLr: 4e-3, klWeight: 1e-2 } as const;

/**
 * The tokenizer's default budget: what the Tokenizer view starts from and what bench:probe's
 * `--target token` trains each seed's tokenizer for, so `--quick --target token` is the default
 * experiment with tokens. It is the budget the recipe was chosen at.
 */
export const DVAE_BUDGET = { totalSteps: 200, batchSize: 64 } as const;

/** DALL-E's shares of its learning-rate anneal (1.2 M updates). */
export const DALLE_SHARES = { tempAnneal: 150_000 / 1_200_000, klWarmup: 5_000 / 1_200_000 } as const;
/** DALL-E's end points. */
export const DALLE_VALUES = { tempStart: 1, tempEnd: 1 / 16, klWeight: 6.6, lr: 1e-4, minLr: 1.25e-6, weightDecay: 1e-4 } as const;

/**
 * The notebook's tokenizer recipe for a run of `totalSteps` at `batchSize`: DALL-E's schedule
 * shapes and end points scaled to the run; AdamW with DALL-E's weight decay; a learning rate a
 * small conv net trains with (DALL-E's 1e-4 is for its 512-image batches and 100 M parameters):
 * DVAE_RECIPE, unless `opts` overrides it. It had the lowest hard-code MSE on a held-out split of
 * the micro tokenizer's training images, of β ∈ {1e-3, 3e-3, 1e-2, 3e-2} at 4e-3 and of the rate
 * ∈ {1e-3, 4e-3, 1.6e-2} at β = 1e-2 (bench:tokenizer; docs/tokenizer.md): a smaller β decodes the
 * argmax codes worse, a larger β or rate collapses them onto one.
 */
export function dvaeTrainConfig(totalSteps: number, opts: { seed?: number; batchSize?: number; baseLr?: number; klWeight?: number } = {}): DvaeTrainConfig {
  const batchSize = opts.batchSize ?? 64;
  // The rate at 64 images; the floor keeps DALL-E's ratio to it.
  const baseLr = opts.baseLr ?? DVAE_RECIPE.baseLr;
  return validateDvaeTrainConfig({
    seed: opts.seed ?? 0,
    batchSize,
    totalSteps,
    warmupSteps: Math.min(totalSteps - 1, Math.round(0.01 * totalSteps)),
    baseLr,
    baseBatch: 64,
    minLr: (baseLr * batchSize * DALLE_VALUES.minLr) / (64 * DALLE_VALUES.lr),
    weightDecay: DALLE_VALUES.weightDecay,
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    clipGrad: 0,
    tempStart: DALLE_VALUES.tempStart,
    tempEnd: DALLE_VALUES.tempEnd,
    tempAnnealSteps: Math.max(1, Math.round(DALLE_SHARES.tempAnneal * totalSteps)),
    klWeight: opts.klWeight ?? DVAE_RECIPE.klWeight,
    klWarmupSteps: Math.max(1, Math.round(DALLE_SHARES.klWarmup * totalSteps)),
  });
}

export function validateDvaeTrainConfig(t: DvaeTrainConfig): DvaeTrainConfig {
  validateTrainConfig(t);
  const check = (ok: boolean, msg: string) => {
    if (!ok) throw new Error(`tokenizer train config: ${msg}`);
  };
  check(t.tempStart > 0 && t.tempEnd > 0, `temperatures must be > 0, got ${t.tempStart} → ${t.tempEnd}`);
  check(Number.isInteger(t.tempAnnealSteps) && t.tempAnnealSteps >= 1, `tempAnnealSteps must be an integer ≥ 1, got ${t.tempAnnealSteps}`);
  check(t.klWeight >= 0, `klWeight must be ≥ 0, got ${t.klWeight}`);
  check(Number.isInteger(t.klWarmupSteps) && t.klWarmupSteps >= 1, `klWarmupSteps must be an integer ≥ 1, got ${t.klWarmupSteps}`);
  return t;
}

/** Cosine from a (step 0) to b (step n and after). */
function cosineTo(a: number, b: number, step: number, n: number): number {
  const t = Math.min(1, Math.max(0, step / n));
  return b + 0.5 * (a - b) * (1 + Math.cos(Math.PI * t));
}

/** The Gumbel-softmax temperature at `step`: tempStart at 0, tempEnd from tempAnnealSteps on. */
export const temperatureAt = (t: DvaeTrainConfig, step: number): number => cosineTo(t.tempStart, t.tempEnd, step, t.tempAnnealSteps);

/** The KL weight β at `step`: 0 at step 0, klWeight from klWarmupSteps on. */
export const klWeightAt = (t: DvaeTrainConfig, step: number): number => cosineTo(0, t.klWeight, step, t.klWarmupSteps);
