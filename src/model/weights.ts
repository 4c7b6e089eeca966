// Model weights ↔ safetensors tensors under the official state-dict names. Loading checks every
// name and shape against the config first and changes nothing unless all of them fit.
import * as tf from '@tensorflow/tfjs';
import { Cae } from './cae';
import type { CaeConfig } from './config';
import { assertFinite } from './finite';
import { frozenBufferSpecs, numel } from './params';
import type { StFile, StTensor } from './safetensors';

/** Names in official checkpoints that this model does not hold and safely ignores. */
const IGNORED_PREFIXES = [
  'alignment_encoder.', // the official code keeps a copy of the encoder for the target; it equals `encoder.*`
  'probe.', // attentive-probe weights ride along in the parity fixtures
  'optimizer.', // this project's optimizer state, read by the trainer
];

/** Every parameter plus the frozen sin-cos buffers, as the official state dict holds them. */
export async function modelTensors(model: Cae): Promise<[string, StTensor][]> {
  const out: [string, StTensor][] = [];
  for (const s of model.specs) {
    const data = (await model.vars.get(s.name)!.data()) as Float32Array;
    out.push([s.name, { dtype: 'F32', shape: s.shape, data }]);
  }
  for (const b of frozenBufferSpecs(model.config)) out.push([b.name, { dtype: 'F32', shape: b.shape, data: b.values() }]);
  return out;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Checks a file's tensors against the model: the message names the first mismatch.
 * Returns null when every parameter is present with the right shape.
 */
export function weightsMismatch(model: Pick<Cae, 'specs' | 'config'>, file: StFile): string | null {
  for (const s of model.specs) {
    const t = file.tensors.get(s.name);
    if (!t) return `missing tensor "${s.name}" (expected shape [${s.shape}])`;
    if (t.dtype !== 'F32') return `tensor "${s.name}" is ${t.dtype}, expected floating point`;
    if (!sameShape(t.shape, s.shape)) return `tensor "${s.name}" has shape [${t.shape}], the config expects [${s.shape}]`;
  }
  for (const b of frozenBufferSpecs(model.config)) {
    const t = file.tensors.get(b.name);
    if (!t) continue; // derived, not learned: files may leave them out
    if (!sameShape(t.shape, b.shape)) return `tensor "${b.name}" has shape [${t.shape}], the config expects [${b.shape}]`;
    const want = b.values();
    for (let i = 0; i < want.length; i++)
      if (Math.abs(t.data[i]! - want[i]!) > 1e-4) return `tensor "${b.name}" is not the fixed 2-D sin-cos position embedding this model uses`;
  }
  const known = new Set<string>([...model.specs.map((s) => s.name), ...frozenBufferSpecs(model.config).map((b) => b.name)]);
  for (const name of file.tensors.keys()) {
    if (known.has(name) || IGNORED_PREFIXES.some((p) => name.startsWith(p))) continue;
    return `unexpected tensor "${name}": this config has no such parameter`;
  }
  return null;
}

/** The tensors of a file that the model reads (its parameters) or checks (the frozen buffers). */
export function modelTensorNames(model: Pick<Cae, 'specs' | 'config'>): string[] {
  return [...model.specs.map((s) => s.name), ...frozenBufferSpecs(model.config).map((b) => b.name)];
}

/**
 * Loads weights into the model, or throws naming the first mismatch or the first tensor holding
 * NaN or ±Inf (DamagedCheckpointError), and leaves the model as it was.
 */
export function loadModelWeights(model: Cae, file: StFile): void {
  const problem = weightsMismatch(model, file);
  if (problem) throw new Error(`checkpoint does not fit this model: ${problem}`);
  assertFinite(file, modelTensorNames(model));
  for (const s of model.specs) {
    const t = file.tensors.get(s.name)!;
    tf.tidy(() => model.vars.get(s.name)!.assign(tf.tensor(t.data as Float32Array, [...s.shape])));
  }
}

/** A model built from a checkpoint's own config with its weights; nothing is left allocated if they do not fit. */
export function modelFromCheckpoint(ckpt: { config: CaeConfig; file: StFile }): Cae {
  const model = new Cae(ckpt.config, null);
  try {
    loadModelWeights(model, ckpt.file);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

export const paramCount = (model: Cae): number => model.specs.reduce((a, s) => a + numel(s.shape), 0);
