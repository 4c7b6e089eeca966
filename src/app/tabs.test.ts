import { describe, expect, it } from 'vitest';
import type { RunSpec } from '../protocol/messages';
import type { RunRecord } from './runsDb';
import { canResume, shownStatus } from './tabs';

const rec = (id: string, status: RunRecord['status'], checkpointStep: number | null = 4): RunRecord => ({
  spec: { id } as RunSpec,
  status,
  step: 5,
  checkpointStep,
  latest: null,
  updatedAt: 0,
});

describe('runs another tab trains', () => {
  it('shows a run whose lock another tab holds as training there, with no Resume', () => {
    const r = rec('a', 'running');
    expect(shownStatus(r, undefined, ['a'])).toBe('training in another tab');
    expect(canResume(r, undefined, ['a'])).toBe(false);
    // Even a record that already says paused or stopped: the lock is what says who owns it.
    expect(shownStatus(rec('a', 'stopped'), 'b', ['a'])).toBe('training in another tab');
  });

  it('shows a run left active by a page that is gone as interrupted, with Resume', () => {
    const r = rec('a', 'paused');
    expect(shownStatus(r, undefined, [])).toBe('interrupted');
    expect(canResume(r, undefined, [])).toBe(true);
  });

  it("shows this tab's own run as it is and never offers to resume it, or a finished one, or one without a checkpoint", () => {
    expect(shownStatus(rec('a', 'running'), 'a', ['a'])).toBe('running');
    expect(canResume(rec('a', 'paused'), 'a', [])).toBe(false);
    expect(canResume(rec('a', 'done'), undefined, [])).toBe(false);
    expect(canResume(rec('a', 'stopped', null), undefined, [])).toBe(false);
    expect(canResume(rec('a', 'stopped'), undefined, [])).toBe(true);
  });
});
