// The evaluation form: which encoder to read, on which images, with which recipes. Its encoder
// follows the user (the newest run with a checkpoint) until they pick one: see followDefaults.ts.
import { embeddedClasses, isEmbeddedDataset } from '../data/embedded';
import { isLabelled, type DatasetMeta } from '../data/stored';
import type { CaeConfig } from '../model/config';
import type { EncoderEntry, EvalSettings, ProbeSpec } from '../protocol/messages';
import { DEFAULT_EXPERIMENT, defaultAttentiveBaseLr, defaultEvaluation, defaultProbeConfig } from '../train/evalDefaults';
import type { ProbeTrainConfig } from '../train/probeTrainer';
import { evalProblems } from './evalValidation';

export interface ProbeForm {
  /** 'random' or a pretraining run's id (or `imported:<file>`). */
  readonly encoder: string;
  /** Whether the user chose the encoder; until then it follows the newest run with a checkpoint. */
  readonly encoderPicked: boolean;
  /** An embedded dataset's id or an imported labelled dataset's id. */
  readonly dataset: string;
  /** Epochs of the linear probe's official recipe (ATT trains until converged, up to its cap). */
  readonly epochs: number;
  /** Linear warmup of both probes' learning rates, in epochs (official: 10 of 90). */
  readonly warmupEpochs: number;
  readonly trainImages: number;
  /** Images top-1 is read on (the test split, or the validation split carved from the training images). */
  readonly valImages: number;
  /** Which split results are read on: the held-out test split, or validation carved from the training images. */
  readonly split: 'test' | 'val';
  readonly augment: boolean;
  readonly probe: ProbeTrainConfig;
  /**
   * Whether the user set ATT's rate; until then it is the read encoder's preset's own
   * (defaultAttentiveBaseLr), so a mini run is read at the rate chosen for mini.
   */
  readonly attRatePicked: boolean;
  readonly evaluation: EvalSettings;
}

export const initialProbeForm = (): ProbeForm => ({
  encoder: 'random',
  encoderPicked: false,
  dataset: DEFAULT_EXPERIMENT.dataset,
  epochs: DEFAULT_EXPERIMENT.probeEpochs,
  warmupEpochs: 1,
  trainImages: DEFAULT_EXPERIMENT.trainImages,
  valImages: DEFAULT_EXPERIMENT.valImages,
  split: 'test',
  augment: false,
  probe: defaultProbeConfig(),
  attRatePicked: false,
  evaluation: defaultEvaluation(),
});

/** The preset the form reads: the chosen encoder's (one in the worker, or a kept run), or the pretraining form's for random init. */
export function probedPreset(s: {
  readonly probeForm: ProbeForm;
  readonly encoders: readonly EncoderEntry[];
  readonly runs: readonly { readonly spec: { readonly id: string; readonly presetId: string } }[];
  readonly form: { readonly presetId: string };
}): string {
  const id = s.probeForm.encoder;
  if (id === 'random') return s.form.presetId;
  return s.encoders.find((e) => e.runId === id)?.presetId ?? s.runs.find((r) => r.spec.id === id)?.spec.presetId ?? s.form.presetId;
}

/** The form as a run on an encoder of `presetId` reads it: ATT's rate is that preset's own until the user sets one. */
export function formFor(f: ProbeForm, presetId: string): ProbeForm {
  if (f.attRatePicked) return f;
  const rate = defaultAttentiveBaseLr(presetId);
  return rate === f.probe.attentiveBaseLr ? f : { ...f, probe: { ...f.probe, attentiveBaseLr: rate } };
}

/**
 * The worker's spec for the form, or the reasons it cannot start (one sentence per line). `enc` is the chosen encoder the
 * worker holds (undefined for random init); `data` the chosen import (undefined for an embedded set).
 */
export function buildProbeSpec(
  form: ProbeForm,
  enc: EncoderEntry | undefined,
  data: DatasetMeta | undefined,
  fallback: { presetId: string; model: CaeConfig },
  now: number,
): ProbeSpec | string {
  const f = formFor(form, enc ? enc.presetId : fallback.presetId);
  if (!isEmbeddedDataset(f.dataset) && !data) return 'That dataset is not kept in this browser any more; choose another.';
  if (data && !isLabelled(data))
    return `Evaluation needs labels, and ${data.name} has none (it was imported from a folder without class subfolders). Choose a labelled dataset.`;
  if (data && data.valSize === 0 && f.split === 'test')
    return `${data.name} has no held-out (test) images; import it again with a held-out share above 0, or read results on a validation split carved from its training images.`;
  if (f.encoder !== 'random' && !enc) return 'That pretraining run is not available in this session; choose another encoder.';
  // An import may hold fewer images than the form asks: the schedule counts the ones there are.
  const trainImages = data ? Math.min(f.trainImages, data.trainSize) : f.trainImages;
  const valImages = data && f.split === 'test' ? Math.min(f.valImages, data.valSize) : f.valImages;
  const e = f.evaluation;
  // Every failing condition, each in its own sentence (one per line), so one press says all there is
  // to fix; the rules are the form's own, as its fields show them while they are typed (./evalValidation.ts).
  const problems: string[] = [];
  if (e.evals.length === 0) problems.push('Choose at least one evaluation (LIN, ATT, kNN or fine-tuning).');
  for (const p of Object.values(evalProblems({ ...f, trainImages, valImages }))) if (p) problems.push(`${p}.`);
  if (!(e.fineTune.labelFraction > 0 && e.fineTune.labelFraction <= 1))
    problems.push('The labelled share for fine-tuning must be in (0, 1], e.g. 0.01, 0.1 or 1.');
  if (problems.length > 0) return problems.join('\n');
  const perEpoch = Math.max(1, Math.floor(trainImages / f.probe.batchSize));
  return {
    id: `probe-${now.toString(36)}`,
    encoder: enc ? { kind: 'run', runId: enc.runId } : { kind: 'random' },
    presetId: enc ? enc.presetId : fallback.presetId,
    model: enc ? enc.model : fallback.model,
    dataset: f.dataset,
    probe: { ...f.probe, totalSteps: perEpoch * f.epochs, warmupSteps: Math.round(f.warmupEpochs * perEpoch) },
    epochs: f.epochs,
    trainImages,
    valImages,
    split: f.split,
    augment: f.augment,
    evaluation: e,
    createdAt: now,
  };
}

/** Chance top-1 on a dataset: 1 / its classes (the embedded sets have ten each). */
export function chanceFor(dataset: string, datasets: readonly DatasetMeta[]): number | undefined {
  if (isEmbeddedDataset(dataset)) return 1 / embeddedClasses(dataset).length;
  const n = datasets.find((d) => d.id === dataset)?.classes.length;
  return n ? 1 / n : undefined;
}
