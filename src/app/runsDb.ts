// The runs list in IndexedDB: every run's config, status and latest metrics, kept across reloads.
import type { RunSpec, RunStatus, StepPoint } from '../protocol/messages';

export interface RunRecord {
  readonly spec: RunSpec;
  readonly status: RunStatus;
  readonly step: number;
  readonly latest: StepPoint | null;
  readonly updatedAt: number;
}

const DB = 'cae-notebook';
const STORE = 'runs';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'spec.id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
  });
}

async function tx<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const req = f(t.objectStore(STORE));
      t.oncomplete = () => resolve(req.result);
      t.onerror = () => reject(t.error ?? new Error('IndexedDB transaction failed'));
      t.onabort = () => reject(t.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

export async function putRun(r: RunRecord): Promise<void> {
  await tx('readwrite', (s) => s.put(r));
}

export async function listRuns(): Promise<RunRecord[]> {
  const all = await tx<RunRecord[]>('readonly', (s) => s.getAll() as IDBRequest<RunRecord[]>);
  return all.sort((a, b) => b.spec.createdAt - a.spec.createdAt);
}

export async function deleteRun(id: string): Promise<void> {
  await tx('readwrite', (s) => s.delete(id));
}
