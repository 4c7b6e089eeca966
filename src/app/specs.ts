// Pure builders and checks of what the page asks the worker for: a pretraining run's spec from the
// form, and a dataset import. A bad field comes back as a sentence for the user, never a throw, so
// the worker client only shows it. (The evaluation's spec is built in ./probeForm.ts.)
import type { DatasetMeta } from '../data/stored';
import { embeddedTrainSize, isEmbeddedDataset } from '../data/embedded';
import type { ImportFile, RunSpec } from '../protocol/messages';
import { importKind, importName, type ImportKind } from './importFiles';
import type { Form } from './store';
import { formProblems, problemList } from './validation';

/** Whether `id` names no embedded dataset and none kept in this browser. */
export const missingDataset = (id: string, datasets: readonly DatasetMeta[]): boolean => !isEmbeddedDataset(id) && !datasets.some((d) => d.id === id);

/** The spec of a new run from the pretraining form, or why the form cannot start one. */
export function buildRunSpec(form: Form, datasets: readonly DatasetMeta[], now: number): RunSpec | string {
  // The same check the form shows field by field as the user types (./validation.ts).
  const problems = problemList(formProblems(form, datasets, missingDataset));
  if (problems.length) return problems.map((m) => (m.endsWith('.') ? m : `${m}.`)).join(' ');
  return {
    id: `run-${now.toString(36)}`,
    presetId: form.presetId,
    model: form.model,
    train: form.train,
    dataset: form.dataset,
    checkpointEvery: form.checkpointEvery,
    createdAt: now,
  };
}

/** Import options the data panel sets. */
export interface ImportOptions {
  readonly valShare: number;
  readonly seed: number;
  readonly storedSize: number;
  /** IDX imports: swap rows and columns (EMNIST); unset, when a file name says EMNIST. */
  readonly idxTranspose?: boolean;
}

/**
 * What the chosen files import as (kind and the dataset's name), or why they cannot be imported.
 * `expect` is the kind the user asked for, when the button named one.
 */
export function checkImport(files: readonly ImportFile[], o: ImportOptions, expect?: 'cifar10' | 'idx'): { kind: ImportKind; name: string } | string {
  const kind = importKind(files);
  if (typeof kind !== 'string') return kind.error;
  if (expect === 'cifar10' && kind !== 'cifar10') return 'None of the chosen files is a CIFAR-10 batch (data_batch_1.bin … data_batch_5.bin, test_batch.bin).';
  if (expect === 'idx' && kind !== 'idx') return 'None of the chosen files is an IDX images file (train-images-idx3-ubyte, .gz or raw).';
  if (!(o.valShare >= 0 && o.valShare < 1)) return `The validation share must be at least 0 and below 1, got ${o.valShare}.`;
  if (!(Number.isInteger(o.seed) && o.seed >= 0)) return `The split seed must be a whole number ≥ 0, got ${o.seed}.`;
  return { kind, name: importName(files, kind) };
}

/** Training images of a dataset (turning a run's steps into epochs), or undefined for one no longer kept. */
export function trainSizeOf(dataset: string, datasets: readonly DatasetMeta[]): number | undefined {
  return isEmbeddedDataset(dataset) ? embeddedTrainSize(dataset) : datasets.find((d) => d.id === dataset)?.trainSize;
}
