import { describe, expect, it } from 'vitest';
import type { SweepPoint, SweepState } from './sweep';
import { pointStatusText, sweepProgress } from './sweepProgress';

const point = (status: SweepPoint['status'], i: number, seconds = 0): SweepPoint => ({
  values: [i],
  status,
  runId: `run-${i}`,
  probeId: `probe-${i}`,
  losses: null,
  imagesSeen: 0,
  seconds,
  lin: null,
  att: null,
  message: null,
});
const sweep = (points: SweepPoint[], cancelled = false) => ({ spec: { name: 'mask ratio' }, points, cancelled }) as unknown as SweepState;
const run = (id: string, step: number) => ({ spec: { id }, step, totalSteps: 400, status: 'running' as const });

describe("a sweep's progress", () => {
  it('says which point of how many runs, and its pretraining step', () => {
    const s = sweep([point('done', 0, 120), point('pretraining', 1), point('queued', 2)]);
    const p = sweepProgress(s, run('run-1', 100), null);
    expect(p.phase).toBe('point 2 of 3 · pretraining · step 100 of 400');
    // One point done, a quarter of the next's pretraining (half a point): 1.125 of 3.
    expect([p.value, p.max]).toEqual([113, 300]);
    expect(p.timeLeft).toBe('about 3m 45s'); // 120 s a point × 1.875 points left
  });
  it('names the probes while a point is probed', () => {
    const s = sweep([point('probing', 0), point('queued', 1)]);
    const probe = { spec: { id: 'probe-0' }, status: 'running' as const, share: 0.5, progress: 'seed 1 of 1 · probed encoder · linear probe epoch 2 of 4' };
    const p = sweepProgress(s, null, probe);
    expect(p.phase).toBe('point 1 of 2 · probing · seed 1 of 1 · probed encoder · linear probe epoch 2 of 4');
    expect(p.value).toBe(75);
    expect(p.timeLeft).toBe('unknown until a first point has finished');
  });
  it("shows another run's step nowhere, and no time left once ended", () => {
    expect(pointStatusText(point('pretraining', 1), run('someone-else', 50), null)).toBe('pretraining');
    const done = sweepProgress(sweep([point('done', 0, 10), point('failed', 1)]), null, null);
    expect([done.phase, done.timeLeft, done.value, done.max]).toEqual(['finished: 2 of 2 points', null, 200, 200]);
    expect(sweepProgress(sweep([point('done', 0), point('cancelled', 1)], true), null, null).phase).toBe('cancelled after 2 of 2 points');
  });
});
