import { describe, expect, it } from 'vitest';
import { PRESETS } from '../model/presets';
import type { RunSpec } from '../protocol/messages';
import { defaultTrainConfig } from '../train/defaults';
import { compactCount, compactValue, defaultRunName, runGroups, runTitle, sweepOf } from './runNames';
import { newSweep, type SweepSpec } from './sweep/sweep';

const spec = (patch: { model?: object; train?: object } = {}, id = 'run-a'): RunSpec => ({
  id,
  presetId: 'micro',
  model: { ...PRESETS.micro, ...patch.model },
  train: { ...defaultTrainConfig('micro'), ...patch.train },
  dataset: 'shapes-easy',
  checkpointEvery: 50,
  createdAt: 0,
});

describe('run names', () => {
  it('says the preset and the length of an unchanged recipe', () => {
    const steps = defaultTrainConfig('micro').totalSteps;
    expect(defaultRunName(spec())).toBe(`micro · ${compactCount(steps)} steps`);
  });

  it('names what differs from the preset, with short words and values', () => {
    const name = defaultRunName(spec({ model: { maskRatio: 0.75, alignment: false }, train: { totalSteps: 4000, warmupSteps: 133 } }));
    expect(name).toBe('micro · mask 0.75 · alignment off · 4k steps');
  });

  it('counts a warmup that follows the steps as no change, one set by hand as one', () => {
    expect(defaultRunName(spec({ train: { totalSteps: 3000, warmupSteps: 100 } }))).toBe('micro · 3k steps');
    expect(defaultRunName(spec({ train: { totalSteps: 3000, warmupSteps: 7 } }))).toBe('micro · warmup 7 · 3k steps');
  });

  it('keeps long names short by counting the rest', () => {
    const name = defaultRunName(spec({ model: { maskRatio: 0.7, decoderDepth: 3, regressorDepth: 3 }, train: { baseLr: 1e-3 } }));
    expect(name).toBe('micro · mask 0.7 · regressor depth 3 · +2 more · ' + `${compactCount(defaultTrainConfig('micro').totalSteps)} steps`);
  });

  it('writes values compactly', () => {
    expect(compactValue(0.0015)).toBe('1.5e-3');
    expect(compactValue(0.75)).toBe('0.75');
    expect(compactValue(true)).toBe('on');
    expect(compactCount(1500)).toBe('1.5k');
    expect(compactCount(300)).toBe('300');
  });

  it('names a sweep run by its swept values, and a typed name wins', () => {
    const base = spec();
    const sweepSpec: SweepSpec = {
      id: 'sweep-1',
      name: 'mask ratio',
      base: { presetId: base.presetId, model: base.model, train: base.train, dataset: base.dataset, checkpointEvery: 50 },
      knobs: [
        { path: 'model.maskRatio', values: [0.25, 0.5] },
        { path: 'model.alignment', values: [true, false] },
      ],
      probe: {} as SweepSpec['probe'],
      createdAt: 0,
    };
    const s = newSweep(sweepSpec);
    const sweep = { ...s, points: s.points.map((p, i) => ({ ...p, runId: `run-${i}` })) };
    expect(sweepOf('run-1', [sweep])?.values).toEqual([0.25, false]);
    expect(runTitle({ spec: spec({}, 'run-1') }, [sweep])).toBe('mask 0.25 · alignment off');
    expect(runTitle({ spec: spec({}, 'run-1'), name: ' mine ' }, [sweep])).toBe('mine');
    expect(runTitle({ spec: spec({}, 'run-9') }, [sweep])).toBe(defaultRunName(spec()));
    // The list's order is kept; the sweep's runs gather where its newest one is.
    const runs = ['run-9', 'run-1', 'run-8', 'run-0'].map((id) => ({ spec: spec({}, id) }));
    const groups = runGroups(runs, [sweep]);
    expect(groups.map((g) => [g.sweep?.spec.id ?? null, g.runs.map((r) => r.spec.id)])).toEqual([
      [null, ['run-9']],
      ['sweep-1', ['run-1', 'run-0']],
      [null, ['run-8']],
    ]);
  });
});
