// The model presets: frozen, typed configs (timm's variant table). Sizes follow the official CAE
// code (ViT-S has 12 heads there); regressor and decoder are as wide as the encoder, 4 blocks deep.
import type { CaeConfig } from './config';

/** The objective and masking the paper uses, with this project's default pixel target. */
const PAPER_OBJECTIVE = {
  mlpRatio: 4,
  regressorDepth: 4,
  decoderDepth: 4,
  layerScaleInit: 0.1,
  decoderLayerScaleInit: 0.1,
  dropPathRate: 0.1,
  maskRatio: 0.5,
  maskKind: 'block',
  alignWeight: 2,
  alignment: true,
  target: 'pixel',
  normPixTarget: true,
  vocabSize: 8192,
} as const;

/**
 * A very small model for smoke tests and weak machines: few blocks, because on a software GPU
 * (SwiftShader) every kernel launch costs milliseconds whatever its size.
 */
export const MICRO = {
  ...PAPER_OBJECTIVE,
  imgSize: 32,
  patchSize: 8,
  embedDim: 32,
  depth: 2,
  numHeads: 2,
  decoderEmbedDim: 32,
  regressorDepth: 1,
  decoderDepth: 1,
  decoderNumHeads: 2,
  dropPathRate: 0,
  maskMinPatches: 2,
} as const satisfies CaeConfig;

/**
 * The step up from micro for experiments on a CPU or a small GPU: 3× wider, 2× deeper, and 4× the
 * patches (4-px patches on 32-px images: 64 patches, so masking and attention have room). About
 * 0.45 M encoder parameters (micro: 32 k); the encoder's forward pass on all 65 tokens is ~65 MFLOPs
 * per image (micro's on 17 tokens: ~1 MFLOP), so it trains ~10–60× slower than micro.
 */
export const MINI = {
  ...PAPER_OBJECTIVE,
  imgSize: 32,
  patchSize: 4,
  embedDim: 96,
  depth: 4,
  numHeads: 3,
  decoderEmbedDim: 96,
  regressorDepth: 1,
  decoderDepth: 1,
  decoderNumHeads: 3,
  dropPathRate: 0,
  maskMinPatches: 5,
} as const satisfies CaeConfig;

/** ViT-Tiny with 4-px patches on 32-px images (CIFAR scale): 64 patches. Smallest mask block 5
 * keeps the official 16/196 share of the grid. */
export const VIT_TINY_P4_32 = {
  ...PAPER_OBJECTIVE,
  imgSize: 32,
  patchSize: 4,
  embedDim: 192,
  depth: 12,
  numHeads: 12,
  decoderEmbedDim: 192,
  decoderNumHeads: 12,
  maskMinPatches: 5,
} as const satisfies CaeConfig;

/** ViT-S with 8-px patches on 64-px images: 64 patches. */
export const VIT_S_P8_64 = {
  ...PAPER_OBJECTIVE,
  imgSize: 64,
  patchSize: 8,
  embedDim: 384,
  depth: 12,
  numHeads: 12,
  decoderEmbedDim: 384,
  decoderNumHeads: 12,
  maskMinPatches: 5,
} as const satisfies CaeConfig;

/** The paper's ViT-S/16 at 224 px: 196 patches, 98 masked, blocks of at least 16. */
export const VIT_S_P16_224 = {
  ...PAPER_OBJECTIVE,
  imgSize: 224,
  patchSize: 16,
  embedDim: 384,
  depth: 12,
  numHeads: 12,
  decoderEmbedDim: 384,
  decoderNumHeads: 12,
  maskMinPatches: 16,
} as const satisfies CaeConfig;

/** The paper's ViT-B/16 at 224 px. */
export const VIT_B_P16_224 = {
  ...VIT_S_P16_224,
  embedDim: 768,
  numHeads: 12,
  decoderEmbedDim: 768,
  decoderNumHeads: 12,
} as const satisfies CaeConfig;

export const PRESETS = Object.freeze({
  micro: Object.freeze(MICRO),
  mini: Object.freeze(MINI),
  'vit-tiny-p4-32': Object.freeze(VIT_TINY_P4_32),
  'vit-s-p8-64': Object.freeze(VIT_S_P8_64),
  'vit-s-p16-224': Object.freeze(VIT_S_P16_224),
  'vit-b-p16-224': Object.freeze(VIT_B_P16_224),
});

export type PresetId = keyof typeof PRESETS;
export const PRESET_IDS = Object.keys(PRESETS) as PresetId[];

export function preset(id: string): CaeConfig {
  if (!(id in PRESETS)) throw new Error(`unknown preset "${id}"; choose one of ${PRESET_IDS.join(', ')}`);
  return PRESETS[id as PresetId];
}
