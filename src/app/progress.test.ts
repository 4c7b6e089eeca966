import { describe, expect, it } from 'vitest';
import { liveRun, runProgress, runSecondsLeft, secondsLeftFromShare, valueText, type RunLike } from './progress';

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
