import { describe, expect, it } from 'vitest';
import { evalPatch } from './components/evalFields';
import { evalProblems, evalStartReason } from './evalValidation';
import { initialProbeForm, type ProbeForm } from './probeForm';

const f = initialProbeForm();
const set = (form: ProbeForm, key: Parameters<typeof evalPatch>[1], v: number): ProbeForm => {
  const p = evalPatch(form, key, v);
  return { ...form, ...p.form, probe: { ...form.probe, ...p.probe }, evaluation: { ...form.evaluation, ...p.evaluation } };
};

describe('the evaluation recipe, checked as it is typed', () => {
  it('has no problem with its defaults', () => {
    expect(evalProblems(f)).toEqual({});
    expect(evalStartReason(evalProblems(f))).toBeNull();
  });

  it('names each bad field in words, an empty one as empty, a fraction of a whole number as an error (not rounded)', () => {
    let g = set(f, 'seeds', 0);
    g = set(g, 'probeBatch', 2.5);
    g = set(g, 'knnT', NaN);
    g = { ...g, valImages: NaN };
    const p = evalProblems(g);
    expect(p.seeds).toBe('Seeds must be a whole number from 1 to 10 (got 0)');
    expect(p.probeBatch).toBe('Probe batch must be a whole number of at least 1 (got 2.5)');
    expect(p.knnT).toBe('Temperature is empty: enter a number');
    expect(p.valImages).toBe('Test images is empty: enter a number');
    expect(evalStartReason(p)).toMatch(/^Start needs 4 fixes/);
  });

  it('checks the rules across fields: warmup below its epochs, a training set of at least one batch', () => {
    expect(evalProblems(set(f, 'ftWarmup', 99)).ftWarmup).toMatch(/^Fine-tune warmup epochs must be below the fine-tune epochs/);
    expect(evalProblems({ ...f, evaluation: { ...f.evaluation, evals: [] } }).evals).toMatch(/^Choose at least one evaluation/);
    expect(evalProblems({ ...f, trainImages: 10 }).trainImages).toBe(`Training images must be at least one probe batch (${f.probe.batchSize}) (got 10)`);
  });
});
