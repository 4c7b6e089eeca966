// Every parameter of the CAE by its official state-dict name (Atten4Vis/CAE models/modeling_cae.py),
// with shape, initializer and weight-decay group. This table is the single source of names for the
// model, the optimizer and the checkpoint format. Linear weights are [out, in] as PyTorch stores them.
import { type CaeConfig, grid, hasProjection, headOutDim, numPatches } from './config';
import { Rng } from './random';
import { sincos2d } from './posembed';

export type Init =
  | { kind: 'xavier' } // xavier-uniform over [out, in]
  | { kind: 'truncNormal'; std: number } // N(0, std²) cut at ±std, as the official trunc_normal_
  | { kind: 'normal'; std: number } // N(0, std²), the probes' classifier weights
  | { kind: 'const'; value: number };

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: Init;
  /** False for the regressor's layer scale when its init is 0 (the official code freezes it at 1). */
  readonly trainable: boolean;
}

const xavier: Init = { kind: 'xavier' };
const zero: Init = { kind: 'const', value: 0 };
const one: Init = { kind: 'const', value: 1 };
const tokenInit: Init = { kind: 'truncNormal', std: 0.02 };

export function linear(out: ParamSpec[], name: string, dOut: number, dIn: number, bias = true): void {
  out.push({ name: `${name}.weight`, shape: [dOut, dIn], init: xavier, trainable: true });
  if (bias) out.push({ name: `${name}.bias`, shape: [dOut], init: zero, trainable: true });
}
export function layerNorm(out: ParamSpec[], name: string, d: number): void {
  out.push({ name: `${name}.weight`, shape: [d], init: one, trainable: true });
  out.push({ name: `${name}.bias`, shape: [d], init: zero, trainable: true });
}
function mlp(out: ParamSpec[], name: string, d: number, ratio: number): void {
  linear(out, `${name}.fc1`, d * ratio, d);
  linear(out, `${name}.fc2`, d, d * ratio);
}

/** A pre-norm ViT block (encoder and decoder): `blocks.i.{gamma_1, norm1, attn, norm2, mlp}`. */
function block(out: ParamSpec[], name: string, d: number, ratio: number, gamma: number): void {
  if (gamma > 0) {
    out.push({ name: `${name}.gamma_1`, shape: [d], init: { kind: 'const', value: gamma }, trainable: true });
    out.push({ name: `${name}.gamma_2`, shape: [d], init: { kind: 'const', value: gamma }, trainable: true });
  }
  layerNorm(out, `${name}.norm1`, d);
  out.push({ name: `${name}.attn.q_bias`, shape: [d], init: zero, trainable: true });
  out.push({ name: `${name}.attn.v_bias`, shape: [d], init: zero, trainable: true });
  linear(out, `${name}.attn.qkv`, 3 * d, d, false);
  linear(out, `${name}.attn.proj`, d, d);
  layerNorm(out, `${name}.norm2`, d);
  mlp(out, `${name}.mlp`, d, ratio);
}

/** The official CrossAttention: separate q, k, v without bias, learned q_bias and v_bias. */
export function crossAttention(out: ParamSpec[], name: string, d: number): void {
  out.push({ name: `${name}.q_bias`, shape: [d], init: zero, trainable: true });
  out.push({ name: `${name}.v_bias`, shape: [d], init: zero, trainable: true });
  linear(out, `${name}.q`, d, d, false);
  linear(out, `${name}.k`, d, d, false);
  linear(out, `${name}.v`, d, d, false);
  linear(out, `${name}.proj`, d, d);
}

function regressorBlock(out: ParamSpec[], name: string, d: number, ratio: number, gamma: number): void {
  // With init 0 the official code keeps γ = 1 as a frozen parameter.
  const g: Init = { kind: 'const', value: gamma > 0 ? gamma : 1 };
  out.push({ name: `${name}.gamma_1_cross`, shape: [d], init: g, trainable: gamma > 0 });
  out.push({ name: `${name}.gamma_2_cross`, shape: [d], init: g, trainable: gamma > 0 });
  for (const n of ['norm1_q', 'norm1_k', 'norm1_v', 'norm2_cross']) layerNorm(out, `${name}.${n}`, d);
  crossAttention(out, `${name}.cross_attn`, d);
  mlp(out, `${name}.mlp_cross`, d, ratio);
}

