// Warmup follows the run's length: it is held as a share of the steps (the preset's 10 of 300, or
// what the user set), so cutting the steps from 16 000 to 40 cuts warmup with them instead of
// leaving a warmup longer than the run. Editing warmup sets the share it is held at.
import type { TrainConfig } from '../train/config';
import type { Form } from './slices/run';

const wholeSteps = (v: number) => Number.isInteger(v) && v >= 1;

/** Warmup for `steps` at `share`: rounded, and always below the steps (the schedule's rule). */
export const warmupFor = (share: number, steps: number): number => Math.min(steps - 1, Math.max(0, Math.round(share * steps)));

/** The form after a change to the training recipe, with warmup following the steps. */
export function editTrainFollowing(form: Form, patch: Partial<TrainConfig>): Form {
  const old = form.train;
  let share = form.warmupShare ?? (wholeSteps(old.totalSteps) ? old.warmupSteps / old.totalSteps : 10 / 300);
  const train = { ...old, ...patch };
  if (patch.warmupSteps !== undefined && Number.isInteger(patch.warmupSteps) && patch.warmupSteps >= 0 && wholeSteps(train.totalSteps))
    share = Math.min(1, patch.warmupSteps / train.totalSteps);
  else if (patch.totalSteps !== undefined && patch.warmupSteps === undefined && wholeSteps(patch.totalSteps))
    return { ...form, warmupShare: share, train: { ...train, warmupSteps: warmupFor(share, patch.totalSteps) } };
  return { ...form, warmupShare: share, train };
}
