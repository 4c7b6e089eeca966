// The notebook's one IndexedDB database, opened alike by the page (runs, results, checkpoints) and
// the worker (imported datasets), so both always agree on its version and stores.
// v1–v3: runs, results, checkpoints. v4: datasets (summaries) and datasetChunks (pixels). v5: sweeps. v6: tokenizers
// (d-VAE runs: record and latest checkpoint in one entry).
// Each upgrade only adds the stores it lacks: what was kept before survives.

export const DB_NAME = 'cae-notebook';
export const DB_VERSION = 6;
export const STORES = {
  runs: 'runs',
  results: 'results',
  checkpoints: 'checkpoints',
  datasets: 'datasets',
  datasetChunks: 'datasetChunks',
  sweeps: 'sweeps',
  tokenizers: 'tokenizers',
} as const;
export type StoreName = (typeof STORES)[keyof typeof STORES];

export function openNotebookDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(STORES.runs)) db.createObjectStore(STORES.runs, { keyPath: 'spec.id' });
      if (!db.objectStoreNames.contains(STORES.results)) db.createObjectStore(STORES.results, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(STORES.checkpoints)) db.createObjectStore(STORES.checkpoints, { keyPath: 'runId' });
      if (!db.objectStoreNames.contains(STORES.datasets)) db.createObjectStore(STORES.datasets, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(STORES.datasetChunks)) db.createObjectStore(STORES.datasetChunks, { keyPath: ['datasetId', 'index'] });
      if (!db.objectStoreNames.contains(STORES.sweeps)) db.createObjectStore(STORES.sweeps, { keyPath: 'spec.id' });
      if (!db.objectStoreNames.contains(STORES.tokenizers)) db.createObjectStore(STORES.tokenizers, { keyPath: 'spec.id' });
    };
    req.onsuccess = () => {
      // Another tab (or the worker) upgrading later must not wait on this connection.
      req.result.onversionchange = () => req.result.close();
      resolve(req.result);
    };
    req.onerror = () => reject(req.error ?? new Error('IndexedDB could not be opened'));
  });
}

/** One request in its own transaction on one store; resolves when the transaction commits. */
export async function tx<T>(store: StoreName, mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openNotebookDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(store, mode);
      const req = f(t.objectStore(store));
      t.oncomplete = () => resolve(req.result);
      t.onerror = () => reject(t.error ?? new Error('IndexedDB transaction failed'));
      t.onabort = () => reject(t.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}
