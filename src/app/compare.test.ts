import { describe, expect, it } from 'vitest';
import { MICRO } from '../model/presets';
import type { RunSpec } from '../protocol/messages';
import { defaultTrainConfig } from '../train/defaults';
import { compareLayout, compareTraces, configDiff, runColour, runLabel } from './compare';
import { sparklinePoints } from './sparkline';

const pt = (step: number, alignment: number | null = 0.5) => ({
  step,
  total: 3 - step / 100,
  reconstruction: 2 - step / 100,
  alignment,
  lr: 1e-3,
  gradNorm: 1,
});
const spec = (id: string, o: { maskRatio?: number; batchSize?: number } = {}): RunSpec => ({
  id,
  presetId: 'micro',
  model: { ...MICRO, maskRatio: o.maskRatio ?? MICRO.maskRatio },
  train: { ...defaultTrainConfig('micro'), batchSize: o.batchSize ?? 64 },
  dataset: 'shapes-easy',
  checkpointEvery: 50,
  createdAt: Math.random(),
});

describe('comparing runs', () => {
  it('draws one trace per run, named by its name and id, against steps or images seen', () => {
    const runs = [
      { id: 'run-a', name: 'baseline', batchSize: 64, curve: [pt(0), pt(1), pt(2)] },
      { id: 'run-b', batchSize: 32, curve: [pt(0, null), pt(1, null)] },
    ];
    const steps = compareTraces(runs, 'total', 'step');
    expect(steps.map((t) => t.name)).toEqual(['baseline (run-a)', 'run-b']);
    expect(steps[0]!.x).toEqual([0, 1, 2]);
    expect(steps[0]!.y).toEqual([3, 2.99, 2.98]);
    expect(steps.map((t) => t.line?.color)).toEqual([runColour(0), runColour(1)]);
    const images = compareTraces(runs, 'reconstruction', 'images');
    expect(images[0]!.x).toEqual([0, 64, 128]);
    expect(images[1]!.x).toEqual([0, 32]);
    expect(images[1]!.y).toEqual([2, 1.99]);
    // A run without the alignment loss leaves a gap, not a line at zero.
    expect(compareTraces(runs, 'alignment', 'step')[1]!.y.every(Number.isNaN)).toBe(true);
    expect(runLabel('run-a', '  ')).toBe('run-a');
    expect(runLabel('run-a', 'run-a')).toBe('run-a');
  });

  it("lists only the config fields that differ, with each run's value", () => {
    const a = spec('run-a');
    const b = spec('run-b', { maskRatio: 0.75 });
    const c = spec('run-c', { batchSize: 32 });
    expect(configDiff([a])).toEqual([]);
    expect(configDiff([a, spec('run-x')])).toEqual([]); // ids and creation times are not config
    expect(configDiff([a, b])).toEqual([{ field: 'model.maskRatio', values: [String(MICRO.maskRatio), '0.75'] }]);
    expect(configDiff([a, b, c]).map((r) => r.field)).toEqual(['model.maskRatio', 'train.batchSize']);
    expect(configDiff([a, { ...c, dataset: 'shapes' }]).find((r) => r.field === 'dataset')?.values).toEqual(['shapes-easy', 'shapes']);
  });

  it('a sparkline fits its box, on a log scale for positive losses', () => {
    expect(sparklinePoints([1], 100, 20)).toBe('');
    const pts = sparklinePoints([100, 10, 1], 100, 20)
      .split(' ')
      .map((p) => p.split(',').map(Number));
    expect(pts).toEqual([
      [0, 1],
      [50, 10],
      [100, 19],
    ]);
    expect(
      sparklinePoints(
        Array.from({ length: 1000 }, (_, i) => 1 / (i + 1)),
        100,
        20,
        50,
      ).split(' ').length,
    ).toBeLessThanOrEqual(51);
  });
});

describe('the compare chart layout', () => {
  const pt = (step: number, total: number) => ({ step, total, reconstruction: total, alignment: null, lr: 0, gradNorm: 1 });
  const runs = [{ id: 'a', batchSize: 4, curve: [pt(0, 1.3), pt(50, 1.1), pt(100, 1.0)] }];
  it('labels a loss axis spanning 1.0–1.3 several times, log or linear', () => {
    for (const scale of ['log', 'linear'] as const) {
      const layout = compareLayout('total', 'step', compareTraces(runs, 'total', 'step'), scale);
      expect(layout.yaxis.type).toBe(scale);
      expect(layout.yaxis.ticktext!.length).toBeGreaterThanOrEqual(3);
      expect(layout.xaxis.ticktext!.length).toBeGreaterThanOrEqual(3);
    }
  });
  it("shows the step range asked for; an open end is the data's end", () => {
    const layout = compareLayout('total', 'step', compareTraces(runs, 'total', 'step'), 'linear', [50, Infinity]);
    expect(layout.xaxis.tickvals![0]).toBeGreaterThanOrEqual(50);
    expect(layout.xaxis.range![1]).toBeGreaterThan(100);
    expect(layout.xaxis.range![1]).toBeLessThan(110);
  });
});
