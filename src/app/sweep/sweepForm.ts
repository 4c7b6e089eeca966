// The sweep form's pure parts: which recipe fields can be swept, parsing the values the user types
// for a field's type, and the spec a sweep starts from (the pretraining form as the base, the probe
// form's settings for every point).
import type { DatasetMeta } from '../../data/stored';
import { buildProbeSpec, type ProbeForm } from '../probeForm';
import { buildRunSpec } from '../specs';
import type { Form } from '../store';
import { ConfigFieldError } from '../../model/config';
import { fieldLabel, formProblems, inWords } from '../validation';
import { combinations, type Knob, type KnobPath, type KnobValue, pointRecipe, type SweepProbe, type SweepSpec } from './sweep';
import type { TokenizerEntry, TokenizerRef } from '../../protocol/messages';
import { withTokenizer } from '../tokenizers';

/** Every scalar field of the base recipe, model first: anything a user might ablate. */
export function sweepableFields(form: Pick<Form, 'model' | 'train'>): KnobPath[] {
  const scalar = (v: unknown) => typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string';
  return [
    ...Object.entries(form.model)
      .filter(([, v]) => scalar(v))
      .map(([k]) => `model.${k}` as KnobPath),
    ...Object.entries(form.train)
      .filter(([, v]) => scalar(v))
      .map(([k]) => `train.${k}` as KnobPath),
  ];
}

/** "0.25, 0.5, 0.75" → numbers; "on, off" / "true, false" → booleans; other text → strings. Throws with what is wrong. */
export function parseValues(path: KnobPath, text: string, form: Pick<Form, 'model' | 'train'>): KnobValue[] {
  const [part, key] = path.split('.') as ['model' | 'train', string];
  const base = (form[part] as unknown as Record<string, unknown>)[key];
  const field = fieldLabel(path);
  const items = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (!items.length) throw new Error(`Give ${field} at least one value, separated by commas`);
  const values = items.map((t): KnobValue => {
    if (typeof base === 'number') {
      const n = Number(t);
      if (!Number.isFinite(n)) throw new Error(`${field}: "${t}" is not a number`);
      return n;
    }
    if (typeof base === 'boolean') {
      if (/^(true|on|yes|1)$/i.test(t)) return true;
      if (/^(false|off|no|0)$/i.test(t)) return false;
      throw new Error(`${field}: "${t}" is not on/off`);
    }
    return t;
  });
  if (new Set(values).size !== values.length) throw new Error(`${field}: a value is given twice`);
  return values;
}

/** The sweep a form makes: the pretraining form as the base, the probe form's settings for every point. */
export function buildSweepSpec(o: {
  name: string;
  knobs: readonly Knob[];
  form: Form;
  probeForm: ProbeForm;
  datasets: readonly DatasetMeta[];
  now: number;
  id: string;
  /** The tokenizers the form may name (token targets, issue 24); none: the base has no tokenizer. */
  tokenizers?: readonly TokenizerEntry[];
}): SweepSpec | string {
  // The base recipe is checked as a run's would be: a bad base would fail every point one by one.
  const base = buildRunSpec(o.form, o.datasets, o.now);
  if (typeof base === 'string') return `The pretraining recipe cannot start a run (fix it in the Pretrain view): ${base}`;
  const probe = buildProbeSpec(
    { ...o.probeForm, encoder: 'random' },
    undefined,
    o.datasets.find((d) => d.id === o.probeForm.dataset),
    o.form,
    o.now,
  );
  if (typeof probe === 'string') return `The evaluation recipe cannot start (fix it in the Probe view): ${probe}`;
  const { id: _id, encoder: _e, presetId: _p, model: _m, createdAt: _c, ...settings } = probe;
  // A chosen tokenizer rides with the base (its K the model's vocabulary), for the points that predict tokens.
  let model = o.form.model;
  let tokenizer: TokenizerRef | undefined;
  if (o.form.tokenizer || o.form.model.target === 'token') {
    const t = withTokenizer(
      { model: o.form.model },
      o.tokenizers?.find((x) => x.id === o.form.tokenizer),
    );
    if (typeof t === 'string') return t;
    model = { ...t.model, target: o.form.model.target };
    tokenizer = t.tokenizer;
  }
  const sweepProbe: SweepProbe = settings;
  const spec: SweepSpec = {
    id: o.id,
    name: o.name || o.knobs.map((k) => fieldLabel(k.path)).join(' × '),
    base: {
      presetId: o.form.presetId,
      model,
      train: o.form.train,
      dataset: o.form.dataset,
      checkpointEvery: o.form.checkpointEvery,
      ...(tokenizer ? { tokenizer } : {}),
    },
    knobs: o.knobs,
    probe: sweepProbe,
    createdAt: o.now,
  };
  return pointsProblem(spec) ?? spec;
}

/**
 * What is wrong with a knob's values, in words, or null: each value is parsed for the field's type
 * and checked by the form's own rules on the base recipe (a mask ratio of 2 is refused here, not as
 * a failed point after an hour of the sweep).
 */
export function knobProblem(path: KnobPath, text: string, form: Form): string | null {
  let values: KnobValue[];
  try {
    values = parseValues(path, text, form);
  } catch (e) {
    return inWords(e);
  }
  // A field the base recipe already gets wrong is the Pretrain view's to say (and the start's reason), not this knob's.
  const baseProblems = formProblems(form, [], () => false);
  const base = { presetId: form.presetId, model: form.model, train: form.train, dataset: form.dataset, checkpointEvery: form.checkpointEvery };
  const spec = { id: '', name: '', base, probe: {} as SweepProbe, createdAt: 0 };
  for (const v of values) {
    try {
      pointRecipe({ ...spec, knobs: [{ path, values: [v] }] }, [v]);
    } catch (e) {
      const field = e instanceof ConfigFieldError ? e.field : null;
      const known = field !== null && !path.endsWith(`.${field}`) && (field in baseProblems.model || field in baseProblems.train);
      if (!known) return inWords(e);
    }
  }
  return null;
}

/** Every point's recipe checked; the first that is refused, in words. */
export function pointsProblem(spec: SweepSpec): string | null {
  for (const values of combinations(spec.knobs)) {
    try {
      pointRecipe(spec, values);
    } catch (e) {
      return `A sweep value is refused: ${inWords(e)}.`;
    }
  }
  return null;
}
