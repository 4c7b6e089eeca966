// The pretraining recipe (official defaults from Atten4Vis/CAE scripts and CAE-SPEC.md), separate from
// the model config. Every field is editable in the app; the learning rate scales with the batch.
import { ConfigFieldError } from '../model/config';

/**
 * What pretraining and fine-tuning share: the seed, the batch, and a warmup-then-cosine schedule
 * with linear learning-rate scaling (the official recipes: pretraining 1.5e-3 at 2048 images a step,
 * 10 of 300 epochs of warmup, down to 1e-5; CAEv2 ViT-S fine-tuning 4e-4 at 1 024, down to 1e-6).
 */
export interface RunSchedule {
  /** Seed of every random choice of the run: init, masks, drop path, data order, augmentation, subsets. */
  readonly seed: number;
  /** Images per step. */
  readonly batchSize: number;
  /** Length of the run in optimizer steps (the cosine schedule ends here). */
  readonly totalSteps: number;
  /** Linear warmup from 0 to the peak learning rate, in steps. */
  readonly warmupSteps: number;
  /** Peak learning rate at `baseBatch` images per step. */
  readonly baseLr: number;
  /** The batch size `baseLr` refers to; the peak is baseLr · batchSize / baseBatch (linear scaling). */
  readonly baseBatch: number;
  /** Learning rate at the end of the cosine (capped at the peak). */
  readonly minLr: number;
}

export interface TrainConfig extends RunSchedule {
  /** AdamW decoupled weight decay on every parameter except 1-D ones and biases (official 0.05). */
  readonly weightDecay: number;
  /** AdamW β1 (0.9). */
  readonly beta1: number;
  /** AdamW β2 (0.999). */
  readonly beta2: number;
  /** AdamW ε (1e-8). */
  readonly eps: number;
  /** Clip gradients to this global L2 norm (official 3.0); 0 turns clipping off. */
  readonly clipGrad: number;
}

export const PAPER_TRAIN: TrainConfig = Object.freeze({
  seed: 0,
  batchSize: 64,
  totalSteps: 10_000,
  warmupSteps: 333, // 10 of 300 epochs
  baseLr: 1.5e-3,
  baseBatch: 2048,
  minLr: 1e-5,
  weightDecay: 0.05,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  clipGrad: 3.0,
});

/** The fields of a warmup-then-cosine schedule with linear lr scaling (pretraining and fine-tuning). */
export type LrSchedule = Omit<RunSchedule, 'seed'>;

/** The peak learning rate after linear scaling to the batch size. */
export const peakLr = (t: Pick<LrSchedule, 'baseLr' | 'batchSize' | 'baseBatch'>): number => (t.baseLr * t.batchSize) / t.baseBatch;

export function validateTrainConfig(t: TrainConfig): TrainConfig {
  // Each failure names its field and says its rule in words (ConfigFieldError), for the form.
  const check = (ok: boolean, field: keyof TrainConfig, rule: string, msg: string) => {
    if (!ok) throw new ConfigFieldError(field, t[field], rule, `train config: ${msg}`);
  };
  check(Number.isInteger(t.seed), 'seed', 'must be a whole number', `seed must be an integer, got ${t.seed}`);
  check(
    Number.isInteger(t.batchSize) && t.batchSize >= 1,
    'batchSize',
    'must be a whole number of at least 1',
    `batchSize must be a positive integer, got ${t.batchSize}`,
  );
  check(
    Number.isInteger(t.totalSteps) && t.totalSteps >= 1,
    'totalSteps',
    'must be a whole number of at least 1',
    `totalSteps must be a positive integer, got ${t.totalSteps}`,
  );
  check(
    Number.isInteger(t.warmupSteps) && t.warmupSteps >= 0 && t.warmupSteps < t.totalSteps,
    'warmupSteps',
    `must be a whole number from 0 to below the run's steps (${t.totalSteps})`,
    `warmupSteps must be in [0, totalSteps), got ${t.warmupSteps}`,
  );
  check(t.baseLr > 0, 'baseLr', 'must be above 0', 'baseLr and baseBatch must be positive');
  check(t.baseBatch > 0, 'baseBatch', 'must be above 0', 'baseLr and baseBatch must be positive');
  check(t.minLr >= 0, 'minLr', 'must be 0 or more', `minLr must be ≥ 0, got ${t.minLr}`);
  check(t.weightDecay >= 0, 'weightDecay', 'must be 0 or more', `weightDecay must be ≥ 0, got ${t.weightDecay}`);
  check(t.beta1 >= 0 && t.beta1 < 1, 'beta1', 'must be at least 0 and below 1', 'betas must be in [0, 1)');
  check(t.beta2 >= 0 && t.beta2 < 1, 'beta2', 'must be at least 0 and below 1', 'betas must be in [0, 1)');
  check(t.eps > 0, 'eps', 'must be above 0', `eps must be positive, got ${t.eps}`);
  check(t.clipGrad >= 0, 'clipGrad', 'must be 0 or more (0 turns clipping off)', `clipGrad must be ≥ 0, got ${t.clipGrad}`);
  return t;
}
