// The ViT building blocks of the official CAE (models/modeling_cae_helper.py) as pure functions of
// a parameter lookup and input tensors. Letters: B batch, N/Nq/Nk token counts, D width, H heads.
import * as tf from '@tensorflow/tfjs';
import { drawDropFactors } from './hostArrays';
import {
  fusedCrossAttention,
  fusedGelu,
  fusedLayerNorm,
  fusedLinear,
  fusedScaledResidual,
  fusedSelfAttention,
  kernelsActive,
  tiledMatmulActive,
} from '../kernels/ops';
import type { Rng } from './random';

/** Looks a parameter up by its official name. */
export type Params = (name: string) => tf.Tensor;

/** Stochastic depth for one forward pass: the generator draws each sample's keep decision. */
export interface DropPath {
  readonly rng: Rng;
}

const LN_EPS = 1e-6;

/** x @ Wᵀ + b with W stored [out, in] as PyTorch does. x: [..., in] → [..., out]. */
export function linear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  // On WebGPU one kernel: the bias rides in the matmul's epilogue, and no reshapes are recorded.
  if (kernelsActive()) return fusedLinear(x, w, b);
  const shape = x.shape;
  const x2 = x.reshape([-1, shape[shape.length - 1]!]) as tf.Tensor2D;
  const y = tf.matMul(x2, w as tf.Tensor2D, false, true);
  return (b ? y.add(b) : y).reshape([...shape.slice(0, -1), w.shape[0]!]);
}

export function layerNorm(x: tf.Tensor, p: Params, name: string, eps = LN_EPS): tf.Tensor {
  if (kernelsActive()) return fusedLayerNorm(x, p(`${name}.weight`), p(`${name}.bias`), eps);
  const { mean, variance } = tf.moments(x, -1, true);
  return x
    .sub(mean)
    .mul(tf.rsqrt(variance.add(eps)))
    .mul(p(`${name}.weight`))
    .add(p(`${name}.bias`));
}

/** Exact GELU, 0.5·x·(1 + erf(x/√2)), as torch.nn.GELU() computes it (not the tanh approximation). */
export function gelu(x: tf.Tensor): tf.Tensor {
  if (kernelsActive()) return fusedGelu(x);
  return x.mul(0.5).mul(tf.erf(x.mul(Math.SQRT1_2)).add(1));
}

export function mlp(x: tf.Tensor, p: Params, name: string): tf.Tensor {
  // On the tiled matmul, fc1's GELU is its epilogue: no separate pass over the 4×-wide hidden layer.
  const h = tiledMatmulActive()
    ? fusedLinear(x, p(`${name}.fc1.weight`), p(`${name}.fc1.bias`), true)
    : gelu(linear(x, p(`${name}.fc1.weight`), p(`${name}.fc1.bias`)));
  return linear(h, p(`${name}.fc2.weight`), p(`${name}.fc2.bias`));
}

/** [B, N, D] → [B, H, N, D/H] */
function splitHeads(x: tf.Tensor, heads: number): tf.Tensor4D {
  const [B, N, D] = x.shape as [number, number, number];
  return x.reshape([B, N, heads, D / heads]).transpose([0, 2, 1, 3]);
}

/**
 * softmax(q·kᵀ/√d)·v per head. q: [B, Nq, D], k, v: [B, Nk, D] → [B, Nq, D].
 * With `weights`, the attention probabilities [B, H, Nq, Nk] are handed to it (for maps).
 */
export function multiHeadAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, heads: number, weights?: (a: tf.Tensor4D) => void): tf.Tensor {
  const [B, Nq, D] = q.shape as [number, number, number];
  const scale = (D / heads) ** -0.5;
  const qh = splitHeads(q.mul(scale), heads); // [B, H, Nq, hd]
  const kh = splitHeads(k, heads); // [B, H, Nk, hd]
  const vh = splitHeads(v, heads); // [B, H, Nk, hd]
  const a = tf.softmax(tf.matMul(qh, kh, false, true)) as tf.Tensor4D; // [B, H, Nq, Nk]
  if (weights) weights(a);
  return tf.matMul(a, vh).transpose([0, 2, 1, 3]).reshape([B, Nq, D]);
}

