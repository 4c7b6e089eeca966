// The evaluation recipe's number fields as a Field table (fields.ts), with where each value lives in
// the probe form and the patch that changes it: EvalRecipe builds its inputs from these.
import type { EvalSettings } from '../../protocol/messages';
import { DEFAULT_PLATEAU } from '../../train/convergence';
import type { ProbeTrainConfig } from '../../train/probeTrainer';
import type { ProbeForm } from '../probeForm';
import type { Field } from './fields';

export type EvalFieldKey =
  | 'seeds'
  | 'firstSeed'
  | 'attCap'
  | 'linEpochs'
  | 'linWarmup'
  | 'probeBatch'
  | 'larsLr'
  | 'larsBatch'
  | 'sgdLr'
  | 'sgdBatch'
  | 'momentum'
  | 'knnK'
  | 'knnT'
  | 'ftEpochs'
  | 'ftWarmup'
  | 'ftBatch'
  | 'ftLr'
  | 'ftRefBatch'
  | 'ftLayerDecay'
  | 'ftWeightDecay'
  | 'ftSmoothing';

/** A change to the probe form: its own fields, the probe trainer's, the evaluation's. */
export interface EvalPatch {
  readonly form?: Partial<ProbeForm>;
  readonly probe?: Partial<ProbeTrainConfig>;
  readonly evaluation?: Partial<EvalSettings>;
}

const n = (
  key: EvalFieldKey,
  label: string,
  kind: 'int' | 'float',
  group: Field<EvalFieldKey>['group'],
  help: string,
  testId?: string,
): Field<EvalFieldKey> => ({
  key,
  label,
  kind,
  group,
  help,
  ...(testId ? { testId } : {}),
});

export const EVAL_FIELDS: readonly Field<EvalFieldKey>[] = [
  n('seeds', 'seeds', 'int', 'evaluation', 'repeat with seeds s, s+1, …: images, probe init and order change; mean ± sd', 'probe.seeds'),
  n('firstSeed', 'first seed', 'int', 'evaluation', "first seed: the images drawn, the probes' init and data order"),
  n('attCap', 'ATT epoch cap', 'int', 'probes', 'ATT trains until its training loss stops improving, at most this many epochs', 'probe.att-cap'),
  n('linEpochs', 'LIN epochs', 'int', 'probes', "passes over the training images for LIN's official recipe"),
  n('linWarmup', 'warmup epochs', 'float', 'probes', "LIN's official recipe: linear warmup, then cosine to 0 (official: 10 of 90 epochs)"),
  n('probeBatch', 'probe batch', 'int', 'probes', 'images per probe step'),
  n('larsLr', 'LARS base lr', 'float', 'probes', 'linear probe, LARS (momentum 0.9, trust 0.001, no decay); official blr 0.1'),
  n('larsBatch', 'LARS ref. batch', 'int', 'probes', 'lr = base × batch / reference batch (official 256)'),
  n('sgdLr', 'SGD base lr', 'float', 'probes', 'attentive probe, SGD with Nesterov momentum 0.9, no decay; official 0.4 at 8192'),
  n('sgdBatch', 'SGD ref. batch', 'int', 'probes', 'lr = base × batch / reference batch (official 8192)'),
  n('momentum', 'momentum', 'float', 'probes', 'both optimizers (official 0.9)'),
  n('knnK', 'k', 'int', 'knn', 'neighbours that vote (DINO: 20)'),
  n('knnT', 'temperature', 'float', 'knn', 'vote weight exp(cosine / T) (DINO: 0.07)'),
  n('ftEpochs', 'fine-tune epochs', 'int', 'fine-tune', 'budget in steps: this many passes over the whole training split, whatever share of it is labelled'),
  n('ftWarmup', 'fine-tune warmup epochs', 'float', 'fine-tune', 'linear warmup, then cosine (official ViT-S: 20 of 200)'),
  n('ftBatch', 'fine-tune batch', 'int', 'fine-tune', 'images per fine-tuning step'),
  n('ftLr', 'AdamW base lr', 'float', 'fine-tune', 'official CAEv2 ViT-S: 4e-4 for 1024 images a step'),
  n('ftRefBatch', 'ref. batch', 'int', 'fine-tune', 'lr = base × batch / reference batch'),
  n('ftLayerDecay', 'layer decay', 'float', 'fine-tune', "block i's lr × decay^(depth−i) (official ViT-S 0.75)"),
  n('ftWeightDecay', 'weight decay', 'float', 'fine-tune', 'AdamW (official 0.05)'),
  n('ftSmoothing', 'label smoothing', 'float', 'fine-tune', 'official 0.1'),
];

