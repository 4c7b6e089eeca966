// The store's sweep slice: the sweeps kept in this browser (the sweep driver, ../sweep/, runs them).
import type { SweepState } from '../sweep/sweep';
import type { SetState } from './types';

export interface SweepSlice {
  /** Kept sweeps, newest first (their grids). */
  sweeps: readonly SweepState[];
  setSweeps(s: readonly SweepState[]): void;
}

export const sweepSlice = (set: SetState): SweepSlice => ({
  sweeps: [],
  setSweeps(sweeps) {
    set({ sweeps });
  },
});
