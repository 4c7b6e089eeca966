// Imported datasets in the notebook's IndexedDB: a small summary record per dataset, and its pixels
// as chunk records keyed [datasetId, index]. The worker writes and reads them; the page lists and
// deletes them.
import { importLock, withLockIfFree } from './locks';
import { openNotebookDb, STORES, tx } from './notebookDb';
import type { DatasetChunk, DatasetMeta } from './stored';

const chunkRange = (id: string) => IDBKeyRange.bound([id, 0], [id, Number.MAX_SAFE_INTEGER]);

export async function putDatasetMeta(m: DatasetMeta): Promise<void> {
  await tx(STORES.datasets, 'readwrite', (s) => s.put(m));
}

export async function putDatasetChunk(c: DatasetChunk): Promise<void> {
  await tx(STORES.datasetChunks, 'readwrite', (s) => s.put(c));
}

export async function listDatasets(): Promise<DatasetMeta[]> {
  const all = await tx(STORES.datasets, 'readonly', (s) => s.getAll() as IDBRequest<DatasetMeta[]>);
  return all.filter((m) => m.status === 'ready').sort((a, b) => b.createdAt - a.createdAt);
}

export async function getDatasetMeta(id: string): Promise<DatasetMeta | undefined> {
  return tx(STORES.datasets, 'readonly', (s) => s.get(id) as IDBRequest<DatasetMeta | undefined>);
}

/** A dataset's chunks in order. */
export async function loadDatasetChunks(id: string): Promise<DatasetChunk[]> {
  const all = await tx(STORES.datasetChunks, 'readonly', (s) => s.getAll(chunkRange(id)) as IDBRequest<DatasetChunk[]>);
  return all.sort((a, b) => a.index - b.index);
}

/** Deletes a dataset's summary and chunks in one transaction: all or nothing. */
export async function deleteDataset(id: string): Promise<void> {
  const db = await openNotebookDb();
  try {
    await new Promise<void>((resolve, reject) => {
      const t = db.transaction([STORES.datasets, STORES.datasetChunks], 'readwrite');
      t.objectStore(STORES.datasets).delete(id);
      t.objectStore(STORES.datasetChunks).delete(chunkRange(id));
      t.oncomplete = () => resolve();
      t.onerror = () => reject(t.error ?? new Error('IndexedDB transaction failed'));
      t.onabort = () => reject(t.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

/**
 * Deletes imports that a reload or a crash cut short: their summary still says 'importing', they
 * began before `before` (so an import this worker has just started is left alone), and no one holds
 * their import lock. An import in progress in another tab holds its lock (see ../worker/datasets.ts):
 * deleting it would leave that tab reporting "done" with chunks missing.
 */
export async function deleteUnfinishedImports(before: number): Promise<void> {
  const all = await tx(STORES.datasets, 'readonly', (s) => s.getAll() as IDBRequest<DatasetMeta[]>);
  for (const m of all) {
    if (m.status !== 'importing' || m.createdAt >= before) continue;
    await withLockIfFree(importLock(m.id), async () => {
      // Read again under the lock: the import may have finished between the listing and now.
      const now = await getDatasetMeta(m.id);
      if (now?.status === 'importing') await deleteDataset(m.id);
    });
  }
}