/** Where each field's value lives in the form, and the patch that sets it to v (already rounded for an 'int'). */
const ACCESS: { readonly [K in EvalFieldKey]: { get(f: ProbeForm): number; set(v: number, f: ProbeForm): EvalPatch } } = {
  seeds: { get: (f) => f.evaluation.seeds, set: (v) => ({ evaluation: { seeds: v } }) },
  firstSeed: { get: (f) => f.probe.seed, set: (v) => ({ probe: { seed: v } }) },
  attCap: {
    get: (f) => (f.evaluation.plateau ?? DEFAULT_PLATEAU).maxEpochs,
    set: (v, f) => ({ evaluation: { plateau: { ...(f.evaluation.plateau ?? DEFAULT_PLATEAU), maxEpochs: v } } }),
  },
  linEpochs: { get: (f) => f.epochs, set: (v) => ({ form: { epochs: v } }) },
  linWarmup: { get: (f) => f.warmupEpochs, set: (v) => ({ form: { warmupEpochs: v } }) },
  probeBatch: { get: (f) => f.probe.batchSize, set: (v) => ({ probe: { batchSize: v } }) },
  larsLr: { get: (f) => f.probe.linearBaseLr, set: (v) => ({ probe: { linearBaseLr: v } }) },
  larsBatch: { get: (f) => f.probe.linearBaseBatch, set: (v) => ({ probe: { linearBaseBatch: v } }) },
  sgdLr: { get: (f) => f.probe.attentiveBaseLr, set: (v) => ({ form: { attRatePicked: true }, probe: { attentiveBaseLr: v } }) },
  sgdBatch: { get: (f) => f.probe.attentiveBaseBatch, set: (v) => ({ probe: { attentiveBaseBatch: v } }) },
  momentum: { get: (f) => f.probe.momentum, set: (v) => ({ probe: { momentum: v } }) },
  knnK: { get: (f) => f.evaluation.knn.k, set: (v, f) => ({ evaluation: { knn: { ...f.evaluation.knn, k: v } } }) },
  knnT: { get: (f) => f.evaluation.knn.temperature, set: (v, f) => ({ evaluation: { knn: { ...f.evaluation.knn, temperature: v } } }) },
  ftEpochs: { get: (f) => f.evaluation.fineTuneEpochs, set: (v) => ({ evaluation: { fineTuneEpochs: v } }) },
  ftWarmup: { get: (f) => f.evaluation.fineTuneWarmupEpochs, set: (v) => ({ evaluation: { fineTuneWarmupEpochs: v } }) },
  ftBatch: { get: (f) => f.evaluation.fineTune.batchSize, set: (v, f) => ({ evaluation: { fineTune: { ...f.evaluation.fineTune, batchSize: v } } }) },
  ftLr: { get: (f) => f.evaluation.fineTune.baseLr, set: (v, f) => ({ evaluation: { fineTune: { ...f.evaluation.fineTune, baseLr: v } } }) },
  ftRefBatch: { get: (f) => f.evaluation.fineTune.baseBatch, set: (v, f) => ({ evaluation: { fineTune: { ...f.evaluation.fineTune, baseBatch: v } } }) },
  ftLayerDecay: { get: (f) => f.evaluation.fineTune.layerDecay, set: (v, f) => ({ evaluation: { fineTune: { ...f.evaluation.fineTune, layerDecay: v } } }) },
  ftWeightDecay: { get: (f) => f.evaluation.fineTune.weightDecay, set: (v, f) => ({ evaluation: { fineTune: { ...f.evaluation.fineTune, weightDecay: v } } }) },
  ftSmoothing: {
    get: (f) => f.evaluation.fineTune.labelSmoothing,
    set: (v, f) => ({ evaluation: { fineTune: { ...f.evaluation.fineTune, labelSmoothing: v } } }),
  },
};

export const evalField = (key: EvalFieldKey): Field<EvalFieldKey> => EVAL_FIELDS.find((f) => f.key === key)!;

/** The field's value in the form. */
export const evalValue = (f: ProbeForm, key: EvalFieldKey): number => ACCESS[key].get(f);

/** The patch that sets the field to `v`, as typed: a whole-number field given 2.5 is shown as an error (../evalValidation.ts), not rounded. */
export function evalPatch(f: ProbeForm, key: EvalFieldKey, v: number): EvalPatch {
  return ACCESS[key].set(v, f);
}
