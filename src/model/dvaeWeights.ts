// The tokenizer's weights ↔ safetensors, under the names of dvaeParams.ts, with its config in the
// metadata ("dvae.model", the DvaeConfig as JSON) so a file says what it holds. Loading is strict:
// every parameter present with its shape, nothing unknown, every value finite, or nothing changes.
import * as tf from '@tensorflow/tfjs';
import { Dvae } from './dvae';
import { type DvaeConfig, validateDvaeConfig } from './dvaeConfig';
import { assertFinite } from './finite';
import type { StFile, StTensor } from './safetensors';

/** The format tag of a tokenizer file (weights only, or a run with optimizer state). */
export const DVAE_FORMAT = 'cae-notebook/dvae-1';
/** Names that may ride along in a tokenizer file: the run's optimizer moments. */
const OPTIMIZER = 'optimizer.';

export async function dvaeTensors(model: Dvae): Promise<[string, StTensor][]> {
  const out: [string, StTensor][] = [];
  for (const s of model.specs) out.push([s.name, { dtype: 'F32', shape: s.shape, data: (await model.vars.get(s.name)!.data()) as Float32Array }]);
  return out;
}

/** The metadata that names a tokenizer file's format and config. */
export const dvaeMetadata = (config: DvaeConfig): Record<string, string> => ({ format: DVAE_FORMAT, 'dvae.model': JSON.stringify(config) });

/** The config a tokenizer file carries, validated; a clear error if it carries none or a bad one. */
export function dvaeConfigOf(file: StFile): DvaeConfig {
  const raw = file.metadata['dvae.model'];
  if (raw === undefined) throw new Error(`this file is not a tokenizer: its metadata has no "dvae.model" config (format "${file.metadata.format ?? 'none'}")`);
  let c: DvaeConfig;
  try {
    c = JSON.parse(raw) as DvaeConfig;
  } catch {
    throw new Error('tokenizer metadata "dvae.model" is not valid JSON');
  }
  // A converted DALL-E encoder (model/tokenizer.ts reads it) shares these fields but not the layers.
  const kind = (c as { kind?: unknown }).kind;
  if (kind !== undefined) throw new Error(`this file holds a tokenizer of kind ${JSON.stringify(kind)}, not the notebook's d-VAE (encoder and decoder)`);
  return validateDvaeConfig(c);
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** The first way a file's tensors do not fit the tokenizer, in words, or null when they all do. */
export function dvaeWeightsMismatch(specs: Dvae['specs'], file: StFile): string | null {
  for (const s of specs) {
    const t = file.tensors.get(s.name);
    if (!t) return `missing tensor "${s.name}" (expected shape [${s.shape}])`;
    if (t.dtype !== 'F32') return `tensor "${s.name}" is ${t.dtype}, expected F32`;
    if (!sameShape(t.shape, s.shape)) return `tensor "${s.name}" has shape [${t.shape}], the tokenizer's config expects [${s.shape}]`;
  }
  const known = new Set(specs.map((s) => s.name));
  for (const name of file.tensors.keys())
    if (!known.has(name) && !name.startsWith(OPTIMIZER)) return `unexpected tensor "${name}": this tokenizer has no such parameter`;
  return null;
}

/** Loads weights, or throws naming the first mismatch or non-finite tensor, leaving the model as it was. */
export function loadDvaeWeights(model: Dvae, file: StFile): void {
  const problem = dvaeWeightsMismatch(model.specs, file);
  if (problem) throw new Error(`tokenizer file does not fit: ${problem}`);
  assertFinite(
    file,
    model.specs.map((s) => s.name),
  );
  for (const s of model.specs) tf.tidy(() => model.vars.get(s.name)!.assign(tf.tensor(file.tensors.get(s.name)!.data as Float32Array, [...s.shape])));
}

/** A tokenizer built from a file's own config and weights; nothing stays allocated if they do not fit. */
export function dvaeFromFile(file: StFile): Dvae {
  const model = new Dvae(dvaeConfigOf(file), null);
  try {
    loadDvaeWeights(model, file);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
