// One d-VAE tokenizer training step: Gumbel noise from the run's seeded stream, the ELBO at this
// step's temperature and KL weight, gradients, optional clipping, AdamW. Like CaeTrainer it owns the
// step count and its random stream, so (weights, optimizer, DvaeTrainerState) resumes a run exactly,
// and it takes the same batches: ImageNet-normalized [B, 3, H, W], resized to the tokenizer's size.
// The noise is drawn on the host, B·N·K floats a step: 1 M at micro's batch of 64 with K = 256, but
// 100 M (400 MB) for DALL-E's 14×14 × 8 192 at batch 64, which would need noise drawn on the GPU.
import * as tf from '@tensorflow/tfjs';
import type { Dvae } from '../model/dvae';
import { dvaeTokens } from '../model/dvaeConfig';
import { GumbelNoise } from '../model/gumbel';
import { hostInput } from '../model/hostArrays';
import { isDecayed } from '../model/params';
import type { RngState } from '../model/random';
import { tokenizerPixels } from '../model/tokenTargets';
import { leanVariableGrads } from '../kernels/leanGrads';
import { AdamW, clipFactor } from './adamw';
import { codeCounts, perplexity } from './codebookUsage';
import { type DvaeTrainConfig, klWeightAt, temperatureAt, validateDvaeTrainConfig } from './dvaeSchedule';
import { lrAt } from './schedule';
import { NonFiniteLossError } from './trainer';

export interface DvaeBatch {
  /** ImageNet-normalized images [B, 3, H, W], as the CAE's loader makes them; not disposed here. */
  readonly images: tf.Tensor4D;
}

export interface DvaeStepResult {
  /** The step this result belongs to (0-based). */
  readonly step: number;
  readonly total: number;
  /** Mean squared error of the relaxed reconstruction, pixels in [0, 1]. */
  readonly reconstruction: number;
  /** Mean KL(q ‖ uniform) per code cell, nats (before β). */
  readonly kl: number;
  readonly gradNorm: number;
  readonly lr: number;
  readonly temperature: number;
  readonly klWeight: number;
  /** Perplexity of the batch's hard codes (1 … K). */
  readonly perplexity: number;
  /** The batch's hard codes [B·N], image after image, row-major (for CodebookUsage). */
  readonly codes: Int32Array;
}

export interface DvaeTrainerState {
  readonly step: number;
  readonly gumbelRng: RngState;
}

/** A dispatched step (fused optimizer): stats [total, reconstruction, kl, ‖g‖] and codes on the GPU. */
export interface DispatchedDvaeStep {
  readonly stats: tf.Tensor1D;
  readonly codes: tf.Tensor1D;
  readonly lr: number;
  readonly temperature: number;
  readonly klWeight: number;
  readonly t: number;
}

/** A step's result from its stats [total, reconstruction, kl, ‖g‖], hard codes and schedule values (either engine). */
export function dvaeStepResult(
  step: number,
  s: readonly [number, number, number, number],
  codes: Int32Array,
  at: { lr: number; temperature: number; klWeight: number },
  vocabSize: number,
): DvaeStepResult {
  const [total, reconstruction, kl, gradNorm] = s;
  return { step, total, reconstruction, kl, gradNorm, ...at, perplexity: perplexity(codeCounts(codes, vocabSize)), codes };
}

export class DvaeTrainer {
  readonly optimizer: AdamW;
  step = 0;
  private noise: GumbelNoise;

  constructor(
    readonly model: Dvae,
    readonly train: DvaeTrainConfig,
  ) {
    validateDvaeTrainConfig(train);
    const trainable = model.specs.filter((s) => s.trainable);
    this.optimizer = new AdamW(
      trainable.map((s) => ({ name: s.name, variable: model.vars.get(s.name)!, decay: isDecayed(s) })),
      train,
    );
    // A stream of its own, distinct from the one that drew the initial weights.
    this.noise = new GumbelNoise(train.seed ^ 0x6b5e1);
  }

  state(): DvaeTrainerState {
    return { step: this.step, gumbelRng: this.noise.state() };
  }

  restore(s: DvaeTrainerState): void {
    this.step = s.step;
    this.noise = new GumbelNoise(s.gumbelRng);
  }

  /** Counts a step another engine made (a replayed step). */
  advance(): void {
    this.step += 1;
    this.optimizer.advance();
  }

  /** Back to `s` with the optimizer at update `t`: where a refused step leaves the trainer. */
  rewindTo(s: DvaeTrainerState, t: number): void {
    this.restore(s);
    this.optimizer.rewindTo(t);
  }

