// The evaluation recipe's rules, one per field, checked as the user types (EvalRecipe shows each
// beside its field) and again when the spec is built (probeForm.ts): the one place they live.
import { evalField, type EvalFieldKey, evalValue } from './components/evalFields';
import type { ProbeForm } from './probeForm';
import { labelMessage } from './validation';

export type EvalProblemKey = EvalFieldKey | 'trainImages' | 'valImages' | 'evals';
export type EvalProblems = Partial<Record<EvalProblemKey, string>>;

const whole = (min: number, max = Infinity) => ({
  ok: (v: number) => Number.isInteger(v) && v >= min && v <= max,
  rule: max === Infinity ? `must be a whole number of at least ${min}` : `must be a whole number from ${min} to ${max}`,
});
const above0 = { ok: (v: number) => v > 0, rule: 'must be above 0' };
const atLeast0 = { ok: (v: number) => v >= 0, rule: 'must be 0 or more' };
const fraction = { ok: (v: number) => v >= 0 && v < 1, rule: 'must be at least 0 and below 1' };

/** Rules that need no other field. */
const RULES: Record<EvalFieldKey, { ok: (v: number) => boolean; rule: string }> = {
  seeds: whole(1, 10),
  firstSeed: whole(0),
  attCap: whole(1, 1000),
  linEpochs: whole(1),
  linWarmup: atLeast0,
  probeBatch: whole(1),
  larsLr: above0,
  larsBatch: whole(1),
  sgdLr: above0,
  sgdBatch: whole(1),
  momentum: fraction,
  knnK: whole(1),
  knnT: above0,
  ftEpochs: whole(1),
  ftWarmup: atLeast0,
  ftBatch: whole(1),
  ftLr: above0,
  ftRefBatch: whole(1),
  ftLayerDecay: { ok: (v) => v > 0 && v <= 1, rule: 'must be above 0 and at most 1' },
  ftWeightDecay: atLeast0,
  ftSmoothing: fraction,
};

/** Every field of the evaluation form that is wrong, in words, by field. */
export function evalProblems(f: ProbeForm): EvalProblems {
  const out: EvalProblems = {};
  if (f.evaluation.evals.length === 0) out.evals = 'Choose at least one evaluation (LIN, ATT, kNN or fine-tuning)';
  const say = (key: EvalProblemKey, label: string, rule: string, v: number) => {
    out[key] ??= labelMessage(label, rule, v);
  };
  for (const key of Object.keys(RULES) as EvalFieldKey[]) {
    const v = evalValue(f, key);
    if (!RULES[key].ok(v)) say(key, evalField(key).label, RULES[key].rule, v);
  }
  // Rules across fields: warmup below its epochs, a training set at least one batch large.
  const lin = evalValue(f, 'linEpochs');
  if (!(evalValue(f, 'linWarmup') < lin)) say('linWarmup', evalField('linWarmup').label, `must be below the LIN epochs (${lin})`, evalValue(f, 'linWarmup'));
  const ft = evalValue(f, 'ftEpochs');
  if (!(evalValue(f, 'ftWarmup') < ft)) say('ftWarmup', evalField('ftWarmup').label, `must be below the fine-tune epochs (${ft})`, evalValue(f, 'ftWarmup'));
  const batch = f.probe.batchSize;
  if (!(Number.isInteger(f.trainImages) && f.trainImages >= 1)) say('trainImages', 'training images', 'must be a whole number of at least 1', f.trainImages);
  else if (f.trainImages < batch) say('trainImages', 'training images', `must be at least one probe batch (${batch})`, f.trainImages);
  if (!(Number.isInteger(f.valImages) && f.valImages >= 1)) say('valImages', 'test images', 'must be a whole number of at least 1', f.valImages);
  return out;
}

/** Why the evaluation cannot start, or null: the first problem, and how many there are. */
export function evalStartReason(p: EvalProblems): string | null {
  const list = Object.values(p);
  if (list.length === 0) return null;
  return list.length === 1 ? `Start needs a fix: ${list[0]}.` : `Start needs ${list.length} fixes, each shown beside its field: ${list[0]}; …`;
}
