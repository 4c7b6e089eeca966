import { beforeEach, describe, expect, it } from 'vitest';
import { MICRO } from '../model/presets';
import type { RunSpec } from '../protocol/messages';
import { defaultTrainConfig } from '../train/defaults';
import { useStore } from './store';

const spec: RunSpec = { id: 'r1', presetId: 'micro', model: MICRO, train: defaultTrainConfig('micro'), dataset: 'shapes', checkpointEvery: 50, createdAt: 0 };
const point = (step: number) => ({ step, total: 1, reconstruction: 1, alignment: 0, lr: 0, gradNorm: 1 });

describe('the store', () => {
  beforeEach(() => useStore.getState().reset());

  it('accumulates metrics of the current run and ignores other runs', () => {
    const s = useStore.getState();
    s.started(spec);
    s.receive({ type: 'pretrain/metrics', runId: 'r1', points: [point(0), point(1)], step: 2, totalSteps: 400, imgPerSec: 5 });
    s.receive({ type: 'pretrain/metrics', runId: 'other', points: [point(9)], step: 10, totalSteps: 400, imgPerSec: 5 });
    expect(useStore.getState().run!.history.map((p) => p.step)).toEqual([0, 1]);
    expect(useStore.getState().run!.step).toBe(2);
  });

  it('rewinds the curves when the run goes back to a saved state', () => {
    const s = useStore.getState();
    s.started(spec);
    s.receive({ type: 'pretrain/metrics', runId: 'r1', points: [0, 1, 2, 3].map(point), step: 4, totalSteps: 400, imgPerSec: 5 });
    s.receive({ type: 'pretrain/status', runId: 'r1', status: 'running', step: 2, message: null });
    expect(useStore.getState().run!.history.map((p) => p.step)).toEqual([0, 1]);
  });

  it('keeps the five latest notices and marks a crash', () => {
    const s = useStore.getState();
    for (let i = 0; i < 7; i++) s.notify(`n${i}`);
    expect(useStore.getState().notices.map((n) => n.text)).toEqual(['n2', 'n3', 'n4', 'n5', 'n6']);
    s.started(spec);
    s.crashed('boom');
    expect(useStore.getState().workerCrash).toBe('boom');
    expect(useStore.getState().run!.status).toBe('failed');
  });

  it('choosing a preset resets the form to its defaults', () => {
    const s = useStore.getState();
    s.editTrain({ batchSize: 3 });
    s.choosePreset('vit-tiny-p4-32');
    expect(useStore.getState().form.model.embedDim).toBe(192);
    expect(useStore.getState().form.train.batchSize).toBe(64);
  });
});
