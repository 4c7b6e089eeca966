// DALL-E's own d-VAE encoder as a tokenizer (issue 24, the paper's CAE*): the published encoder
// (openai/DALL-E dall_e/encoder.py, arXiv 2102.12092) read from a file pytorch/convert_dalle.py
// wrote. It is encoder-only: it gives codes (the argmax of its logits) for token targets and token
// maps, but DALL-E's decoder is not converted, so nothing can be decoded from its codes.
//
// The architecture (pytorch/dalle_encoder.py states it at length):
//   input conv7×7(3 → h); 4 groups of `blocksPerGroup` blocks, widths h, 2h, 4h, 8h, a 2×2 max-pool
//   after each of the first three (so downsample is always 8); output relu · conv1×1(8h → K).
//   Block (in → out): id(x) + postGain · res(x), id a 1×1 conv when in ≠ out else the identity,
//   res = relu·conv3×3(in → out/4)·relu·conv3×3·relu·conv3×3·relu·conv1×1(→ out),
//   postGain = 1 / (4·blocksPerGroup)². Convs "same"-padded with bias, weights [out, in, k, k].
//   Input pixels in [0, 1] go through map_pixels first, as for the notebook's own d-VAE.
import { type DvaeConfig, OFFICIAL_VOCAB, validateDvaeConfig } from './dvaeConfig';

export const DALLE_KIND = 'dalle-encoder';
/** The published encoder's fixed number of groups: three pools, 8× downsampling. */
export const DALLE_GROUPS = 4;
export const DALLE_DOWNSAMPLE = 8;

/** The fields of a d-VAE config (so grid and vocabulary checks read it alike), tagged with its kind. */
export interface DalleEncoderConfig extends DvaeConfig {
  readonly kind: typeof DALLE_KIND;
  readonly downsample: typeof DALLE_DOWNSAMPLE;
}

/** DALL-E's tokenizer for ViT-*-16 at 224 px: the crop at 112 px, 14×14 codes of 8 192 (n_hid 256, 2 blocks a group). */
export const DALLE_ENCODER_112 = Object.freeze({
  kind: DALLE_KIND,
  imgSize: 112,
  downsample: DALLE_DOWNSAMPLE,
  vocabSize: OFFICIAL_VOCAB,
  hiddenDim: 256,
  blocksPerGroup: 2,
} as const satisfies DalleEncoderConfig);

/** A config whose `kind` says it is DALL-E's encoder (a file's `dvae.model` JSON, parsed). */
export const isDalleEncoderConfig = (c: DvaeConfig | DalleEncoderConfig): c is DalleEncoderConfig => (c as { kind?: unknown }).kind === DALLE_KIND;

/** Throws one readable error for the first field that does not fit the published encoder. */
export function validateDalleEncoderConfig(c: DalleEncoderConfig): DalleEncoderConfig {
  if (c.kind !== DALLE_KIND) throw new Error(`a DALL-E encoder config has kind "${DALLE_KIND}", got ${JSON.stringify(c.kind)}`);
  validateDvaeConfig(c);
  if (c.downsample !== DALLE_DOWNSAMPLE)
    throw new Error(`DALL-E's encoder downsamples by ${DALLE_DOWNSAMPLE} (four groups, three pools), got downsample ${c.downsample}`);
  if (c.hiddenDim % 4 !== 0)
    throw new Error(`DALL-E's encoder blocks narrow to a quarter of their width: hiddenDim must be a multiple of 4, got ${c.hiddenDim}`);
  return c;
}
