// The tokenizer form's checks and the fit of a tokenizer to a pretraining preset (issue 24): a token
// target is one code per ViT patch, so the tokenizer's grid must be the preset's patch grid, and the
// decoder's logits are over the tokenizer's K codes.
import type { CaeConfig } from '../model/config';
import { DVAE_MICRO, DVAE_P4_32, DVAE_P8_64 } from '../model/dvaeConfig';
import { PRESETS, type PresetId } from '../model/presets';
import { DVAE_BUDGET, DVAE_RECIPE } from '../train/dvaeSchedule';
import type { TokenizerEntry, TokenizerModel, TokenizerRef, TokenizerSpec } from '../protocol/messages';

/** The official vocabulary (DALL-E's d-VAE, used by BEiT and CAE). */
export const PAPER_VOCAB = 8192;

export interface TokenizerForm {
  readonly presetId: PresetId;
  /** Width of the d-VAE's first conv group. */
  readonly hiddenDim: number;
  /** K, the codebook size. */
  readonly vocabSize: number;
  readonly totalSteps: number;
  readonly batchSize: number;
  /** Learning rate at 64 images. */
  readonly baseLr: number;
  /** KL weight β. */
  readonly klWeight: number;
  readonly seed: number;
  readonly dataset: string;
  readonly checkpointEvery: number;
}

/**
 * The codebook and width the tokenizer's own presets give a CAE preset's grid (src/model/dvaeConfig.ts);
 * small presets want small codebooks: a few hundred images a step cannot use 8192 codes.
 */
const SUGGESTED: Partial<Record<PresetId, { vocabSize: number; hiddenDim: number }>> = {
  micro: DVAE_MICRO,
  'vit-tiny-p4-32': DVAE_P4_32,
  'vit-s-p8-64': DVAE_P8_64,
};
const FALLBACK = { vocabSize: 1024, hiddenDim: 16 };

/** K and width suggested for a preset, for the form to start from. */
export const suggestedTokenizer = (presetId: PresetId) => {
  const s = SUGGESTED[presetId] ?? FALLBACK;
  return { vocabSize: s.vocabSize, hiddenDim: s.hiddenDim };
};

export const initialTokenizerForm = (presetId: PresetId = 'micro', dataset = 'shapes-easy'): TokenizerForm => ({
  presetId,
  ...suggestedTokenizer(presetId),
  ...DVAE_BUDGET,
  ...DVAE_RECIPE,
  seed: 0,
  dataset,
  checkpointEvery: 50,
});

/** A checked spec from the form, or what is wrong with it in words. */
export function buildTokenizerSpec(f: TokenizerForm, id: string, now: number): TokenizerSpec | string {
  const m = PRESETS[f.presetId];
  if (!m) return `There is no preset "${f.presetId}".`;
  const int = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!int(f.vocabSize, 2)) return `The codebook size K must be a whole number of at least 2 (got ${f.vocabSize}); the paper uses ${PAPER_VOCAB}.`;
  if (!int(f.hiddenDim, 1)) return `The tokenizer's width must be a whole number of at least 1 (got ${f.hiddenDim}).`;
  if (!Number.isInteger(Math.log2(m.patchSize)))
    return `The tokenizer downsamples by powers of two, but preset ${f.presetId} has ${m.patchSize}-px patches: choose a preset whose patch size is a power of two.`;
  if (!int(f.totalSteps, 1)) return `The tokenizer's steps must be a whole number of at least 1 (got ${f.totalSteps}).`;
  if (!int(f.batchSize, 1)) return `The tokenizer's batch must be a whole number of at least 1 (got ${f.batchSize}).`;
  if (!(Number.isFinite(f.baseLr) && f.baseLr > 0))
    return `The tokenizer's learning rate must be a number above 0 (got ${f.baseLr}); the recipe's is ${DVAE_RECIPE.baseLr}.`;
  if (!(Number.isFinite(f.klWeight) && f.klWeight >= 0))
    return `The KL weight β must be a number of at least 0 (got ${f.klWeight}); the recipe's is ${DVAE_RECIPE.klWeight}.`;
  if (!int(f.seed, 0)) return `The seed must be a whole number of at least 0 (got ${f.seed}).`;
  if (!int(f.checkpointEvery, 1)) return `Checkpoints must be taken every whole number of steps, at least 1 (got ${f.checkpointEvery}).`;
  const model = { imgSize: m.imgSize, downsample: m.patchSize, vocabSize: f.vocabSize, hiddenDim: f.hiddenDim, blocksPerGroup: 1 };
  return { id, presetId: f.presetId, model, ...pick(f), createdAt: now };
}

