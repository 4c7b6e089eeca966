// Probe heads on a frozen encoder (official models/modeling_finetune.py and tools/run_linear.py):
// - attentive: a learned query, LayerNorms on query, keys and values, one cross-attention with
//   q/v bias, no residual, no MLP, then BatchNorm(affine=False) and a linear classifier;
// - linear: BatchNorm(affine=False, eps 1e-6) and a linear classifier on CLS (or mean-pooled patches).
// Letters: B batch, T tokens (1+N, CLS first), D width, K classes.
import * as tf from '@tensorflow/tfjs';
import { type Params, crossAttention, layerNorm } from './layers';
import { type ParamSpec, crossAttention as crossAttentionSpecs, layerNorm as layerNormSpecs } from './params';

/** Parameters of the attentive block under `prefix` (the fixtures use `probe`). */
export function attentiveBlockSpecs(dim: number, prefix = 'probe'): ParamSpec[] {
  const out: ParamSpec[] = [{ name: `${prefix}.query_token`, shape: [1, 1, dim], init: { kind: 'const', value: 0 }, trainable: true }];
  for (const n of ['norm_q', 'norm_k', 'norm_v']) layerNormSpecs(out, `${prefix}.${n}`, dim);
  crossAttentionSpecs(out, `${prefix}.cross_attn`, dim);
  // The official probe initializes its linear layers with timm's trunc_normal_(std=.02), whose
  // bounds are ±2 absolute (100σ): a plain normal, not the model's cut at ±1σ. The query stays 0.
  return out.map((s) => (s.init.kind === 'xavier' ? { ...s, init: { kind: 'normal', std: 0.02 } } : s));
}

/** A linear classifier, weight N(0, 0.01²) and bias 0 as the official probes start. */
export function classifierSpecs(dim: number, classes: number, prefix = 'head'): ParamSpec[] {
  return [
    { name: `${prefix}.weight`, shape: [classes, dim], init: { kind: 'normal', std: 0.01 }, trainable: true },
    { name: `${prefix}.bias`, shape: [classes], init: { kind: 'const', value: 0 }, trainable: true },
  ];
}

/**
 * The attentive block: the query attends over every encoder output token X (CLS included).
 * x: [B, T, D] → [B, 1, D]. `weights` receives the attention [B, H, 1, T] (the paper's Figure 10).
 */
export function attentiveBlock(x: tf.Tensor3D, p: Params, heads: number, prefix = 'probe', weights?: (a: tf.Tensor4D) => void): tf.Tensor3D {
  const [B, , D] = x.shape;
  const q = tf.zeros([B, 1, D]).add(p(`${prefix}.query_token`));
  const out = crossAttention(
    layerNorm(q, p, `${prefix}.norm_q`),
    layerNorm(x, p, `${prefix}.norm_k`),
    layerNorm(x, p, `${prefix}.norm_v`),
    p,
    `${prefix}.cross_attn`,
    heads,
    weights,
  );
  return out as tf.Tensor3D;
}

/** Linear-probe features: CLS after the final LayerNorm (official), or the mean of patch tokens. */
export function probeFeatures(x: tf.Tensor3D, pooling: 'cls' | 'mean'): tf.Tensor2D {
  const [B, T, D] = x.shape;
  if (pooling === 'cls') return x.slice([0, 0, 0], [B, 1, D]).reshape([B, D]);
  return x.slice([0, 1, 0], [B, T - 1, D]).mean(1);
}

/**
 * How a BatchNorm normalizes: 'train' with the batch's statistics, updating the running averages;
 * 'batch' with the batch's statistics only (the official attentive probe evaluates so: its
 * LP_BatchNorm is never told it is evaluating); 'running' with the running averages (torch eval).
 */
export type BatchNormMode = 'train' | 'batch' | 'running';

/**
 * BatchNorm1d(affine=False): batch statistics while training (updating running averages with
 * momentum 0.1 and the unbiased variance, as torch does), running statistics in evaluation.
 */
export class BatchNormNoAffine {
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;

  constructor(
    dim: number,
    readonly eps: number,
    readonly momentum = 0.1,
  ) {
    this.runningMean = tf.tidy(() => tf.variable(tf.zeros([dim]), false));
    this.runningVar = tf.tidy(() => tf.variable(tf.ones([dim]), false));
  }

  /** x: [B, D] → [B, D]. */
  apply(x: tf.Tensor2D, mode: BatchNormMode): tf.Tensor2D {
    if (mode === 'running') return x.sub(this.runningMean).div(this.runningVar.add(this.eps).sqrt());
    const B = x.shape[0];
    const { mean, variance } = tf.moments(x, 0);
    if (mode === 'train')
      tf.tidy(() => {
        const unbiased = B > 1 ? variance.mul(B / (B - 1)) : variance;
        this.runningMean.assign(this.runningMean.mul(1 - this.momentum).add(mean.mul(this.momentum)));
        this.runningVar.assign(this.runningVar.mul(1 - this.momentum).add(unbiased.mul(this.momentum)));
      });
    return x.sub(mean).div(variance.add(this.eps).sqrt());
  }

  dispose(): void {
    this.runningMean.dispose();
    this.runningVar.dispose();
  }
}
