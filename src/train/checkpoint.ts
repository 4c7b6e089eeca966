// A run's checkpoint: the model under its official names, AdamW moments under `optimizer.*`, and
// in the metadata the configs and the trainer state (step, random streams), so a run resumes
// exactly. Loading validates everything before it changes anything.
import { Cae } from '../model/cae';
import { FORMAT, readModelCheckpoint } from '../model/checkpoint';
import { type CaeConfig, toOfficialConfig } from '../model/config';
import { assertFinite, badValues } from '../model/finite';
import { caeParamSpecs } from '../model/params';
import { type StFile, type StTensor, writeSafetensors } from '../model/safetensors';
import { loadModelWeights, modelTensorNames, modelTensors, weightsMismatch } from '../model/weights';
import { type TrainConfig, validateTrainConfig } from './config';
import { loadMoments, momentName, momentsMismatch, momentTensors, OPTIMIZER_PREFIX, secondMomentName } from './optimizerState';
import { CaeTrainer, type TrainerState } from './trainer';

const M = momentName;
const V = secondMomentName;

interface SavedState extends TrainerState {
  readonly optimizerStep: number;
}

/**
 * Serializes model, optimizer and trainer state. `extra` carries the caller's own resumable state
 * (data order, augmentation streams) as metadata strings under `run.*`.
 */
export async function saveCheckpoint(trainer: CaeTrainer, extra: Record<string, string> = {}, withOptimizer = true): Promise<Uint8Array> {
  const tensors: [string, StTensor][] = await modelTensors(trainer.model);
  if (withOptimizer) tensors.push(...(await momentTensors(trainer.optimizer)));
  const state: SavedState = { ...trainer.state(), optimizerStep: trainer.optimizer.t };
  const metadata: Record<string, string> = {
    format: FORMAT,
    config: JSON.stringify(toOfficialConfig(trainer.model.config)),
    'cae.model': JSON.stringify(trainer.model.config),
    'cae.train': JSON.stringify(trainer.train),
    'cae.state': JSON.stringify(state),
  };
  for (const [k, v] of Object.entries(extra)) metadata[`run.${k}`] = v;
  return writeSafetensors(tensors, metadata);
}

function savedState(file: StFile): SavedState | null {
  const raw = file.metadata['cae.state'];
  if (raw === undefined) return null;
  let s: SavedState;
  try {
    s = JSON.parse(raw) as SavedState;
  } catch {
    throw new Error('checkpoint metadata "cae.state" is not valid JSON');
  }
  const rng = (r: unknown) => Array.isArray(r) && r.length === 4 && r.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32);
  if (!Number.isInteger(s.step) || s.step < 0 || !Number.isInteger(s.optimizerStep) || !rng(s.maskRng) || !rng(s.dropRng))
    throw new Error('checkpoint metadata "cae.state" is malformed');
  return s;
}

/**
 * Refuses a checkpoint whose model tensors or optimizer moments hold NaN or ±Inf (or a negative
 * second moment), naming the first such tensor: a DamagedCheckpointError. Reads the parameter
 * table, not a model, so checking a file allocates no weights.
 */
export function assertCheckpointFinite(file: StFile, config: CaeConfig): void {
  const moments = [...file.tensors.keys()].filter((n) => n.startsWith(OPTIMIZER_PREFIX));
  assertFinite(file, [...modelTensorNames({ specs: caeParamSpecs(config), config }), ...moments], (n) => n.startsWith(V('')));
}

/**
 * The first tensor of a live trainer (weights, then moments) that is not finite, described, or
 * null when all are. Reads every tensor back from the device: for failure paths only.
 */
export async function nonFiniteState(trainer: CaeTrainer): Promise<string | null> {
  for (const s of trainer.model.specs) {
    const problem = badValues((await trainer.model.vars.get(s.name)!.data()) as Float32Array);
    if (problem) return `tensor "${s.name}" holds ${problem}`;
  }
  for (const s of await trainer.optimizer.state()) {
    const m = badValues(s.m);
    if (m) return `tensor "${M(s.name)}" holds ${m}`;
    const v = badValues(s.v, true);
    if (v) return `tensor "${V(s.name)}" holds ${v}`;
  }
  return null;
}

export interface RestoredRun {
  readonly model: Cae;
  readonly trainer: CaeTrainer;
  /** True when the file held optimizer state and step, so training continues exactly. */
  readonly resumed: boolean;
  /** The caller's `run.*` metadata, prefix removed. */
  readonly extra: Record<string, string>;
}

/**
 * Rebuilds a run from a checkpoint. Files without optimizer state (official weights, exports)
 * start a fresh optimizer at step 0 with `train`. Throws with the first mismatch, allocating
 * nothing that outlives the call.
 */
export function loadCheckpoint(bytes: ArrayBuffer | Uint8Array, opts: { train?: TrainConfig; fallbackConfig?: CaeConfig } = {}): RestoredRun {
  const { config, file } = readModelCheckpoint(bytes, opts.fallbackConfig);
  let train = opts.train;
  const savedTrain = file.metadata['cae.train'];
  if (!train && savedTrain !== undefined) {
    try {
      train = JSON.parse(savedTrain) as TrainConfig;
    } catch {
      throw new Error('checkpoint metadata "cae.train" is not valid JSON');
    }
  }
  if (!train) throw new Error('checkpoint carries no training config; pass one to start training from these weights');
  validateTrainConfig(train);
  const state = savedState(file);
  // Before any model exists: a damaged file must not become a run that "diverges" on its first step.
  assertCheckpointFinite(file, config);
  const model = new Cae(config, null);
  const trainer = new CaeTrainer(model, train);
  try {
    const problem = weightsMismatch(model, file) ?? (state ? momentsMismatch(trainer.optimizer, file) : null);
    if (problem) throw new Error(`checkpoint does not fit its config: ${problem}`);
    loadModelWeights(model, file);
    if (state) {
      loadMoments(trainer.optimizer, file, state.optimizerStep);
      trainer.restore(state);
    }
  } catch (e) {
    trainer.dispose();
    model.dispose();
    throw e;
  }
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(file.metadata)) if (k.startsWith('run.')) extra[k.slice(4)] = v;
  return { model, trainer, resumed: state !== null, extra };
}
