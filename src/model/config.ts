// The CAE model config: architecture plus the pretraining objective, one frozen object per preset.
// Field names follow the paper's ablation knobs; `toOfficialConfig` maps them to the official
// argument names (Atten4Vis/CAE tools/run_pretraining.py) that checkpoints carry in their metadata.

/** How the decoder's target is formed (paper Table 8 compares both). */
export type TargetKind = 'pixel' | 'token';
/** Which mask generator chooses the masked patches. */
export type MaskKind = 'block' | 'random';

export interface CaeConfig {
  /** Input image side in pixels (square images). */
  readonly imgSize: number;
  /** Patch side in pixels; must divide imgSize. */
  readonly patchSize: number;
  /** Encoder width D. Divisible by 4 (sin-cos positions) and by numHeads. */
  readonly embedDim: number;
  /** Number of encoder blocks. */
  readonly depth: number;
  /** Encoder attention heads (the official ViT-S uses 12, timm's 6). */
  readonly numHeads: number;
  /** MLP hidden width as a multiple of the block width (4 everywhere in the paper). */
  readonly mlpRatio: number;
  /** Regressor/decoder width Dd; when it differs from D a Linear(D, Dd) + LayerNorm projects. */
  readonly decoderEmbedDim: number;
  /** Number of cross-attention blocks in the latent contextual regressor (paper ablation, default 4). */
  readonly regressorDepth: number;
  /** Number of decoder blocks over the masked tokens (paper ablation, default 4). */
  readonly decoderDepth: number;
  /** Attention heads in regressor and decoder. */
  readonly decoderNumHeads: number;
  /** Initial layer-scale γ of encoder blocks (official `init_values`); 0 means no layer scale. */
  readonly layerScaleInit: number;
  /** Initial layer-scale γ of regressor and decoder blocks (official `decoder_layer_scale_init_value`). */
  readonly decoderLayerScaleInit: number;
  /** Stochastic depth: block i of a stack of n drops its residual with rate i/(n−1)·dropPathRate. */
  readonly dropPathRate: number;
  /** Fraction of patches masked per image (official default 98 of 196 = 0.5). */
  readonly maskRatio: number;
  /** Block-wise (BEiT, as CAE uses it) or uniform random masking. */
  readonly maskKind: MaskKind;
  /** Smallest block of the block-wise generator, in patches (official 16 at 14×14). */
  readonly maskMinPatches: number;
  /** Weight λ of the alignment loss (paper default 2). */
  readonly alignWeight: number;
  /** Whether the alignment loss is trained at all (paper ablation: off makes CAE a plain MIM). */
  readonly alignment: boolean;
  /** Reconstruct normalized pixels (default) or discrete tokens. */
  readonly target: TargetKind;
  /** Pixel targets: normalize each patch by its own mean and variance (the default; MAE's ablation). */
  readonly normPixTarget: boolean;
  /** Token targets: size of the tokenizer's codebook (decoder logits). Ignored for pixel targets. */
  readonly vocabSize: number;
}

export const grid = (c: CaeConfig): number => c.imgSize / c.patchSize; // g
export const numPatches = (c: CaeConfig): number => grid(c) ** 2; // N
export const patchDim = (c: CaeConfig): number => c.patchSize * c.patchSize * 3; // C
/** Masked patches per image, the same for every image so tokens gather into dense tensors. */
export const numMasked = (c: CaeConfig): number => Math.round(c.maskRatio * numPatches(c)); // Nm
export const headOutDim = (c: CaeConfig): number => (c.target === 'pixel' ? patchDim(c) : c.vocabSize);
export const hasProjection = (c: CaeConfig): boolean => c.decoderEmbedDim !== c.embedDim;

/**
 * A config field that makes no sense: `message` names it in code terms (for logs and the worker's
 * last guard); `field`, `value` and `rule` (in words, no code names) let a form say it beside the
 * field with the field's own label (src/app/validation.ts).
 */
export class ConfigFieldError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

