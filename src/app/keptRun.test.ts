import { describe, expect, it } from 'vitest';
import { keptRunShown } from './components/KeptRunView';
import type { AppState } from './store';

const rec = (id: string) => ({ spec: { id } });
const state = (s: { selectedRun?: string | null; live?: string; runs: string[] }) =>
  ({ selectedRun: s.selectedRun ?? null, run: s.live ? { spec: { id: s.live } } : null, runs: s.runs.map(rec) }) as unknown as AppState;

describe('what Pretrain shows', () => {
  it('the run selected in the sidebar, unless it is the one this page trains', () => {
    expect(keptRunShown(state({ selectedRun: 'a', live: 'b', runs: ['b', 'a'] }))).toBe('a');
    expect(keptRunShown(state({ selectedRun: 'b', live: 'b', runs: ['b', 'a'] }))).toBeNull();
  });

  it('the live run when nothing is selected, and the newest kept run on a page that trains nothing', () => {
    expect(keptRunShown(state({ live: 'b', runs: ['b', 'a'] }))).toBeNull();
    expect(keptRunShown(state({ runs: ['b', 'a'] }))).toBe('b');
    // Collapsed in the sidebar ('') or deleted meanwhile: back to the default.
    expect(keptRunShown(state({ selectedRun: '', runs: ['b', 'a'] }))).toBe('b');
    expect(keptRunShown(state({ selectedRun: 'gone', runs: ['b', 'a'] }))).toBe('b');
  });

  it('nothing kept and nothing trained: the live views, which invite a first run', () => {
    expect(keptRunShown(state({ runs: [] }))).toBeNull();
  });
});
