// A tokenizer's checkpoint (issue 24): the d-VAE's weights under their documented names
// (src/model/dvaeParams.ts), AdamW moments under `optimizer.*`, and in the metadata the config, the
// recipe and the trainer's state (step, Gumbel stream), so a tokenizer run resumes exactly and a
// token-target run or the lab reads the tokenizer alone. Loading checks everything before it builds.
// (Written on the app side while the tokenizer's own trainer files land; same layout as
// src/train/checkpoint.ts for the CAE.)
import * as tf from '@tensorflow/tfjs';
import { Dvae } from '../model/dvae';
import { type DvaeConfig, validateDvaeConfig } from '../model/dvaeConfig';
import { dvaeParamSpecs } from '../model/dvaeParams';
import { assertFinite } from '../model/finite';
import { readSafetensors, type StFile, type StTensor, writeSafetensors } from '../model/safetensors';
import type { DvaeTrainConfig } from '../train/dvaeSchedule';
import { DvaeTrainer, type DvaeTrainerState } from '../train/dvaeTrainer';

export const TOKENIZER_FORMAT = 'cae-notebook/dvae-1';
const M = (name: string) => `optimizer.exp_avg.${name}`;
const V = (name: string) => `optimizer.exp_avg_sq.${name}`;

interface SavedState extends DvaeTrainerState {
  readonly optimizerStep: number;
}

/** Serializes weights, optimizer and trainer state; `extra` goes to the metadata under `run.*`. */
export async function saveDvaeCheckpoint(trainer: DvaeTrainer, extra: Record<string, string> = {}): Promise<Uint8Array> {
  const model = trainer.model;
  const tensors: [string, StTensor][] = [];
  for (const s of model.specs) {
    const data = (await model.vars.get(s.name)!.data()) as Float32Array;
    tensors.push([s.name, { dtype: 'F32', shape: [...s.shape], data }]);
  }
  for (const s of await trainer.optimizer.state()) {
    tensors.push([M(s.name), { dtype: 'F32', shape: s.shape, data: s.m }]);
    tensors.push([V(s.name), { dtype: 'F32', shape: s.shape, data: s.v }]);
  }
  const state: SavedState = { ...trainer.state(), optimizerStep: trainer.optimizer.t };
  const metadata: Record<string, string> = {
    format: TOKENIZER_FORMAT,
    'dvae.model': JSON.stringify(model.config),
    'dvae.train': JSON.stringify(trainer.train),
    'dvae.state': JSON.stringify(state),
  };
  for (const [k, v] of Object.entries(extra)) metadata[`run.${k}`] = v;
  return writeSafetensors(tensors, metadata);
}

function json<T>(file: StFile, key: string): T | undefined {
  const raw = file.metadata[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new Error(`its metadata "${key}" is not valid JSON`);
  }
}

/** The file, its config, and its weights checked against the parameter table (names, shapes, finite). */
function checked(bytes: Uint8Array): { file: StFile; config: DvaeConfig } {
  const file = readSafetensors(bytes);
  const config = json<DvaeConfig>(file, 'dvae.model');
  if (!config) throw new Error('it carries no tokenizer config (metadata "dvae.model"): it is not a tokenizer exported by this notebook');
  validateDvaeConfig(config);
  for (const s of dvaeParamSpecs(config)) {
    const t = file.tensors.get(s.name);
    if (!t) throw new Error(`it has no tensor "${s.name}"`);
    if (t.shape.join(',') !== s.shape.join(',')) throw new Error(`its tensor "${s.name}" has shape [${t.shape}], the config needs [${s.shape}]`);
  }
  assertFinite(file, [...file.tensors.keys()], (n) => n.startsWith('optimizer.exp_avg_sq.'));
  return { file, config };
}

function fill(model: Dvae, file: StFile): void {
  for (const s of model.specs) {
    const t = file.tensors.get(s.name)!;
    tf.tidy(() => model.vars.get(s.name)!.assign(tf.tensor(t.data as Float32Array, [...s.shape])));
  }
}

/** The tokenizer alone, for token targets and the lab, with the step it was saved at. */
export function readTokenizer(bytes: Uint8Array): { tokenizer: Dvae; step: number } {
  const { file, config } = checked(bytes);
  const tokenizer = new Dvae(config, null);
  fill(tokenizer, file);
  return { tokenizer, step: json<SavedState>(file, 'dvae.state')?.step ?? 0 };
}

/** Rebuilds a tokenizer run from its checkpoint: weights, optimizer, step and Gumbel stream; `extra` is its `run.*` metadata. */
export function loadDvaeCheckpoint(bytes: Uint8Array, train: DvaeTrainConfig): { trainer: DvaeTrainer; extra: Record<string, string> } {
  const { file, config } = checked(bytes);
  const state = json<SavedState>(file, 'dvae.state');
  if (!state || !Number.isInteger(state.step) || !Number.isInteger(state.optimizerStep)) throw new Error('it carries no trainer state to resume from');
  const model = new Dvae(config, null);
  const trainer = new DvaeTrainer(model, train);
  try {
    fill(model, file);
    const moments = new Map(
      trainer.optimizer.params.map((p) => {
        const m = file.tensors.get(M(p.name));
        const v = file.tensors.get(V(p.name));
        if (!m || !v) throw new Error(`it has no optimizer moments for "${p.name}"`);
        return [p.name, { m: m.data as Float32Array, v: v.data as Float32Array }];
      }),
    );
    trainer.optimizer.load(state.optimizerStep, moments);
    trainer.restore(state);
  } catch (e) {
    trainer.dispose();
    model.dispose();
    throw e;
  }
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.metadata)) if (k.startsWith('run.')) extra[k.slice(4)] = v;
  return { trainer, extra };
}
