// AdamW exactly as torch.optim.AdamW steps (decoupled decay, bias-corrected moments), with the
// official decay groups and torch's global-norm gradient clipping (clip_grad_norm_).
import * as tf from '@tensorflow/tfjs';
import { FlatAdamW, adamWWords } from '../kernels/adamw';
import { kernelsActive } from '../kernels/ops';

export interface AdamWParam {
  readonly name: string;
  readonly variable: tf.Variable;
  /** Whether weight decay applies (the official rule: not for 1-D parameters or biases). */
  readonly decay: boolean;
  /**
   * Multiplies the learning rate (and so the decoupled decay) of this parameter: the fine-tuning
   * recipe's layer-wise decay (official param group `lr_scale`). 1 when absent.
   */
  readonly lrScale?: number;
}

export interface AdamWHyper {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

/**
 * torch.nn.utils.clip_grad_norm_: the factor min(1, maxNorm / (‖g‖ + 1e-6)); 1 when maxNorm is 0.
 * Rounded to float32 at each step, as the tensor arithmetic it replaces was. The plain optimizer's
 * (on the CPU); the fused one computes it on the GPU (`applyClipped`), which may differ in the last bit.
 */
export function clipFactor(norm: number, maxNorm: number): number {
  if (maxNorm <= 0) return 1;
  return Math.min(1, Math.fround(maxNorm / Math.fround(norm + 1e-6)));
}

/**
 * ‖g‖₂ over all gradients together. The partial sums are added pairwise, not with one addN: a
 * WebGPU kernel binds one buffer per input, and a model's hundred gradients exceed the limit.
 */
export function globalNorm(grads: readonly tf.Tensor[]): tf.Scalar {
  let parts: tf.Tensor[] = grads.map((g) => tf.sum(tf.square(g)));
  while (parts.length > 1) {
    const next: tf.Tensor[] = [];
    for (let i = 0; i < parts.length; i += 2) next.push(i + 1 < parts.length ? parts[i]!.add(parts[i + 1]!) : parts[i]!);
    parts = next;
  }
  return tf.sqrt(parts[0]!) as tf.Scalar;
}

export class AdamW {
  readonly params: readonly AdamWParam[];
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  /** On WebGPU: all parameters updated by one fused kernel, moments in one flat tensor. */
  private readonly flat: FlatAdamW | null;
  private updates = 0;
  /** Updates taken so far (torch's per-parameter `step`, shared here); changed only by the methods below. */
  get t(): number {
    return this.updates;
  }

