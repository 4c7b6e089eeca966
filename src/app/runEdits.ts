// The user's words on a run: its name and notes, kept in its record in IndexedDB. The page writing
// the run's progress keeps them (it reads the record in the transaction that writes it, runsDb.saveRun).
import { updateRun, type RunRecord } from './runsDb';
import { useStore } from './store';
import { announce } from './tabs';
import { refreshRuns } from './persistence';

/** Sets a run's name or notes; an empty name goes back to showing the id. */
export async function editRun(id: string, patch: Pick<RunRecord, 'name'> | Pick<RunRecord, 'notes'>): Promise<void> {
  const { runs, setRuns, notify } = useStore.getState();
  // Shown at once; the write follows.
  setRuns(runs.map((r) => (r.spec.id === id ? { ...r, ...patch } : r)));
  try {
    // Read and written in one transaction: a progress write from the training tab cannot fall between.
    if (!(await updateRun(id, (kept) => (kept ? { ...kept, ...patch } : null)))) return;
    announce({ type: 'runs-changed' });
    await refreshRuns();
  } catch (e) {
    notify(`The run's ${'name' in patch ? 'name' : 'notes'} could not be saved in this browser's storage (${(e as Error).message}).`);
  }
}
