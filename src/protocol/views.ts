// The pictures and points the worker sends for the views to draw: reconstructions, attention maps,
// the image lab's panels, feature embeddings. Plain typed arrays, sent as transferables. Part of the
// protocol (src/protocol/messages.ts re-exports them, so both sides still import one file); kept
// apart because they are payloads, not messages.

/** Reconstructions through the hard codes (argmax) beside the originals: `count` RGBA pairs, size×size. */
export interface TokenizerView {
  readonly step: number;
  readonly size: number;
  readonly count: number;
  readonly original: Uint8ClampedArray;
  readonly recon: Uint8ClampedArray;
}

/** The live reconstruction view: `count` validation images, four RGBA panels each, size×size. */
export interface ReconView {
  readonly step: number;
  readonly size: number;
  readonly count: number;
  readonly original: Uint8ClampedArray;
  readonly masked: Uint8ClampedArray;
  readonly recon: Uint8ClampedArray;
  readonly composite: Uint8ClampedArray;
}

/** Attention maps over the patch grid for `count` validation images (paper Figure 10). */
export interface AttentionView {
  readonly size: number;
  readonly grid: number;
  readonly count: number;
  readonly heads: number;
  readonly layers: number;
  /** RGBA images, size×size each. */
  readonly images: Uint8ClampedArray;
  /** The attentive probe's query attention on the patches, [count, heads, grid²]. */
  readonly probe: Float32Array;
  /** The encoder's CLS self-attention on the patches, [layers, count, heads, grid²]. */
  readonly encoder: Float32Array;
}

/** The image lab's panels for one image and mask, RGBA size×size each. */
export interface LabView {
  readonly size: number;
  readonly grid: number;
  readonly target: 'pixel' | 'token';
  /** Which model made it, in words ("run-… at step 12"). */
  readonly label: string;
  readonly maskedCount: number;
  readonly original: Uint8ClampedArray;
  /** The visible patches, masked ones in grey. */
  readonly masked: Uint8ClampedArray;
  /** Pixel targets: the masked patches' reconstruction with the true patch mean and variance; token targets: predicted token ids as colours. Null when nothing is masked. */
  readonly recon: Uint8ClampedArray | null;
  readonly composite: Uint8ClampedArray | null;
  /** Per-patch error of the masked patches in the loss's own space, NaN elsewhere; [grid²]. Null for token targets (no true tokens). */
  readonly errors: Float32Array | null;
  readonly errorMax: number;
  readonly error: Uint8ClampedArray | null;
  /** Paper Figure 4: encoder on every patch, regressor skipped, decoder on every patch. */
  readonly full: Uint8ClampedArray;
  /** The first three principal components of the image's patch features (every patch visible) as RGB. */
  readonly features: Uint8ClampedArray;
  /** The token panels when the request named a tokenizer (issue 24); null when it named none. */
  readonly tokens?: TokenLabView | null;
}

/** The image under a tokenizer, and a token-target model's prediction decoded through it. */
export interface TokenLabView {
  /** Which tokenizer, in words. */
  readonly tokenizer: string;
  readonly grid: number;
  /** The image's codes, [g²] row-major (the hover shows them). */
  readonly codes: Int32Array;
  /** The codes as colours, RGBA at the model's size. */
  readonly tokenMap: Uint8ClampedArray;
  /** Side of the decoded panels: the tokenizer's input size. */
  readonly size: number;
  /** The tokenizer's reconstruction from the image's codes; null for a tokenizer with no decoder (DALL-E's converted encoder). */
  readonly decoded: Uint8ClampedArray | null;
  /** Why nothing is decoded, in words; null when the tokenizer decodes. */
  readonly noDecoder: string | null;
  /** A token-target model's argmax code per masked patch, −1 elsewhere; null for other models or no mask. */
  readonly predictedCodes: Int32Array | null;
  /** The true codes with the masked ones replaced by the predicted, decoded; null without a decoder. */
  readonly predicted: Uint8ClampedArray | null;
  /** Share of masked patches whose code was predicted exactly, in [0, 1]. */
  readonly exact: number | null;
}

/** Validation patches of a dataset mapped to 2-D by their encoder features (paper Figure 7). */
export interface EmbeddingView {
  /** [M, 2]. */
  readonly points: Float32Array;
  /** [M]: an index into classNames. */
  readonly labels: Int32Array;
  readonly classNames: readonly string[];
  /** 'patch': each patch labelled by the object covering most of it (shapes); 'image': by its image's label. */
  readonly labelledBy: 'patch' | 'image';
  /** The index of "background" in classNames when labelled by patch. */
  readonly background: number | null;
  /** Patch side, px; `patches` holds M RGBA patches of patch×patch for the hover. */
  readonly patch: number;
  readonly patches: Uint8ClampedArray;
  readonly images: number;
  /** Which model made it, in words. */
  readonly label: string;
}
