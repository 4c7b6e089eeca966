import { describe, expect, it } from 'vitest';
import { MICRO } from '../model/presets';
import { defaultTrainConfig } from '../train/defaults';
import { lrNoteText } from './components/LrNote';
import { missingDataset } from './specs';
import type { Form } from './store';
import { fieldLabel, formProblems, problemList, startReason } from './validation';
import { editTrainFollowing } from './warmup';

const form: Form = { presetId: 'micro', model: MICRO, train: defaultTrainConfig('micro'), checkpointEvery: 50, dataset: 'shapes-easy' };
const problems = (f: Form) => formProblems(f, [], missingDataset);

describe('the pretraining form, checked as it is typed', () => {
  it('has no problem with a preset’s recipe, and Start has no reason to refuse', () => {
    const p = problems(form);
    expect(problemList(p)).toEqual([]);
    expect(startReason(p)).toBeNull();
  });

  it('names every bad field at once, in words, beside the field it belongs to', () => {
    const p = problems({
      ...form,
      model: { ...MICRO, maskRatio: 1.5 },
      train: { ...form.train, batchSize: 0, totalSteps: -5, baseLr: NaN },
    });
    expect(p.model.maskRatio).toBe('Mask ratio must be between 0 and 1 (got 1.5)');
    expect(p.train.batchSize).toBe('Batch must be a whole number of at least 1 (got 0)');
    expect(p.train.totalSteps).toBe('Steps must be a whole number of at least 1 (got -5)');
    expect(p.train.baseLr).toBe('Base lr is empty: enter a number');
    expect(problemList(p)).toHaveLength(4);
    expect(startReason(p)).toMatch(/^Start needs 4 fixes/);
    // No code key in any message.
    for (const m of problemList(p)) expect(m).not.toMatch(/maskRatio|batchSize|totalSteps|baseLr|config/);
  });

  it('says when a mask ratio in range masks no patch at all', () => {
    expect(problems({ ...form, model: { ...MICRO, maskRatio: 0.001 } }).model.maskRatio).toMatch(/must mask at least one of the 16 patches/);
  });

  it('counts a null (an empty field after a reload) as empty, never as 0', () => {
    expect(problems({ ...form, train: { ...form.train, warmupSteps: null as unknown as number } }).train.warmupSteps).toBe('Warmup is empty: enter a number');
  });

  it('labels fields by key or path, never with the code key', () => {
    expect(fieldLabel('model.maskRatio')).toBe('mask ratio');
    expect(fieldLabel('train.baseLr')).toBe('base lr');
    expect(fieldLabel('model.patchSize')).toBe('patch size');
    expect(fieldLabel('someNewField')).toBe('some new field');
  });
});

describe('warmup follows the steps', () => {
  it('holds its share when the steps are cut, so Start never refuses for it', () => {
    let f = form; // 16 000 steps, 533 warmup
    for (const steps of [4, NaN, 40]) f = editTrainFollowing(f, { totalSteps: steps });
    expect(f.train.totalSteps).toBe(40);
    expect(f.train.warmupSteps).toBe(Math.round((533 / 16000) * 40));
    expect(problems(f).train.warmupSteps).toBeUndefined();
    expect(editTrainFollowing(f, { totalSteps: 1 }).train.warmupSteps).toBe(0);
  });

  it('takes the user’s warmup as the new share', () => {
    let f = editTrainFollowing(form, { warmupSteps: 1600 }); // 10 %
    f = editTrainFollowing(f, { totalSteps: 1000 });
    expect(f.train.warmupSteps).toBe(100);
    // A warmup at or past the steps is an error the user sees, not a silent fix.
    expect(problems(editTrainFollowing(f, { warmupSteps: 1000 })).train.warmupSteps).toMatch(
      /^Warmup must be a whole number from 0 to below the run's steps \(1000\)/,
    );
  });
});

describe('the learning-rate note', () => {
  it('never says "0×" when base lr is empty', () => {
    expect(lrNoteText({ ...form.train, baseLr: NaN })).not.toMatch(/\d×/);
    expect(lrNoteText({ ...form.train, baseLr: NaN })).toMatch(/set all three/);
    expect(lrNoteText(form.train)).toMatch(/raises it \d+× so a short run/);
    expect(lrNoteText({ ...form.train, baseLr: 1e-5, batchSize: 2048 })).toMatch(/lowers it to 0\.0067× of that/);
  });
});
