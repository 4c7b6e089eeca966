// The pretraining recipe checked as the user types, by the model's and the trainer's own rules
// (validateConfig, validateTrainConfig): their failures name a field and a rule in words
// (ConfigFieldError), and this file gives each field its label, so the form shows "Mask ratio must be
// between 0 and 1 (got 1.5)" beside the mask ratio. No second set of rules lives here.
import type { DatasetMeta } from '../data/stored';
import { ConfigFieldError, type CaeConfig, validateConfig } from '../model/config';
import { PRESETS } from '../model/presets';
import { type TrainConfig, validateTrainConfig } from '../train/config';
import { defaultTrainConfig } from '../train/defaults';
import { MODEL_FIELDS, TRAIN_FIELDS } from './components/fields';
import type { Form } from './slices/run';

/** Labels of the preset's fields that the form does not edit (they still show in Compare and sweeps). */
const PRESET_LABELS: Partial<Record<keyof CaeConfig, string>> = {
  imgSize: 'image size',
  patchSize: 'patch size',
  embedDim: 'width',
  depth: 'depth',
  numHeads: 'heads',
  mlpRatio: 'MLP ratio',
  decoderEmbedDim: 'decoder width',
  decoderNumHeads: 'decoder heads',
  vocabSize: 'tokenizer vocabulary',
};

/** The one table of labels: a recipe field's words, by its key (`maskRatio`) or path (`model.maskRatio`). */
export function fieldLabel(keyOrPath: string): string {
  const key = keyOrPath.replace(/^(model|train|spec)\./, '');
  const other: Record<string, string> = { checkpointEvery: 'checkpoint every', dataset: 'dataset', presetId: 'preset' };
  return (
    MODEL_FIELDS.find((f) => f.key === key)?.label ??
    TRAIN_FIELDS.find((f) => f.key === key)?.label ??
    PRESET_LABELS[key as keyof CaeConfig] ??
    other[key] ??
    // A field without a label: its camelCase split into words, never the code key itself.
    key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
  );
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** An empty number input reaches the form as NaN (null after a JSON round trip): it is an error, never 0. */
const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));

/** "Mask ratio must be between 0 and 1 (got 1.5)"; "Base lr is empty: enter a number". */
export function fieldMessage(field: string, rule: string, value: unknown): string {
  return labelMessage(fieldLabel(field), rule, value);
}

/** The same for a field named by its label (the evaluation recipe's, ./evalValidation.ts). */
export function labelMessage(label: string, rule: string, value: unknown): string {
  const l = capital(label);
  return isEmpty(value) ? `${l} is empty: enter a number` : `${l} ${rule} (got ${String(value)})`;
}

/** Any error a config check threw, in words: a field's failure with its label, other errors as they are. */
export function inWords(e: unknown): string {
  if (e instanceof ConfigFieldError) return fieldMessage(e.field, e.rule, e.value);
  return e instanceof Error ? e.message : String(e);
}

export type ModelProblems = Partial<Record<keyof CaeConfig, string>>;
export type TrainProblems = Partial<Record<keyof TrainConfig, string>>;

/**
 * Every field `validate` refuses, not just the first: a refused field is set to `fallback`'s value
 * and the check runs again, until it passes (or refuses a field it already named).
 */
function allProblems<T extends object>(value: T, fallback: T, validate: (v: T) => T): Partial<Record<keyof T, string>> {
  const out: Partial<Record<keyof T, string>> = {};
  let v = value;
  for (let i = 0; i < 64; i++) {
    try {
      validate(v);
      return out;
    } catch (e) {
      if (!(e instanceof ConfigFieldError)) throw e;
      const field = e.field as keyof T;
      if (out[field]) return out;
      out[field] = fieldMessage(e.field, e.rule, e.value);
      v = { ...v, [field]: fallback[field] };
    }
  }
  return out;
}

export interface FormProblems {
  readonly model: ModelProblems;
  readonly train: TrainProblems;
  readonly checkpointEvery: string | null;
  readonly dataset: string | null;
}

export function formProblems(form: Form, datasets: readonly DatasetMeta[], missing: (id: string, d: readonly DatasetMeta[]) => boolean): FormProblems {
  const ce = form.checkpointEvery;
  return {
    model: allProblems(form.model, PRESETS[form.presetId], validateConfig),
    train: allProblems(form.train, defaultTrainConfig(form.presetId), validateTrainConfig),
    checkpointEvery: Number.isInteger(ce) && ce >= 1 ? null : fieldMessage('checkpointEvery', 'must be a whole number of steps, at least 1', ce),
    dataset: missing(form.dataset, datasets) ? 'The chosen dataset is no longer kept in this browser; choose another.' : null,
  };
}

/** The problems as a list of sentences, model fields first, in the form's order. */
export function problemList(p: FormProblems): string[] {
  const model = MODEL_FIELDS.map((f) => p.model[f.key]);
  const train = TRAIN_FIELDS.map((f) => p.train[f.key]);
  // Fields the form does not show (a preset's own) still count.
  const rest = [...Object.values(p.model), ...Object.values(p.train)].filter((m) => !model.includes(m) && !train.includes(m));
  return [...train, p.checkpointEvery, ...model, ...rest, p.dataset].filter((m): m is string => typeof m === 'string');
}

/** Why Start is off, beside it: null when the form can start a run. */
export function startReason(p: FormProblems): string | null {
  const list = problemList(p);
  if (list.length === 0) return null;
  if (list.length === 1) return `Start needs a fix: ${list[0]}.`;
  return `Start needs ${list.length} fixes, each shown beside its field: ${list[0]}; …`;
}
