import { describe, expect, it } from 'vitest';
import { MICRO } from '../../model/presets';
import { defaultTrainConfig } from '../../train/defaults';
import { initialProbeForm } from '../probeForm';
import { buildSweepSpec, knobProblem, parseValues, sweepableFields } from './sweepForm';

const form = { presetId: 'micro' as const, model: MICRO, train: defaultTrainConfig('micro'), checkpointEvery: 50, dataset: 'shapes-easy' };

describe('sweep form', () => {
  it('offers every scalar field of the recipe and parses values by the field’s type', () => {
    const f = sweepableFields(form);
    expect(f).toContain('model.alignment');
    expect(f).toContain('model.maskRatio');
    expect(f).toContain('train.baseLr');
    expect(parseValues('model.maskRatio', '0.25, 0.5 ,0.75', form)).toEqual([0.25, 0.5, 0.75]);
    expect(parseValues('model.alignment', 'on, OFF', form)).toEqual([true, false]);
    expect(parseValues('model.maskKind', 'block,random', form)).toEqual(['block', 'random']);
    expect(() => parseValues('model.maskRatio', '0.5, half', form)).toThrow(/"half" is not a number/);
    expect(() => parseValues('model.alignment', 'maybe', form)).toThrow(/not on\/off/);
    expect(() => parseValues('model.maskRatio', ' , ', form)).toThrow(/at least one value/);
    expect(() => parseValues('model.maskRatio', '0.5, 0.5', form)).toThrow(/twice/);
  });

  it('takes the pretraining form as the base and the probe form’s settings for every point', () => {
    const probeForm = { ...initialProbeForm(), epochs: 3 };
    const spec = buildSweepSpec({ name: '', knobs: [{ path: 'model.alignment', values: [true, false] }], form, probeForm, datasets: [], now: 5, id: 's' });
    if (typeof spec === 'string') throw new Error(spec);
    expect(spec.name).toBe('alignment loss');
    expect(spec.base).toMatchObject({ presetId: 'micro', dataset: 'shapes-easy', checkpointEvery: 50 });
    expect(spec.probe.epochs).toBe(3);
    expect('encoder' in spec.probe).toBe(false);
    const bad = buildSweepSpec({
      name: '',
      knobs: [{ path: 'model.alignment', values: [true] }],
      form: { ...form, train: { ...form.train, totalSteps: 3 } },
      probeForm,
      datasets: [],
      now: 5,
      id: 's',
    });
    expect(bad).toMatch(/cannot start a run \(fix it in the Pretrain view\): Warmup must be a whole number from 0 to below the run's steps \(3\)/);
  });
});

describe('sweep values checked by the form’s rules', () => {
  it('refuses a mask ratio of 2 in words, as the editor types it and again at the start', () => {
    expect(knobProblem('model.maskRatio', '0.25, 2', form)).toBe('Mask ratio must be between 0 and 1 (got 2)');
    expect(knobProblem('model.maskRatio', '0.25, 0.75', form)).toBeNull();
    expect(knobProblem('train.batchSize', '8, 0', form)).toBe('Batch must be a whole number of at least 1 (got 0)');
    expect(knobProblem('model.maskRatio', '0.5, half', form)).toBe('mask ratio: "half" is not a number');
    const spec = buildSweepSpec({
      name: '',
      knobs: [{ path: 'model.maskRatio', values: [0.5, 2] }],
      form,
      probeForm: initialProbeForm(),
      datasets: [],
      now: 5,
      id: 's',
    });
    expect(spec).toBe('A sweep value is refused: Mask ratio must be between 0 and 1 (got 2).');
  });
});

describe('a knob’s values and the base recipe', () => {
  it('blames a knob only for its own values, not for a field the base recipe gets wrong', () => {
    const bad = { ...form, model: { ...MICRO, maskRatio: 1.5 } };
    expect(knobProblem('model.alignment', 'on, off', bad)).toBeNull();
    expect(knobProblem('model.maskRatio', '0.25, 2', bad)).toBe('Mask ratio must be between 0 and 1 (got 2)');
    // Warmup follows swept steps, as in the form; a warmup past the steps is the knob's to say.
    expect(knobProblem('train.totalSteps', '1, 100, 400', form)).toBeNull();
    expect(knobProblem('train.warmupSteps', '10, 20000', form)).toMatch(
      /^Warmup must be a whole number from 0 to below the run's steps \(16000\) \(got 20000\)/,
    );
  });
});