/** The official self-attention: one qkv weight, bias [q_bias, 0, v_bias], output projection. */
export function selfAttention(x: tf.Tensor, p: Params, name: string, heads: number, weights?: (a: tf.Tensor4D) => void): tf.Tensor {
  const qb = p(`${name}.q_bias`);
  // The fused kernel adds the q and v biases as it reads q and v (no [q_b, 0, v_b] concatenation);
  // it cannot hand out probabilities, so attention maps take the plain path.
  if (!weights && kernelsActive()) {
    const o = fusedSelfAttention(linear(x, p(`${name}.qkv.weight`)), qb, p(`${name}.v_bias`), heads);
    return linear(o, p(`${name}.proj.weight`), p(`${name}.proj.bias`));
  }
  const bias = tf.concat([qb, tf.zerosLike(qb), p(`${name}.v_bias`)]);
  const qkv = linear(x, p(`${name}.qkv.weight`), bias); // [B, N, 3D]
  const [q, k, v] = tf.split(qkv, 3, -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
  const o = multiHeadAttention(q, k, v, heads, weights);
  return linear(o, p(`${name}.proj.weight`), p(`${name}.proj.bias`));
}

/** The official CrossAttention: q, k, v weights without bias; q_bias and v_bias learned, k bias zero. */
export function crossAttention(
  xq: tf.Tensor,
  xk: tf.Tensor,
  xv: tf.Tensor,
  p: Params,
  name: string,
  heads: number,
  weights?: (a: tf.Tensor4D) => void,
): tf.Tensor {
  const q = linear(xq, p(`${name}.q.weight`), p(`${name}.q_bias`));
  const k = linear(xk, p(`${name}.k.weight`));
  const v = linear(xv, p(`${name}.v.weight`), p(`${name}.v_bias`));
  const o = !weights && kernelsActive() ? fusedCrossAttention(q, k, v, heads) : multiHeadAttention(q, k, v, heads, weights);
  return linear(o, p(`${name}.proj.weight`), p(`${name}.proj.bias`));
}

/** timm DropPath's per-sample factors floor(keep + U)/keep, one U per sample; null when off. */
function dropFactors(rate: number, dp: DropPath | undefined, B: number): Float32Array | null {
  if (!dp || rate <= 0) return null;
  return drawDropFactors(rate, dp.rng, B);
}

/** Per-sample residual drop (timm DropPath): x·floor(keep + U)/keep with one U per sample. */
export function dropPath(x: tf.Tensor, rate: number, dp: DropPath | undefined): tf.Tensor {
  const B = x.shape[0]!;
  const m = dropFactors(rate, dp, B);
  return m ? x.mul(tf.tensor(m, [B, ...x.shape.slice(1).map(() => 1)])) : x;
}

/**
 * The residual update x + DropPath(γ·a), γ the layer scale (null where the block has none). The
 * drop factors are drawn the same way on both paths, so fused and plain runs stay in step.
 */
export function residual(x: tf.Tensor, a: tf.Tensor, gamma: tf.Tensor | null, rate: number, dp: DropPath | undefined): tf.Tensor {
  if (gamma && kernelsActive()) {
    const m = dropFactors(rate, dp, x.shape[0]!);
    return fusedScaledResidual(x, a, gamma, m && tf.tensor1d(m));
  }
  return x.add(dropPath(gamma ? a.mul(gamma) : a, rate, dp));
}

/** Pre-norm ViT block: x += γ1·Attn(LN1(x)); x += γ2·MLP(LN2(x)). `weights` sees the attention. */
export function block(
  x: tf.Tensor,
  p: Params,
  name: string,
  heads: number,
  layerScale: boolean,
  rate: number,
  dp?: DropPath,
  weights?: (a: tf.Tensor4D) => void,
): tf.Tensor {
  const a = selfAttention(layerNorm(x, p, `${name}.norm1`), p, `${name}.attn`, heads, weights);
  x = residual(x, a, layerScale ? p(`${name}.gamma_1`) : null, rate, dp);
  const m = mlp(layerNorm(x, p, `${name}.norm2`), p, `${name}.mlp`);
  return residual(x, m, layerScale ? p(`${name}.gamma_2`) : null, rate, dp);
}

/**
 * Regressor block (official RegressorBlock): keys/values include the current queries, positions
 * on queries and keys but not on values, and the residual stream itself is normalized.
 * q: [B, Nm, Dd], kv: [B, Nv+Nm, Dd], posQ: [B, Nm, Dd], posK: [B, Nv+Nm, Dd].
 */
export function regressorBlock(
  q: tf.Tensor,
  kv: tf.Tensor,
  posQ: tf.Tensor,
  posK: tf.Tensor,
  p: Params,
  name: string,
  heads: number,
  rate: number,
  dp?: DropPath,
): tf.Tensor {
  const a = crossAttention(
    layerNorm(q.add(posQ), p, `${name}.norm1_q`),
    layerNorm(kv.add(posK), p, `${name}.norm1_k`),
    layerNorm(kv, p, `${name}.norm1_v`),
    p,
    `${name}.cross_attn`,
    heads,
  );
  let x = residual(q, a, p(`${name}.gamma_1_cross`), rate, dp);
  x = layerNorm(x, p, `${name}.norm2_cross`);
  return residual(x, mlp(x, p, `${name}.mlp_cross`), p(`${name}.gamma_2_cross`), rate, dp);
}

/** torch.linspace(0, rate, n): the drop-path rate of each block of a stack. */
export function dropPathRates(rate: number, n: number): number[] {
  if (n === 1) return [0];
  return Array.from({ length: n }, (_, i) => (rate * i) / (n - 1));
}
