// A tokenizer run's checkpoint: weights (dvaeWeights.ts names), AdamW moments under
// `optimizer.exp_avg.NAME` / `optimizer.exp_avg_sq.NAME`, and in the metadata the tokenizer config
// ("dvae.model"), the training config ("dvae.train") and the trainer state ("dvae.state": step and
// Gumbel stream), so a run resumes exactly. Without the optimizer it is the tokenizer's export.
import { Dvae } from '../model/dvae';
import { assertFinite } from '../model/finite';
import { readSafetensors, type StFile, type StTensor, writeSafetensors } from '../model/safetensors';
import { dvaeConfigOf, dvaeMetadata, dvaeTensors, dvaeWeightsMismatch, loadDvaeWeights } from '../model/dvaeWeights';
import { type DvaeTrainConfig, validateDvaeTrainConfig } from './dvaeSchedule';
import { DvaeTrainer, type DvaeTrainerState } from './dvaeTrainer';
import { loadMoments, momentsMismatch, momentTensors, OPTIMIZER_PREFIX, secondMomentName } from './optimizerState';

interface SavedState extends DvaeTrainerState {
  readonly optimizerStep: number;
}

/** Serializes the tokenizer, optionally its optimizer and state; `extra` goes to `run.*` metadata. */
export async function saveDvaeCheckpoint(trainer: DvaeTrainer, extra: Record<string, string> = {}, withOptimizer = true): Promise<Uint8Array> {
  const tensors: [string, StTensor][] = await dvaeTensors(trainer.model);
  const metadata: Record<string, string> = { ...dvaeMetadata(trainer.model.config), 'dvae.train': JSON.stringify(trainer.train) };
  if (withOptimizer) {
    tensors.push(...(await momentTensors(trainer.optimizer)));
    const state: SavedState = { ...trainer.state(), optimizerStep: trainer.optimizer.t };
    metadata['dvae.state'] = JSON.stringify(state);
  }
  for (const [k, v] of Object.entries(extra)) metadata[`run.${k}`] = v;
  return writeSafetensors(tensors, metadata);
}

function savedState(file: StFile): SavedState | null {
  const raw = file.metadata['dvae.state'];
  if (raw === undefined) return null;
  let s: SavedState;
  try {
    s = JSON.parse(raw) as SavedState;
  } catch {
    throw new Error('tokenizer checkpoint metadata "dvae.state" is not valid JSON');
  }
  const rng = (r: unknown) => Array.isArray(r) && r.length === 4 && r.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32);
  if (!Number.isInteger(s.step) || s.step < 0 || !Number.isInteger(s.optimizerStep) || !rng(s.gumbelRng))
    throw new Error('tokenizer checkpoint metadata "dvae.state" is malformed');
  return s;
}

export interface RestoredDvaeRun {
  readonly model: Dvae;
  readonly trainer: DvaeTrainer;
  /** True when the file held optimizer state and step: training continues exactly. */
  readonly resumed: boolean;
  readonly extra: Record<string, string>;
}

/**
 * Rebuilds a tokenizer run from a file. A file without optimizer state (an export) starts a fresh
 * optimizer with `train` (or the file's). Throws with the first problem, allocating nothing that outlives the call.
 */
export function loadDvaeCheckpoint(bytes: ArrayBuffer | Uint8Array, opts: { train?: DvaeTrainConfig } = {}): RestoredDvaeRun {
  const file = readSafetensors(bytes);
  const config = dvaeConfigOf(file);
  let train = opts.train;
  const savedTrain = file.metadata['dvae.train'];
  if (!train && savedTrain !== undefined) {
    try {
      train = JSON.parse(savedTrain) as DvaeTrainConfig;
    } catch {
      throw new Error('tokenizer checkpoint metadata "dvae.train" is not valid JSON');
    }
  }
  if (!train) throw new Error('the tokenizer file carries no training config; pass one to train from these weights');
  validateDvaeTrainConfig(train);
  const state = savedState(file);
  const moments = [...file.tensors.keys()].filter((n) => n.startsWith(OPTIMIZER_PREFIX));
  assertFinite(file, moments, (n) => n.startsWith(secondMomentName('')));
  const model = new Dvae(config, null);
  const trainer = new DvaeTrainer(model, train);
  try {
    const problem = dvaeWeightsMismatch(model.specs, file) ?? (state ? momentsMismatch(trainer.optimizer, file) : null);
    if (problem) throw new Error(`tokenizer checkpoint does not fit its config: ${problem}`);
    loadDvaeWeights(model, file);
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
