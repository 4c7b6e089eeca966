import { beforeEach, describe, expect, it } from 'vitest';
import { MICRO } from '../model/presets';
import type { RunSpec } from '../protocol/messages';
import { defaultTrainConfig } from '../train/defaults';
import { followLab, followProbe, newlyNewest, type Available } from './followDefaults';
import { initialLab } from './labState';
import { initialProbeForm } from './probeForm';
import type { RunRecord } from './runsDb';
import { useStore } from './store';

const spec = (id: string): RunSpec => ({
  id,
  presetId: 'micro',
  model: MICRO,
  train: defaultTrainConfig('micro'),
  dataset: 'shapes-easy',
  checkpointEvery: 50,
  createdAt: 0,
});
const rec = (id: string, updatedAt: number, checkpointStep: number | null = 10): RunRecord => ({
  spec: spec(id),
  status: 'stopped',
  step: 10,
  checkpointStep,
  latest: null,
  updatedAt,
});
const enc = (runId: string) => ({ runId, presetId: 'micro', step: 10, model: MICRO });
const none: Available = { encoders: [], runs: [], current: null };

describe('defaults that follow the newest model', () => {
  beforeEach(() => useStore.getState().reset());

  it('names what became newest: a run started here, then an imported file, then the newest kept checkpoint', () => {
    const a = rec('run-a', 1);
    const kept: Available = { ...none, runs: [a] };
    expect(newlyNewest(none, kept)).toBe('run-a'); // the runs list read after a reload
    expect(newlyNewest(kept, kept)).toBeNull();
    expect(newlyNewest(kept, { ...kept, current: 'run-b' })).toBe('run-b');
    expect(newlyNewest(kept, { ...kept, encoders: [enc('imported:x.safetensors')] })).toBe('imported:x.safetensors');
    // A kept run handed to the worker (to probe or show it) is not news.
    expect(newlyNewest(kept, { ...kept, encoders: [enc('run-a')] })).toBeNull();
    // A checkpoint saved later makes its run the newest; one without a checkpoint does not count.
    expect(newlyNewest(kept, { ...kept, runs: [a, rec('run-c', 5)] })).toBe('run-c');
    expect(newlyNewest(kept, { ...kept, runs: [a, rec('run-d', 9, null)] })).toBeNull();
  });

  it('the probe follows what it can read; the lab shows the training run live; a pick holds', () => {
    const was: Available = { ...none, runs: [rec('run-a', 1)] };
    const started: Available = { ...was, current: 'run-b' };
    const f = initialProbeForm();
    // A run that just started has no checkpoint: the probe waits for its first one, the lab shows it live.
    expect(followProbe(f, was, started).encoder).toBe('random');
    expect(followLab(initialLab(), was, started).model).toBe('current');
    const saved: Available = { ...started, runs: [rec('run-b', 2), rec('run-a', 1)] };
    expect(followProbe(f, started, saved).encoder).toBe('run-b');
    expect(followLab({ ...initialLab(), model: 'run-a' }, started, saved).model).toBe('current');
    // After a reload there is no current run: both go to the newest kept run.
    expect(followProbe(f, none, was).encoder).toBe('run-a');
    expect(followLab(initialLab(), none, was).model).toBe('run-a');
    expect(followProbe({ ...f, encoderPicked: true }, was, saved).encoder).toBe('random');
    expect(followLab({ ...initialLab(), modelPicked: true }, was, saved).model).toBe('random');
  });

  it('the store applies it when runs are read, a run starts, or the worker lists encoders', () => {
    const s = useStore.getState();
    s.setRuns([rec('run-a', 1)]);
    expect([useStore.getState().probeForm.encoder, useStore.getState().lab.model]).toEqual(['run-a', 'run-a']);
    s.started(spec('run-b'));
    expect([useStore.getState().probeForm.encoder, useStore.getState().lab.model]).toEqual(['run-a', 'current']);
    s.editProbe({ encoder: 'random' });
    s.setRuns([rec('run-b', 3), rec('run-a', 1)]);
    expect([useStore.getState().probeForm.encoder, useStore.getState().lab.model]).toEqual(['random', 'current']);
    s.receive({ type: 'encoders', list: [enc('imported:z')] });
    expect(useStore.getState().lab.model).toBe('imported:z');
  });
});
