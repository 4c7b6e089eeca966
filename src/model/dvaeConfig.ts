// The d-VAE tokenizer's config: DALL-E's discrete VAE (Ramesh et al. 2021, arXiv 2102.12092,
// openai/DALL-E dall_e/encoder.py, decoder.py) at the notebook's scale, one frozen object per preset.
// The CAE paper's token targets come from such a tokenizer: one code per ViT patch.
//
// The architecture, written out once (the spec pytorch/dvae.py is written from):
//   Input: pixels in [0, 1], NCHW [B, 3, S, S]. The encoder reads DALL-E's map_pixels(x) =
//   (1 − 2ε)·x + ε with ε = PIXEL_EPS (so a converted DALL-E encoder sees what it was trained on);
//   the decoder predicts x itself, and the reconstruction term is the mean squared error in [0, 1].
//   Groups: L = log2(downsample) + 1 of them, group l has width hiddenDim·2^l (encoder) and
//   `blocksPerGroup` residual blocks; the encoder max-pools 2×2 after every group but the last,
//   the decoder runs the groups widest first and upsamples ×2 (nearest) after every group but the last.
//   Residual block (in → out): id(x) + postGain · conv3×3(relu(conv3×3(relu(x)))), convs with bias,
//   "same" padding; id is a 1×1 conv when in ≠ out, else identity; postGain = 1/(L·blocksPerGroup)²
//   as DALL-E's (its block has a 3-conv bottleneck; two 3×3 convs are this notebook's simplification).
//   Encoder: conv7×7(3 → h) · groups · relu · conv1×1(→ K): logits [B, K, g, g], g = S / downsample.
//   Decoder: conv1×1(K → widest) · groups · relu · conv1×1(h → 3): the image [B, 3, S, S].
//   Codes are read row-major: cell (i, j) is token i·g + j, the CAE's patch order.
//   Loss (ELBO, per DALL-E with a Gaussian likelihood in place of its logit-Laplace):
//     z = softmax((logits + G) / τ) over K, G standard Gumbel noise; x̂ = decoder(z);
//     reconstruction = mean over B·3·S·S of (x̂ − x)²;
//     kl = mean over the B·g·g cells of KL(softmax(logits) ‖ uniform(K)) = Σ q log q + log K (nats);
//     total = reconstruction + β·kl.
//   Initialization: conv weights N(0, 1/(in·k·k)) (DALL-E's), biases 0.
import { type CaeConfig, grid } from './config';

/** DALL-E's logit_laplace_eps: the encoder reads pixels squeezed into [ε, 1 − ε]. */
export const PIXEL_EPS = 0.1;
/** The official tokenizer's vocabulary (DALL-E's d-VAE, which CAE and BEiT use). */
export const OFFICIAL_VOCAB = 8192;

export interface DvaeConfig {
  /** Input side S in pixels (square): the crop the tokenizer reads (DALL-E for ViT-*-16-224: 112). */
  readonly imgSize: number;
  /** Pixels per code along each side, a power of two (DALL-E: 8); the code grid is imgSize / downsample. */
  readonly downsample: number;
  /** Codebook size K (the paper's tokenizer: 8 192; small presets want far fewer). */
  readonly vocabSize: number;
  /** Width h of the first group; group l is h·2^l wide (DALL-E: 256). */
  readonly hiddenDim: number;
  /** Residual blocks per group (DALL-E: 2). */
  readonly blocksPerGroup: number;
}

export const dvaeGrid = (c: DvaeConfig): number => c.imgSize / c.downsample; // g
export const dvaeTokens = (c: DvaeConfig): number => dvaeGrid(c) ** 2; // N
/** Number of groups: one per halving, plus the last at the code grid's resolution. */
export const dvaeGroups = (c: DvaeConfig): number => Math.round(Math.log2(c.downsample)) + 1;
export const groupWidth = (c: DvaeConfig, l: number): number => c.hiddenDim * 2 ** l;
/** DALL-E's post_gain: the residual branch is scaled by 1 / (number of blocks)². */
export const postGain = (c: DvaeConfig): number => 1 / (dvaeGroups(c) * c.blocksPerGroup) ** 2;

