// The kinds of tokenizer a token-target run can read codes from (issue 24): the notebook's own d-VAE
// (trained here, encoder and decoder) and DALL-E's published encoder converted by
// pytorch/convert_dalle.py (encoder only, the paper's CAE*). A file says which in its "dvae.model"
// metadata: a `kind` of "dalle-encoder", or none for the notebook's d-VAE.
import * as tf from '@tensorflow/tfjs';
import { DalleEncoder } from './dalleEncoder';
import { type DalleEncoderConfig, isDalleEncoderConfig, validateDalleEncoderConfig } from './dalleEncoderConfig';
import { Dvae } from './dvae';
import type { DvaeConfig } from './dvaeConfig';
import { dvaeFromFile, dvaeWeightsMismatch } from './dvaeWeights';
import { assertFinite } from './finite';
import type { StFile } from './safetensors';

/** What token targets and token maps need of a tokenizer: its grid and codebook, and codes. */
export interface TokenEncoder {
  readonly config: DvaeConfig;
  codes(images: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

export type Tokenizer = Dvae | DalleEncoder;

/** The format tag pytorch/convert_dalle.py writes. */
export const DALLE_ENCODER_FORMAT = 'cae-notebook/dalle-encoder-1';

/** Why a view that decodes codes cannot use this tokenizer, or null when it can. */
export const noDecoderReason = (t: Tokenizer): string | null =>
  t instanceof Dvae
    ? null
    : "DALL-E's encoder (converted by pytorch/convert_dalle.py) has no decoder: its codes can be targets and a token map, but cannot be decoded to an image";

/** The kind-tagged config a tokenizer file carries, or null for a file without one. */
function rawConfig(file: StFile): (DvaeConfig | DalleEncoderConfig) | null {
  const raw = file.metadata['dvae.model'];
  if (raw === undefined) return null;
  try {
    return JSON.parse(raw) as DvaeConfig | DalleEncoderConfig;
  } catch {
    throw new Error('tokenizer metadata "dvae.model" is not valid JSON');
  }
}

/** DALL-E's encoder from a converted file: names, shapes and values checked strictly; nothing stays allocated on failure. */
export function dalleEncoderFromFile(file: StFile): DalleEncoder {
  const c = rawConfig(file);
  if (!c || !isDalleEncoderConfig(c)) throw new Error('this file is not a converted DALL-E encoder: its "dvae.model" metadata has no kind "dalle-encoder"');
  const model = new DalleEncoder(validateDalleEncoderConfig(c), null);
  try {
    const problem = dvaeWeightsMismatch(model.specs, file);
    if (problem) throw new Error(`DALL-E encoder file does not fit: ${problem}`);
    assertFinite(
      file,
      model.specs.map((s) => s.name),
    );
    for (const s of model.specs) tf.tidy(() => model.vars.get(s.name)!.assign(tf.tensor(file.tensors.get(s.name)!.data as Float32Array, [...s.shape])));
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** Either kind of tokenizer from its file, by the kind its metadata names. */
export function tokenizerFromFile(file: StFile): Tokenizer {
  const c = rawConfig(file);
  return c && isDalleEncoderConfig(c) ? dalleEncoderFromFile(file) : dvaeFromFile(file);
}
