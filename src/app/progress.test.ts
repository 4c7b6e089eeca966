import { describe, expect, it } from 'vitest';
import {
  evalProgress,
  evalShare,
  importProgress,
  liveRun,
  mapProgress,
  runProgress,
  runSecondsLeft,
  secondsLeftFromShare,
  tokenizerProgress,
  valueText,
  type RunLike,
} from './progress';

const run = (patch: Partial<RunLike> = {}): RunLike => ({
  status: 'running',
  phase: 'training',
  step: 100,
  totalSteps: 1100,
  imgPerSec: 80,
  spec: { train: { batchSize: 8 } },
  ...patch,
});

describe("a run's progress", () => {
  it('gives the time left at the measured speed while it trains', () => {
    // 1000 steps × 8 images at 80 img/s.
    expect(runSecondsLeft(run())).toBe(100);
    const p = runProgress(run());
    expect([p.value, p.max, p.phase, p.timeLeft]).toEqual([100, 1100, 'training', '1m 40s']);
    expect(valueText(p)).toBe('100 of 1100 (9 %) · training · time left 1m 40s');
  });

  it('says shaders are compiling, with no made-up time, before the speed is steady', () => {
    const p = runProgress(run({ phase: 'compiling', imgPerSec: 0, step: 0 }));
    expect(p.phase).toBe('compiling shaders / tracing the step');
    expect(p.timeLeft).toBe('unknown until the first steps have run');
    // Even a speed measured over the compiling steps is not a time left.
    expect(runSecondsLeft(run({ phase: 'compiling' }))).toBeNull();
    expect(runProgress(run({ status: 'starting', phase: 'preparing' })).phase).toMatch(/^starting/);
  });

  it('clears the time left when paused, stopped or ended', () => {
    for (const status of ['paused', 'stopped', 'done', 'failed'] as const) {
      const p = runProgress(run({ status }));
      expect(p.timeLeft).toBeNull();
      expect(p.phase).toBe(status);
      expect(valueText(p)).not.toMatch(/time left/);
    }
  });
});

describe('the time left of a job from its share done', () => {
  it('extrapolates in a straight line, and says nothing below 2 %', () => {
    expect(secondsLeftFromShare(0.25, 60_000)).toBe(180);
    expect(secondsLeftFromShare(0.01, 60_000)).toBeNull();
    expect(secondsLeftFromShare(1, 60_000)).toBeNull();
    expect(secondsLeftFromShare(NaN, 60_000)).toBeNull();
    expect(secondsLeftFromShare(0.5, 300)).toBeNull(); // under a second: no measure yet
  });
});

describe('one step and status for a kept run', () => {
  const record = { spec: { id: 'a' }, step: 50 };
  it("is the live run's while this page trains it", () => {
    expect(liveRun(record, { spec: { id: 'a' }, step: 73, status: 'running' })).toEqual({ step: 73, status: 'running' });
  });
  it("is the record's for another run, or once the run ended", () => {
    expect(liveRun(record, { spec: { id: 'b' }, step: 73, status: 'running' })).toEqual({ step: 50, status: null });
    expect(liveRun(record, { spec: { id: 'a' }, step: 73, status: 'done' })).toEqual({ step: 50, status: null });
    expect(liveRun(record, null)).toEqual({ step: 50, status: null });
  });
});

describe("an evaluation's progress", () => {
  it('counts parts (an encoder on a seed) and the running readout within its part', () => {
    expect(evalShare({ index: 0, count: 4 }, null)).toBe(0);
    expect(evalShare({ index: 1, count: 4 }, { done: 5, total: 10 })).toBeCloseTo(0.375);
    expect(evalShare({ index: 3, count: 4 }, { done: 12, total: 10 })).toBe(1);
  });
  it('names what runs and clears the time left when it ends', () => {
    const probe = { status: 'running' as const, progress: 'seed 1 of 2 · probed encoder · linear probe epoch 3 of 10', share: 0.25, startedAt: 0 };
    const p = evalProgress(probe, 60_000);
    expect([p.value, p.max, p.phase, p.timeLeft]).toEqual([250, 1000, probe.progress, 'about 3m 0s']);
    expect(evalProgress({ ...probe, status: 'done' }, 60_000).timeLeft).toBeNull();
    expect(evalProgress({ ...probe, share: 0 }, 60_000).timeLeft).toBe('unknown until a first part has run');
  });
});

describe("an import's progress", () => {
  it('counts the images stored and extrapolates the time left', () => {
    const p = importProgress({ name: 'pets', done: 50, total: 200, skipped: 2, startedAt: 0 }, 10_000);
    expect([p.value, p.max, p.phase, p.timeLeft]).toEqual([50, 200, 'decoding and storing: 50 of 200, 2 skipped', 'about 30s']);
    expect(importProgress({ name: 'pets', done: 0, total: 0, skipped: 0, startedAt: 0 }, 10).max).toBe(0);
  });
});

describe("a feature map's progress", () => {
  it('shows the share done and the time left from it', () => {
    const p = mapProgress({ progress: 'map: epoch 50 of 200', share: 0.625, startedAt: 1000 }, 1, 11_000);
    expect([p.value, p.phase, p.timeLeft, p.name]).toEqual([625, 'map: epoch 50 of 200', 'about 6s', 'feature map progress, second model']);
  });
});

describe("a tokenizer run's progress", () => {
  const t = { status: 'running' as const, step: 20, imgPerSec: 40, spec: { totalSteps: 100, batchSize: 4 } };
  it('counts steps and times the rest at the measured img/s', () => {
    const p = tokenizerProgress(t);
    expect([p.value, p.max, p.phase, p.timeLeft, p.name]).toEqual([20, 100, 'training', '8s', 'tokenizer progress']);
  });
  it('says what it does before it has a speed, and no time left once it ends', () => {
    expect(tokenizerProgress({ ...t, status: 'starting', step: 0, imgPerSec: 0 }).phase).toBe('starting: building the tokenizer and its data');
    const first = tokenizerProgress({ ...t, step: 1, imgPerSec: 0 });
    expect([first.phase, first.timeLeft]).toEqual(['compiling shaders / tracing the first steps', 'unknown until the first steps have run']);
    const done = tokenizerProgress({ ...t, status: 'done', step: 100 });
    expect([done.value, done.phase, done.timeLeft]).toEqual([100, 'done', null]);
  });
});
