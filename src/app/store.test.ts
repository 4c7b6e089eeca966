import { beforeEach, describe, expect, it } from 'vitest';
import { MICRO } from '../model/presets';
import type { DatasetMeta } from '../data/stored';
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

  it('follows an import to its end, keeps the dataset choice across presets, and falls back to shapes when a dataset goes', () => {
    const s = useStore.getState();
    const meta = { id: 'ds-1', name: 'pets', classes: ['cat', 'dog'], status: 'ready', skippedCount: 2 } as unknown as DatasetMeta;
    s.importStarted('ds-1', 'pets');
    s.receive({ type: 'data/progress', id: 'ds-1', done: 5, total: 10, skipped: 1 });
    expect(useStore.getState().dataImport).toMatchObject({ status: 'running', done: 5, total: 10, skipped: 1 });
    s.receive({ type: 'data/imported', meta });
    expect(useStore.getState().dataImport).toMatchObject({ status: 'done', skipped: 2 });
    expect(useStore.getState().shownDataset).toBe('ds-1');
    s.chooseDataset('ds-1');
    s.editProbe({ dataset: 'ds-1' });
    s.choosePreset('vit-tiny-p4-32');
    expect(useStore.getState().form.dataset).toBe('ds-1');
    s.setDatasets([]);
    expect([useStore.getState().form.dataset, useStore.getState().probeForm.dataset, useStore.getState().shownDataset]).toEqual(['shapes', 'shapes', null]);
  });

  it('a failed import says why in a notice; a cancelled one does not', () => {
    const s = useStore.getState();
    s.importStarted('a', 'x');
    s.receive({ type: 'data/failed', id: 'a', message: 'Could not import x: bad. Nothing was kept.', cancelled: false });
    s.importStarted('b', 'y');
    s.receive({ type: 'data/failed', id: 'b', message: 'The import was cancelled; nothing was kept.', cancelled: true });
    expect(useStore.getState().notices.map((n) => n.text)).toEqual(['Could not import x: bad. Nothing was kept.']);
    expect(useStore.getState().dataImport?.status).toBe('cancelled');
  });
});