  /** The next batch's Gumbel noise [B, N, K] from the run's stream (a replayed step uploads it). */
  nextNoise(batch: number): Float32Array {
    return this.noise.sample(batch * dvaeTokens(this.model.config) * this.model.config.vocabSize);
  }

  async trainStep(b: DvaeBatch): Promise<DvaeStepResult> {
    if (this.optimizer.fused) return this.finishStep(this.dispatchStep(b));
    const { stats, codes, grads, lr, temperature, klWeight } = this.gradients(b);
    try {
      const [total, reconstruction, kl, gradNorm] = Array.from(await stats.data());
      const bad = NonFiniteLossError.of(this.step, total!, gradNorm!);
      if (bad) throw bad;
      tf.tidy(() => this.optimizer.apply(grads, lr, clipFactor(gradNorm!, this.train.clipGrad)));
      const c = (await codes.data()) as Int32Array;
      return this.result([total!, reconstruction!, kl!, gradNorm!], c, lr, temperature, klWeight);
    } finally {
      tf.dispose([stats, codes, ...grads]);
    }
  }

  /** The fused optimizer's step up to its read-back (forward, backward, clip and update on the GPU). */
  dispatchStep(b: DvaeBatch): DispatchedDvaeStep {
    const { stats, codes, grads, lr, temperature, klWeight } = this.gradients(b);
    const t = this.optimizer.t;
    try {
      tf.tidy(() => this.optimizer.applyClipped(grads, stats, lr, this.train.clipGrad));
    } catch (e) {
      tf.dispose([stats, codes]);
      throw e;
    } finally {
      tf.dispose(grads);
    }
    return { stats, codes, lr, temperature, klWeight, t };
  }

  /** Reads a dispatched step; a refused (non-finite) step leaves the step count and `t` where they were. */
  async finishStep(d: DispatchedDvaeStep): Promise<DvaeStepResult> {
    try {
      const [total, reconstruction, kl, gradNorm] = Array.from(await d.stats.data());
      const bad = NonFiniteLossError.of(this.step, total!, gradNorm!);
      if (bad) {
        this.optimizer.rewindTo(d.t);
        throw bad;
      }
      const c = (await d.codes.data()) as Int32Array;
      return this.result([total!, reconstruction!, kl!, gradNorm!], c, d.lr, d.temperature, d.klWeight);
    } finally {
      tf.dispose([d.stats, d.codes]);
    }
  }

  private result(s: readonly [number, number, number, number], codes: Int32Array, lr: number, temperature: number, klWeight: number): DvaeStepResult {
    const r = dvaeStepResult(this.step, s, codes, { lr, temperature, klWeight }, this.model.config.vocabSize);
    this.step += 1;
    return r;
  }

  /** Forward and backward: stats [total, reconstruction, kl, ‖g‖], the hard codes [B·N] and the gradients, kept. */
  private gradients(b: DvaeBatch) {
    const model = this.model;
    const B = b.images.shape[0];
    const lr = lrAt(this.train, this.step);
    const temperature = temperatureAt(this.train, this.step);
    const klWeight = klWeightAt(this.train, this.step);
    const N = dvaeTokens(model.config);
    const noise = this.nextNoise(B);
    const vars = this.optimizer.params.map((p) => p.variable);
    const parts: { rec?: tf.Scalar; kl?: tf.Scalar; codes?: tf.Tensor1D } = {};
    const { stats, grads } = tf.tidy(() => {
      const pixels = tokenizerPixels(b.images, model.config.imgSize); // [B, 3, S, S] in [0, 1]
      // The noise, τ and β as tensors of the trainer's own arrays, named: a replayed step
      // (dvaeReplay.ts) writes them per step, where it would otherwise bake the traced values in.
      const gumbel = tf.tensor3d(hostInput('gumbel', noise), [B, N, model.config.vocabSize]);
      const tau = tf.tensor(hostInput('temperature', Float32Array.of(temperature)), []) as tf.Scalar;
      const beta = tf.tensor(hostInput('klWeight', Float32Array.of(klWeight)), []) as tf.Scalar;
      const { value, grads } = leanVariableGrads(() => {
        const l = model.loss(pixels, { gumbel, temperature: tau }, beta);
        parts.rec = tf.keep(l.reconstruction);
        parts.kl = tf.keep(l.kl);
        parts.codes = tf.keep(tf.argMax(l.logits, -1).reshape([-1]) as tf.Tensor1D);
        return l.total;
      }, vars);
      const stats = tf.stack([value, parts.rec!, parts.kl!, this.optimizer.gradNorm(grads)]) as tf.Tensor1D;
      return { stats, grads };
    });
    tf.dispose([parts.rec!, parts.kl!]);
    return { stats, codes: parts.codes!, grads, lr, temperature, klWeight };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