/** Throws one readable error for the first field that makes no sense. */
export function validateDvaeConfig(c: DvaeConfig): DvaeConfig {
  const int = (name: keyof DvaeConfig, min: number) => {
    const v = c[name];
    if (!Number.isInteger(v) || v < min) throw new Error(`tokenizer config.${name} must be an integer ≥ ${min}, got ${v}`);
  };
  int('imgSize', 1);
  int('downsample', 1);
  int('vocabSize', 2);
  int('hiddenDim', 1);
  int('blocksPerGroup', 1);
  if ((c.downsample & (c.downsample - 1)) !== 0) throw new Error(`tokenizer config.downsample must be a power of two, got ${c.downsample}`);
  if (c.imgSize % c.downsample !== 0) throw new Error(`tokenizer config.downsample ${c.downsample} must divide imgSize ${c.imgSize}`);
  return c;
}

/** The micro preset's tokenizer: 32 px, 8-px cells (4×4 codes), 256 codes, narrow convs (8·2^l). */
export const DVAE_MICRO = { imgSize: 32, downsample: 8, vocabSize: 256, hiddenDim: 8, blocksPerGroup: 1 } as const satisfies DvaeConfig;
/** For the 4-px-patch presets at 32 px (mini, vit-tiny-p4-32): 8×8 codes. */
export const DVAE_P4_32 = { imgSize: 32, downsample: 4, vocabSize: 512, hiddenDim: 16, blocksPerGroup: 1 } as const satisfies DvaeConfig;
/** For vit-s-p8-64: 8×8 codes of 8-px cells. */
export const DVAE_P8_64 = { imgSize: 64, downsample: 8, vocabSize: 1024, hiddenDim: 16, blocksPerGroup: 1 } as const satisfies DvaeConfig;
/** DALL-E's shape for ViT-*-16 at 224 px: the crop at 112 px, 8-px cells, 14×14 codes, 8 192 codes. */
export const DVAE_DALLE_112 = { imgSize: 112, downsample: 8, vocabSize: OFFICIAL_VOCAB, hiddenDim: 256, blocksPerGroup: 2 } as const satisfies DvaeConfig;

/**
 * Why a tokenizer cannot supply a CAE's token targets, in words, or null when it can: its code
 * grid must equal the patch grid (token i is patch i) and its codebook the model's vocabulary.
 * The tokenizer may read another input size than the CAE (DALL-E's 112 px for 224-px models).
 */
export function tokenizerMismatch(t: DvaeConfig, cae: CaeConfig): string | null {
  const g = grid(cae);
  if (dvaeGrid(t) !== g)
    return `the tokenizer makes a ${dvaeGrid(t)}×${dvaeGrid(t)} grid of codes (${t.imgSize} px / ${t.downsample}), but the model has ${g}×${g} patches (${cae.imgSize} px / ${cae.patchSize}); token i must be patch i`;
  if (t.vocabSize !== cae.vocabSize)
    return `the tokenizer has ${t.vocabSize} codes, but the model's token head predicts ${cae.vocabSize} (set its vocabulary to ${t.vocabSize})`;
  return null;
}

/** A tokenizer shaped for a CAE preset: its input size, one cell per patch, the given width and codebook. */
export function dvaeConfigFor(cae: CaeConfig, opts: { vocabSize: number; hiddenDim: number; blocksPerGroup?: number }): DvaeConfig {
  return validateDvaeConfig({ imgSize: cae.imgSize, downsample: cae.patchSize, blocksPerGroup: 1, ...opts });
}

export const DVAE_PRESETS = Object.freeze({
  micro: Object.freeze(DVAE_MICRO),
  'p4-32': Object.freeze(DVAE_P4_32),
  'p8-64': Object.freeze(DVAE_P8_64),
  'dalle-112': Object.freeze(DVAE_DALLE_112),
});
export type DvaePresetId = keyof typeof DVAE_PRESETS;
