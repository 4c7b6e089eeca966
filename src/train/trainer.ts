// One CAE pretraining step: masks, stop-gradient target, loss, gradients, clipping, AdamW, schedule.
// The trainer owns the step count and the seeded streams for masks and drop path, so a checkpoint
// of (weights, optimizer, TrainerState) resumes the run exactly.
import * as tf from '@tensorflow/tfjs';
import { type Cae, type ReconTarget } from '../model/cae';
import { maskIndices, type MaskIndices } from '../model/masks';
import { batchMasks } from '../model/masking';
import { numPatches } from '../model/config';
import { isDecayed } from '../model/params';
import { Rng, type RngState } from '../model/random';
import { AdamW, clipFactor } from './adamw';
import { type TrainConfig, validateTrainConfig } from './config';
import { leanVariableGrads } from '../kernels/leanGrads';
import { lrAt } from './schedule';

export interface Batch {
  /** Normalized images [B, 3, H, W]; the trainer does not dispose them. */
  readonly images: tf.Tensor4D;
  /** Token targets only: the tokenizer's code for every patch, [B·N]. */
  readonly tokens?: Int32Array;
  /** A mask to use instead of drawing one ([B·N], 1 = masked), e.g. for a fixed evaluation batch. */
  readonly mask?: Uint8Array;
}

export interface StepResult {
  /** The step this result belongs to (0-based; the trainer's `step` is now one more). */
  readonly step: number;
  readonly total: number;
  readonly reconstruction: number;
  /** Null when the alignment loss is switched off. */
  readonly alignment: number | null;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  readonly lr: number;
}

/** A step whose commands are recorded but whose losses are not read yet (CaeTrainer.dispatchStep). */
export interface DispatchedStep {
  /** [total, reconstruction, alignment, gradNorm], on the GPU. */
  readonly stats: tf.Tensor;
  readonly lr: number;
  /** The optimizer's update count before the step (restored if the step is refused). */
  readonly t: number;
}

export interface TrainerState {
  readonly step: number;
  readonly maskRng: RngState;
  readonly dropRng: RngState;
}

export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
  constructor(
    readonly step: number,
    readonly loss: number,
  ) {
    super(`the loss became ${loss} at step ${step}; the step was not applied, the weights are those of the last good step`);
  }

  /** The error for step `step` if its loss or gradient norm is not finite (it names the bad value), else null. */
  static of(step: number, total: number, gradNorm: number): NonFiniteLossError | null {
    if (Number.isFinite(total) && Number.isFinite(gradNorm)) return null;
    return new NonFiniteLossError(step, Number.isFinite(total) ? gradNorm : total);
  }
}

export class CaeTrainer {
  readonly optimizer: AdamW;
  step = 0;
  private maskRng: Rng;
  private dropRng: Rng;

  constructor(
    readonly model: Cae,
    readonly train: TrainConfig,
  ) {
    validateTrainConfig(train);
    const trainable = model.specs.filter((s) => s.trainable);
    this.optimizer = new AdamW(
      trainable.map((s) => ({ name: s.name, variable: model.vars.get(s.name)!, decay: isDecayed(s) })),
      train,
    );
    // Streams derived from the run's seed, distinct from the one that drew the initial weights.
    const root = new Rng(train.seed ^ 0x5eed);
    this.maskRng = root.fork();
    this.dropRng = root.fork();
  }

  state(): TrainerState {
    return { step: this.step, maskRng: this.maskRng.state(), dropRng: this.dropRng.state() };
  }

  restore(s: TrainerState): void {
    this.step = s.step;
    this.maskRng = new Rng(s.maskRng);
    this.dropRng = new Rng(s.dropRng);
  }

  /** Counts a step another engine made (the replayed step): the step and the optimizer's update. */
  advance(): void {
    this.step += 1;
    this.optimizer.advance();
  }

  /**
   * Back to `s` (step count and streams) with the optimizer at update `t`, its skip flag cleared:
   * where a refused step leaves the trainer.
   */
  rewindTo(s: TrainerState, t: number): void {
    this.restore(s);
    this.optimizer.rewindTo(t);
  }

  /** The drop-path stream (the replayed step draws from it what the model would). */
  get dropStream(): Rng {
    return this.dropRng;
  }

  /** Draws the next batch's masks from the run's mask stream. */
  nextMasks(batch: number): Uint8Array {
    return batchMasks(this.model.config, this.maskRng, batch);
  }

