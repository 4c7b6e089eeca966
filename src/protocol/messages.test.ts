import { describe, expect, it } from 'vitest';
import { isActive, type RunStatus } from './messages';

describe('isActive', () => {
  it('is true while a run starts, trains or is paused, and false once it ended', () => {
    const all: Record<RunStatus, boolean> = {
      starting: true,
      running: true,
      paused: true,
      stopped: false,
      done: false,
      diverged: false,
      failed: false,
      interrupted: false,
    };
    for (const [status, active] of Object.entries(all)) expect(isActive(status as RunStatus), status).toBe(active);
  });
});