/** All parameters of the CAE for a config, in the official order. */
export function caeParamSpecs(c: CaeConfig): ParamSpec[] {
  const out: ParamSpec[] = [];
  const D = c.embedDim;
  const Dd = c.decoderEmbedDim;
  out.push({ name: 'mask_token', shape: [1, 1, Dd], init: tokenInit, trainable: true });
  out.push({ name: 'encoder.cls_token', shape: [1, 1, D], init: tokenInit, trainable: true });
  out.push({ name: 'encoder.patch_embed.proj.weight', shape: [D, 3, c.patchSize, c.patchSize], init: tokenInit, trainable: true });
  out.push({ name: 'encoder.patch_embed.proj.bias', shape: [D], init: zero, trainable: true });
  for (let i = 0; i < c.depth; i++) block(out, `encoder.blocks.${i}`, D, c.mlpRatio, c.layerScaleInit);
  layerNorm(out, 'encoder.norm', D);
  if (hasProjection(c)) {
    linear(out, 'encoder_to_regresser', Dd, D);
    layerNorm(out, 'encoder_to_regresser_norm', Dd);
  }
  for (let i = 0; i < c.regressorDepth; i++) regressorBlock(out, `regresser.regressor_blocks.${i}`, Dd, c.mlpRatio, c.decoderLayerScaleInit);
  layerNorm(out, 'regresser.norm', Dd);
  for (let i = 0; i < c.decoderDepth; i++) block(out, `decoder.decoder_blocks.${i}`, Dd, c.mlpRatio, c.decoderLayerScaleInit);
  layerNorm(out, 'decoder.norm', Dd);
  linear(out, 'decoder.head', headOutDim(c), Dd);
  return out;
}

/** Shapes of the frozen position buffers, as the official state dict has them. */
export function frozenBufferSpecs(c: CaeConfig): { name: string; shape: number[]; values: () => Float32Array }[] {
  const n = numPatches(c) + 1;
  return [
    { name: 'encoder.pos_embed', shape: [1, n, c.embedDim], values: () => sincos2d(grid(c), c.embedDim, true) },
    { name: 'rd_pos_embed', shape: [1, n, c.decoderEmbedDim], values: () => sincos2d(grid(c), c.decoderEmbedDim, true) },
  ];
}

/**
 * The official weight-decay rule (furnace/optim_factory.py get_parameter_groups): no decay for
 * 1-D parameters and biases. cls_token and mask_token are 3-D, so they are decayed.
 */
export function isDecayed(spec: Pick<ParamSpec, 'name' | 'shape'>): boolean {
  return !(spec.shape.length === 1 || spec.name.endsWith('.bias'));
}

export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Initial values, drawn from a seeded generator in the table's order. */
export function initValue(spec: ParamSpec, rng: Rng): Float32Array {
  const n = numel(spec.shape);
  const out = new Float32Array(n);
  const init = spec.init;
  if (init.kind === 'const') {
    out.fill(init.value);
  } else if (init.kind === 'xavier') {
    const [fanOut, fanIn] = spec.shape as [number, number];
    const a = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < n; i++) out[i] = rng.uniform(-a, a);
  } else if (init.kind === 'normal') {
    for (let i = 0; i < n; i++) out[i] = rng.normal() * init.std;
  } else {
    // Rejection sampling: the official trunc_normal_(std, a=-std, b=std) cuts at one std.
    for (let i = 0; i < n; i++) {
      let z = rng.normal();
      while (Math.abs(z) > 1) z = rng.normal();
      out[i] = z * init.std;
    }
  }
  return out;
}