/** Throws one readable error for the first field that makes no sense. */
export function validateConfig(c: CaeConfig): CaeConfig {
  const fail = (field: keyof CaeConfig, rule: string, message: string): never => {
    throw new ConfigFieldError(field, c[field], rule, message);
  };
  const int = (name: keyof CaeConfig, min: number) => {
    const v = c[name] as number;
    if (!Number.isInteger(v) || v < min) fail(name, `must be a whole number of at least ${min}`, `config.${name} must be an integer ≥ ${min}, got ${v}`);
  };
  int('imgSize', 1);
  int('patchSize', 1);
  int('embedDim', 4);
  int('depth', 1);
  int('numHeads', 1);
  int('decoderEmbedDim', 4);
  int('regressorDepth', 0);
  int('decoderDepth', 0);
  int('decoderNumHeads', 1);
  int('maskMinPatches', 1);
  if (c.imgSize % c.patchSize !== 0)
    fail('patchSize', `must divide the image size (${c.imgSize} px)`, `config.patchSize ${c.patchSize} must divide imgSize ${c.imgSize}`);
  if (c.embedDim % 4 !== 0)
    fail(
      'embedDim',
      'must be divisible by 4 (for the 2-D sin-cos positions)',
      `config.embedDim ${c.embedDim} must be divisible by 4 for 2-D sin-cos positions`,
    );
  if (c.decoderEmbedDim % 4 !== 0) fail('decoderEmbedDim', 'must be divisible by 4', `config.decoderEmbedDim ${c.decoderEmbedDim} must be divisible by 4`);
  if (c.embedDim % c.numHeads !== 0)
    fail('numHeads', `must divide the encoder width (${c.embedDim})`, `config.embedDim ${c.embedDim} must be divisible by numHeads ${c.numHeads}`);
  if (c.decoderEmbedDim % c.decoderNumHeads !== 0)
    fail(
      'decoderNumHeads',
      `must divide the decoder width (${c.decoderEmbedDim})`,
      `config.decoderEmbedDim ${c.decoderEmbedDim} must be divisible by decoderNumHeads ${c.decoderNumHeads}`,
    );
  if (!(c.mlpRatio > 0) || !Number.isInteger(c.embedDim * c.mlpRatio))
    fail('mlpRatio', 'must give a whole-number MLP width', `config.mlpRatio ${c.mlpRatio} must give an integer MLP width`);
  if (!(c.dropPathRate >= 0 && c.dropPathRate < 1))
    fail('dropPathRate', 'must be at least 0 and below 1', `config.dropPathRate must be in [0, 1), got ${c.dropPathRate}`);
  if (!(c.layerScaleInit >= 0)) fail('layerScaleInit', 'must be 0 or more', 'config layer-scale inits must be ≥ 0');
  if (!(c.decoderLayerScaleInit >= 0)) fail('decoderLayerScaleInit', 'must be 0 or more', 'config layer-scale inits must be ≥ 0');
  const nm = numMasked(c);
  const masks = `config.maskRatio ${c.maskRatio} must mask at least one and keep at least one of ${numPatches(c)} patches`;
  if (!(c.maskRatio > 0 && c.maskRatio < 1)) fail('maskRatio', 'must be between 0 and 1', masks);
  if (nm < 1 || nm >= numPatches(c)) fail('maskRatio', `must mask at least one of the ${numPatches(c)} patches and keep at least one`, masks);
  if (c.maskKind !== 'block' && c.maskKind !== 'random')
    fail('maskKind', 'must be block-wise or random', `config.maskKind must be 'block' or 'random', got ${String(c.maskKind)}`);
  if (!(c.alignWeight >= 0)) fail('alignWeight', 'must be 0 or more', `config.alignWeight must be ≥ 0, got ${c.alignWeight}`);
  if (c.target !== 'pixel' && c.target !== 'token')
    fail('target', 'must be pixels or tokens', `config.target must be 'pixel' or 'token', got ${String(c.target)}`);
  if (c.target === 'token') int('vocabSize', 2);
  return c;
}

/** The official argument names, as the parity fixtures' `__metadata__.config` spells them. */
export interface OfficialConfig {
  img_size: number;
  patch_size: number;
  embed_dim: number;
  depth: number;
  num_heads: number;
  mlp_ratio?: number;
  decoder_embed_dim: number;
  regressor_depth: number;
  decoder_depth: number;
  decoder_num_heads: number;
  decoder_num_classes: number;
  init_values: number;
  decoder_layer_scale_init_value?: number;
  drop_path?: number;
  num_masked?: number;
  num_mask_patches?: number;
  align_loss_weight?: number;
}

export function toOfficialConfig(c: CaeConfig): OfficialConfig {
  return {
    img_size: c.imgSize,
    patch_size: c.patchSize,
    embed_dim: c.embedDim,
    depth: c.depth,
    num_heads: c.numHeads,
    mlp_ratio: c.mlpRatio,
    decoder_embed_dim: c.decoderEmbedDim,
    regressor_depth: c.regressorDepth,
    decoder_depth: c.decoderDepth,
    decoder_num_heads: c.decoderNumHeads,
    decoder_num_classes: headOutDim(c),
    init_values: c.layerScaleInit,
    decoder_layer_scale_init_value: c.decoderLayerScaleInit,
    drop_path: c.dropPathRate,
    num_mask_patches: numMasked(c),
    align_loss_weight: c.alignWeight,
  };
}

/**
 * A config from the official names. The official model always has a token head of
 * `decoder_num_classes` logits, so that is what this returns; fields the official config does
 * not carry take the official defaults.
 */
export function fromOfficialConfig(o: OfficialConfig): CaeConfig {
  const n = (v: unknown, name: string): number => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`official config: ${name} is missing or not a number`);
    return v;
  };
  const g = n(o.img_size, 'img_size') / n(o.patch_size, 'patch_size');
  const masked = o.num_masked ?? o.num_mask_patches ?? Math.round((g * g) / 2);
  return validateConfig({
    imgSize: o.img_size,
    patchSize: o.patch_size,
    embedDim: n(o.embed_dim, 'embed_dim'),
    depth: n(o.depth, 'depth'),
    numHeads: n(o.num_heads, 'num_heads'),
    mlpRatio: o.mlp_ratio ?? 4,
    decoderEmbedDim: n(o.decoder_embed_dim, 'decoder_embed_dim'),
    regressorDepth: n(o.regressor_depth, 'regressor_depth'),
    decoderDepth: n(o.decoder_depth, 'decoder_depth'),
    decoderNumHeads: n(o.decoder_num_heads, 'decoder_num_heads'),
    layerScaleInit: o.init_values ?? 0.1,
    decoderLayerScaleInit: o.decoder_layer_scale_init_value ?? 0.1,
    dropPathRate: o.drop_path ?? 0,
    maskRatio: masked / (g * g),
    maskKind: 'block',
    maskMinPatches: 16,
    alignWeight: o.align_loss_weight ?? 2,
    alignment: true,
    target: 'token',
    normPixTarget: true,
    vocabSize: n(o.decoder_num_classes, 'decoder_num_classes'),
  });
}
