import { beforeEach, describe, expect, it } from 'vitest';
import { MICRO } from '../model/presets';
import type { DatasetMeta } from '../data/stored';
import type { FromWorker, RunSpec } from '../protocol/messages';
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

  it("follows the run's phase, from preparing to compiling to training", () => {
    const s = useStore.getState();
    s.started(spec);
    expect(useStore.getState().run!.phase).toBe('preparing');
    s.receive({ type: 'pretrain/phase', runId: 'r1', phase: 'compiling' });
    s.receive({ type: 'pretrain/phase', runId: 'other', phase: 'training' });
    expect(useStore.getState().run!.phase).toBe('compiling');
    s.receive({ type: 'pretrain/phase', runId: 'r1', phase: 'training' });
    expect(useStore.getState().run!.phase).toBe('training');
  });

  it("keeps an evaluation's share done growing, and full when it is done", () => {
    const s = useStore.getState();
    const probeSpec = { id: 'p1', augment: false } as unknown as Parameters<typeof s.probeStarted>[0];
    s.probeStarted(probeSpec);
    const progress = (index: number, done: number): FromWorker => ({
      type: 'probe/progress',
      id: 'p1',
      text: 't',
      part: { index, count: 2 },
      stage: { done, total: 4 },
    });
    s.receive(progress(0, 2));
    expect(useStore.getState().probe!.share).toBe(0.25);
    s.receive(progress(0, 0)); // the next readout of the same part starts its count again
    expect(useStore.getState().probe!.share).toBe(0.25);
    s.receive(progress(1, 0));
    expect(useStore.getState().probe!.share).toBe(0.5);
    s.receive({ type: 'probe/status', id: 'p1', status: 'done', message: null, features: 'cached' });
    expect(useStore.getState().probe!.share).toBe(1);
  });

  it('rewinds the curves when the run goes back to a saved state', () => {
    const s = useStore.getState();
    s.started(spec);
    s.receive({ type: 'pretrain/metrics', runId: 'r1', points: [0, 1, 2, 3].map(point), step: 4, totalSteps: 400, imgPerSec: 5 });
    s.receive({ type: 'pretrain/status', runId: 'r1', status: 'running', step: 2, message: null });
    expect(useStore.getState().run!.history.map((p) => p.step)).toEqual([0, 1]);
  });

  it('learns of each checkpoint the worker takes, and which one this browser keeps', () => {
    const s = useStore.getState();
    s.started(spec);
    expect(useStore.getState().run).toMatchObject({ checkpointTaken: null, checkpointStep: null });
    s.receive({ type: 'pretrain/checkpoint', runId: 'r1', step: 50, bytes: new Blob([new ArrayBuffer(4)]) });
    s.receive({ type: 'pretrain/checkpoint', runId: 'other', step: 70, bytes: new Blob([new ArrayBuffer(4)]) });
    // Taken, not yet written to IndexedDB: Resume could not continue from it.
    expect(useStore.getState().run).toMatchObject({ checkpointTaken: 50, checkpointStep: null });
    s.checkpointKept('r1', 50);
    s.checkpointKept('other', 70);
    expect(useStore.getState().run).toMatchObject({ checkpointTaken: 50, checkpointStep: 50 });
    // A resumed run starts from the checkpoint it was kept with.
    s.started(spec, { step: 100, history: [] });
    expect(useStore.getState().run).toMatchObject({ step: 100, checkpointTaken: 100, checkpointStep: 100 });
  });

  it('handles every worker message: one it does not know is a bug, not silently dropped', () => {
    // The typecheck refuses a FromWorker type without a case; this is the runtime side of that.
    expect(() => useStore.getState().receive({ type: 'pretrain/unknown' } as unknown as FromWorker)).toThrow(/unhandled message/);
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

  it('collapses a repeated notice into one line with a count', () => {
    const s = useStore.getState();
    s.notify('storage is full');
    s.notify('other');
    s.notify('storage is full');
    s.notify('storage is full');
    expect(useStore.getState().notices.map((n) => [n.text, n.count])).toEqual([
      ['other', 1],
      ['storage is full', 3],
    ]);
  });

  it('a run refused at its start keeps its step and curve (a damaged checkpoint must not rewind the record)', () => {
    const s = useStore.getState();
    s.started(spec, { step: 6, history: [0, 1, 2, 3, 4, 5].map(point) });
    s.receive({ type: 'pretrain/refused', runId: 'r1', message: 'The checkpoint kept for this run is damaged' });
    expect(useStore.getState().run).toMatchObject({ status: 'failed', step: 6, refused: true, message: 'The checkpoint kept for this run is damaged' });
    expect(useStore.getState().run!.history).toHaveLength(6);
  });

  it('a dead worker interrupts its run (not failed) and keeps its curve; the encoders it held are gone', () => {
    const s = useStore.getState();
    s.started(spec);
    s.receive({ type: 'pretrain/metrics', runId: 'r1', points: [0, 1, 2].map(point), step: 3, totalSteps: 400, imgPerSec: 5 });
    s.receive({ type: 'encoders', list: [{ runId: 'x', presetId: 'micro', step: 3, model: MICRO }] });
    s.workerLost('The training worker stopped.');
    // The worker client then gives the run the end its dead worker could not send.
    s.receive({ type: 'pretrain/status', runId: 'r1', status: 'interrupted', step: 3, message: 'The training worker stopped.' });
    expect(useStore.getState().run).toMatchObject({ status: 'interrupted', step: 3 });
    expect(useStore.getState().run!.history).toHaveLength(3);
    expect(useStore.getState().encoders).toEqual([]);
    expect(useStore.getState().workerCrash).toBeNull();
    expect(useStore.getState().notices.at(-1)!.text).toBe('The training worker stopped.');
  });

  it('choosing a preset resets the form to its defaults', () => {
    const s = useStore.getState();
    s.editTrain({ batchSize: 3 });
    s.choosePreset('vit-tiny-p4-32');
    expect(useStore.getState().form.model.embedDim).toBe(192);
    expect(useStore.getState().form.train.batchSize).toBe(64);
  });

  it('follows an import to its end, keeps the dataset choice across presets, and falls back to the default embedded set when a dataset goes', () => {
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
    expect([useStore.getState().form.dataset, useStore.getState().probeForm.dataset, useStore.getState().shownDataset]).toEqual([
      'shapes-easy',
      'shapes-easy',
      null,
    ]);
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

describe('the evaluation form follows the user', () => {
  const enc = (runId: string) => ({ runId, presetId: 'micro', step: 400, model: MICRO });
  const kept = (id: string, updatedAt: number, checkpointStep: number | null) => ({
    spec: { ...spec, id },
    status: 'done' as const,
    step: 400,
    checkpointStep,
    latest: null,
    updatedAt,
  });
  it('takes the newest run with a checkpoint, then whatever the user makes next, until they pick one', () => {
    useStore.getState().reset();
    expect(useStore.getState().probeForm.encoder).toBe('random');
    // After a reload: the kept run whose checkpoint changed last.
    useStore.getState().setRuns([kept('old', 1, 400), kept('newer', 5, 400), kept('no-checkpoint', 9, null)]);
    expect(useStore.getState().probeForm.encoder).toBe('newer');
    // A run of this session ends (or a checkpoint is imported): the worker holds a new encoder.
    useStore.getState().receive({ type: 'encoders', list: [enc('r-a')] });
    expect(useStore.getState().probeForm.encoder).toBe('r-a');
    // Another run trains and saves its first checkpoint: it is now the newest.
    useStore.getState().setRuns([kept('old', 1, 400), kept('newer', 5, 400), kept('r-a', 6, 400), kept('r-b', 7, 50)]);
    expect(useStore.getState().probeForm.encoder).toBe('r-b');
    // Its later checkpoints change nothing; neither does the list arriving again unchanged.
    useStore.getState().editProbe({ epochs: 3 });
    useStore.getState().setRuns([kept('old', 1, 400), kept('newer', 5, 400), kept('r-a', 6, 400), kept('r-b', 8, 100)]);
    useStore.getState().receive({ type: 'encoders', list: [enc('r-a')] });
    expect(useStore.getState().probeForm.encoder).toBe('r-b');
    // Once the user picks, nothing moves it.
    useStore.getState().editProbe({ encoder: 'random' });
    useStore.getState().receive({ type: 'encoders', list: [enc('r-a'), enc('r-c')] });
    expect(useStore.getState().probeForm.encoder).toBe('random');
    expect(useStore.getState().probeForm.encoderPicked).toBe(true);
  });
});
