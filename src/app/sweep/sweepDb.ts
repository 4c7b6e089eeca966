// Sweeps kept in the notebook's IndexedDB, so a reload shows their grids and continues an unfinished one.
import { STORES, tx } from '../../data/notebookDb';
import type { SweepState } from './sweep';

export async function putSweep(s: SweepState): Promise<void> {
  await tx(STORES.sweeps, 'readwrite', (st) => st.put(s));
}

/** Every kept sweep, newest first. */
export async function listSweeps(): Promise<SweepState[]> {
  const all = await tx<SweepState[]>(STORES.sweeps, 'readonly', (st) => st.getAll() as IDBRequest<SweepState[]>);
  return all.sort((a, b) => b.spec.createdAt - a.spec.createdAt);
}

export async function deleteSweep(id: string): Promise<void> {
  await tx(STORES.sweeps, 'readwrite', (st) => st.delete(id));
}