const pick = (f: TokenizerForm) => ({
  totalSteps: f.totalSteps,
  batchSize: f.batchSize,
  baseLr: f.baseLr,
  klWeight: f.klWeight,
  seed: f.seed,
  dataset: f.dataset,
  checkpointEvery: f.checkpointEvery,
});

/**
 * Why a tokenizer cannot give a model's token targets, in words, or null when it fits: its code
 * grid must be the model's patch grid (token i is patch i). It may read another input size (DALL-E's
 * 112 px for 224-px models). The model's vocabulary is set from the tokenizer when a run is built;
 * `checkVocab` also refuses a model whose head predicts another number of codes.
 */
export function tokenizerMismatch(id: string, t: TokenizerModel, m: CaeConfig, checkVocab = false): string | null {
  const tg = t.imgSize / t.downsample;
  const mg = m.imgSize / m.patchSize;
  if (tg !== mg)
    return `tokenizer ${id} makes a ${tg}×${tg} grid of codes (${t.imgSize} px / ${t.downsample}), but the model has ${mg}×${mg} patches (${m.imgSize} px / ${m.patchSize}); token i must be patch i, so train a tokenizer for this preset`;
  if (checkVocab && t.vocabSize !== m.vocabSize) return `tokenizer ${id} has ${t.vocabSize} codes, but the model's token head predicts ${m.vocabSize}`;
  return null;
}

/** What a run's spec keeps of its tokenizer. */
export const tokenizerRef = (t: TokenizerEntry): TokenizerRef => ({ id: t.id, model: t.model, step: t.step });

/** How a run's target reads in lists and tables: "pixels" or "tokens (tok-…, K=64)". */
export const targetWords = (spec: { model: CaeConfig; tokenizer?: TokenizerRef }): string =>
  spec.model.target === 'pixel' ? 'pixels' : `tokens (${spec.tokenizer?.id ?? 'no tokenizer'}, K=${spec.model.vocabSize})`;

/** The tokenizers a pretraining run may choose: those kept in this browser and those the worker holds (files), by id. */
export function tokenizerChoices(
  kept: readonly { spec: TokenizerSpec; checkpoint: unknown; step: number }[],
  held: readonly TokenizerEntry[],
): TokenizerEntry[] {
  const out = new Map<string, TokenizerEntry>();
  for (const t of kept) if (t.checkpoint) out.set(t.spec.id, { id: t.spec.id, model: t.spec.model, step: t.step });
  for (const t of held) out.set(t.id, t);
  return [...out.values()];
}

/**
 * A pixel-target spec made a token-target one with tokenizer `t`: the model's vocabulary becomes
 * the tokenizer's K and the spec names it. A tokenizer whose grid does not fit is refused, in words.
 */
export function withTokenizer<S extends { model: CaeConfig }>(spec: S, t: TokenizerEntry | undefined): (S & { tokenizer: TokenizerRef }) | string {
  if (!t) return 'Token targets need a tokenizer: train one in the Tokenizer view (or import one), then choose it under Masking and objective.';
  const why = tokenizerMismatch(t.id, t.model, spec.model);
  if (why) return `Token targets cannot use this tokenizer: ${why}.`;
  return { ...spec, model: { ...spec.model, target: 'token', vocabSize: t.model.vocabSize }, tokenizer: tokenizerRef(t) };
}