  private reconTarget(b: Batch, masks: MaskIndices): ReconTarget {
    const c = this.model.config;
    if (c.target === 'pixel') return { kind: 'pixel', values: this.model.pixelTarget(b.images, masks.masked) };
    if (!b.tokens || b.tokens.length !== masks.batch * numPatches(c))
      throw new Error(`token targets need a code for every patch: expected ${masks.batch * numPatches(c)} tokens`);
    const labels = Int32Array.from(masks.masked.flat, (i) => b.tokens![i]!);
    return { kind: 'token', labels: tf.tensor1d(labels, 'int32') };
  }

  /** One optimizer step on a batch. Returns the losses as numbers; no tensor outlives the call. */
  async trainStep(b: Batch): Promise<StepResult> {
    // The fused optimizer clips on the GPU: the step's commands, then one read-back at the end.
    if (this.optimizer.fused) return this.finishStep(this.dispatchStep(b));
    const { stats, grads, lr } = this.gradients(b);
    try {
      const [total, reconstruction, alignment, gradNorm] = Array.from(await stats.data());
      const bad = NonFiniteLossError.of(this.step, total!, gradNorm!);
      if (bad) throw bad;
      tf.tidy(() => this.optimizer.apply(grads, lr, clipFactor(gradNorm!, this.train.clipGrad)));
      return this.result([total!, reconstruction!, alignment!, gradNorm!], lr);
    } finally {
      stats.dispose();
      tf.dispose(grads);
    }
  }

  /**
   * The fused optimizer's step up to its read-back: forward, backward, the clip factor and the
   * update, all on the GPU (the replay traces exactly these commands). A non-finite loss or norm
   * makes the GPU skip the update; `finishStep` reads the stats and says so. One step at a time.
   */
  dispatchStep(b: Batch): DispatchedStep {
    const { stats, grads, lr } = this.gradients(b);
    const t = this.optimizer.t;
    try {
      tf.tidy(() => this.optimizer.applyClipped(grads, stats, lr, this.train.clipGrad));
    } catch (e) {
      stats.dispose();
      throw e;
    } finally {
      tf.dispose(grads);
    }
    return { stats, lr, t };
  }

  /** Reads a dispatched step's losses; a refused step leaves the step count and `t` where they were. */
  async finishStep(d: DispatchedStep): Promise<StepResult> {
    try {
      const [total, reconstruction, alignment, gradNorm] = Array.from(await d.stats.data());
      const bad = NonFiniteLossError.of(this.step, total!, gradNorm!);
      if (bad) {
        // The GPU skipped the update (weights and moments untouched): undo the host's count too.
        this.optimizer.rewindTo(d.t);
        throw bad;
      }
      return this.result([total!, reconstruction!, alignment!, gradNorm!], d.lr);
    } finally {
      d.stats.dispose();
    }
  }

  /** The step's result from its stats [total, reconstruction, alignment, gradNorm]; counts the step. */
  private result([total, reconstruction, alignment, gradNorm]: readonly [number, number, number, number], lr: number): StepResult {
    const r: StepResult = { step: this.step, total, reconstruction, alignment: this.model.config.alignment ? alignment : null, gradNorm, lr };
    this.step += 1;
    return r;
  }

  /** Forward and backward: stats [total, reconstruction, alignment, ‖g‖] and the gradients, kept. */
  private gradients(b: Batch): { stats: tf.Tensor1D; grads: tf.Tensor[]; lr: number } {
    const model = this.model;
    const B = b.images.shape[0];
    const mask = b.mask ?? this.nextMasks(B);
    const masks = maskIndices(mask, B, numPatches(model.config));
    const lr = lrAt(this.train, this.step);
    const dp = model.config.dropPathRate > 0 ? { rng: this.dropRng } : undefined;
    const vars = this.optimizer.params.map((p) => p.variable);

    // The loss parts are kept out of the gradient scope's cleanup, then stacked for one read-back.
    const parts: { rec?: tf.Scalar; align?: tf.Scalar } = {};
    const { stats, grads } = tf.tidy(() => {
      const target = this.reconTarget(b, masks);
      // The alignment target is computed outside the gradient tape: stop-gradient by construction.
      const latentTarget = model.config.alignment ? model.latentTarget(b.images, masks, dp) : null;
      const { value, grads } = leanVariableGrads(() => {
        const l = model.loss(model.predict(b.images, masks, dp), target, latentTarget);
        parts.rec = tf.keep(l.reconstruction);
        if (l.alignment) parts.align = tf.keep(l.alignment);
        return l.total;
      }, vars);
      const stats = tf.stack([value, parts.rec!, parts.align ?? tf.scalar(0), this.optimizer.gradNorm(grads)]) as tf.Tensor1D;
      return { stats, grads };
    });
    tf.dispose([parts.rec!, parts.align!].filter(Boolean));
    return { stats, grads, lr };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