  constructor(
    params: readonly AdamWParam[],
    private readonly hp: AdamWHyper,
  ) {
    this.params = params;
    // A state too large for one binding of this device takes the plain path, and so do per-parameter
    // learning rates, which the fused kernel does not take.
    const uniform = params.every((p) => (p.lrScale ?? 1) === 1);
    this.flat = uniform && kernelsActive() && FlatAdamW.fits(params) ? new FlatAdamW(params) : null;
    this.m = this.flat ? [] : params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false)));
    this.v = this.flat ? [] : params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false)));
  }

  /** The fused optimizer over one flat state, where it runs (WebGPU); the replayed step updates its state. */
  get fused(): FlatAdamW | null {
    return this.flat;
  }

  /** The hyperparameters every step uses. */
  get hyper(): AdamWHyper {
    return this.hp;
  }

  /** Counts an update the replayed step made on the GPU (its `t` as `apply` would have counted it). */
  advance(): void {
    this.updates += 1;
  }

  /** Back to update count `t`, the GPU's skip flag cleared: an update made or dispatched after it was refused. */
  rewindTo(t: number): void {
    this.updates = t;
    this.resetNonFinite();
  }

  /** The fused update's uniform words for update `t` (by default the next) at rate `lr`: what the replayed step writes. */
  updateWords(lr: number, t = this.t + 1): Uint8Array {
    if (!this.flat) throw new Error('AdamW.updateWords: only the fused optimizer has update words');
    return adamWWords({ ...this.hp, lr, t }, this.flat.decayEnd);
  }

  /** ‖g‖₂ of these gradients together (for clipping); `apply` with the same list follows. */
  gradNorm(grads: readonly tf.Tensor[]): tf.Scalar {
    return this.flat ? this.flat.gradNorm(grads) : globalNorm(grads);
  }

  /** One update with learning rate `lr`; each gradient is first multiplied by `scale` (clipping). */
  apply(grads: readonly tf.Tensor[], lr: number, scale: number): void {
    if (grads.length !== this.params.length) throw new Error(`AdamW: ${grads.length} gradients for ${this.params.length} parameters`);
    this.updates += 1;
    const { beta1, beta2, eps, weightDecay } = this.hp;
    if (this.flat) return this.flat.apply(grads, { ...this.hp, lr, t: this.t }, scale);
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      for (let i = 0; i < grads.length; i++) {
        const p = this.params[i]!.variable;
        const plr = lr * (this.params[i]!.lrScale ?? 1);
        const g = grads[i]!.mul(scale);
        const m = this.m[i]!.mul(beta1).add(g.mul(1 - beta1));
        const v = this.v[i]!.mul(beta2).add(g.square().mul(1 - beta2));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        const decayed = this.params[i]!.decay && weightDecay > 0 ? p.mul(1 - plr * weightDecay) : p;
        const denom = v.sqrt().div(Math.sqrt(bc2)).add(eps);
        p.assign(decayed.sub(m.div(denom).mul(plr / bc1)));
      }
    });
  }

  /**
   * The fused optimizer's update with the clip factor for `maxNorm` computed on the GPU from
   * `stats` [total, reconstruction, alignment, ‖g‖], with no read-back before it. If the loss or
   * the norm is not finite, the GPU leaves weights and moments as they were, and so does every
   * later update until `resetNonFinite`; the caller, learning of it from the stats, undoes `t`.
   */
  applyClipped(grads: readonly tf.Tensor[], stats: tf.Tensor, lr: number, maxNorm: number): void {
    if (!this.flat) throw new Error('AdamW.applyClipped: only the fused optimizer clips on the GPU');
    if (grads.length !== this.params.length) throw new Error(`AdamW: ${grads.length} gradients for ${this.params.length} parameters`);
    this.updates += 1;
    this.flat.clip(stats, maxNorm);
    this.flat.apply(grads, { ...this.hp, lr, t: this.t });
  }

  /** After a skipped (non-finite) step: the GPU applies updates again. */
  resetNonFinite(): void {
    this.flat?.resetStatus();
  }

  /** The moments, by parameter name, for checkpoints. */
  async state(): Promise<{ name: string; m: Float32Array; v: Float32Array; shape: number[] }[]> {
    if (this.flat) {
      const moments = await this.flat.moments();
      return this.params.map((p, i) => ({ name: p.name, shape: p.variable.shape, ...moments[i]! }));
    }
    return Promise.all(
      this.params.map(async (p, i) => ({
        name: p.name,
        shape: p.variable.shape,
        m: (await this.m[i]!.data()) as Float32Array,
        v: (await this.v[i]!.data()) as Float32Array,
      })),
    );
  }

  /** Restores moments and step count; every parameter's moments must be given. */
  load(t: number, moments: ReadonlyMap<string, { m: Float32Array; v: Float32Array }>): void {
    for (const p of this.params) if (!moments.has(p.name)) throw new Error(`optimizer state has no moments for "${p.name}"`);
    this.updates = t;
    if (this.flat) return this.flat.load(this.params.map((p) => moments.get(p.name)!));
    this.params.forEach((p, i) => {
      const s = moments.get(p.name)!;
      tf.tidy(() => {
        this.m[i]!.assign(tf.tensor(s.m, p.variable.shape));
        this.v[i]!.assign(tf.tensor(s.v, p.variable.shape));
      });
    });
  }

  dispose(): void {
    this.flat?.dispose();
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
