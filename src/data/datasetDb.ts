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

/**
 * Reads single chunks of one dataset, for a streamed dataset's cache: one connection for all its
 * reads (opening one per chunk would cost more than the read), opened again if it was closed (another
 * tab upgrading the database closes it). A missing chunk is an error that names it.
 */
export function chunkReader(id: string): { read(index: number): Promise<DatasetChunk>; close(): void } {
  let db: Promise<IDBDatabase> | null = null;
  const get = (conn: IDBDatabase, index: number) =>
    new Promise<DatasetChunk | undefined>((resolve, reject) => {
      const req = conn.transaction(STORES.datasetChunks, 'readonly').objectStore(STORES.datasetChunks).get([id, index]) as IDBRequest<DatasetChunk | undefined>;
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB read failed'));
    });
  const conn = () =>
    (db ??= openNotebookDb().catch((e: unknown) => {
      db = null;
      throw e;
    }));
  const close = () => {
    void db?.then((d) => d.close()).catch(() => undefined);
    db = null;
  };
  return {
    async read(index) {
      let c: DatasetChunk | undefined;
      try {
        c = await get(await conn(), index);
      } catch (e) {
        if ((e as DOMException)?.name !== 'InvalidStateError') throw e;
        close(); // the connection was closed under us: once more on a new one
        c = await get(await conn(), index);
      }
      if (!c) throw new Error(`chunk ${index} of the dataset is missing from this browser's storage; delete the dataset and import it again`);
      return c;
    },
    close,
  };
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
export async function deleteUnfinishedImports(before: number): Promise<DatasetMeta[]> {
  const all = await tx(STORES.datasets, 'readonly', (s) => s.getAll() as IDBRequest<DatasetMeta[]>);
  const removed: DatasetMeta[] = [];
  for (const m of all) {
    if (m.status !== 'importing' || m.createdAt >= before) continue;
    await withLockIfFree(importLock(m.id), async () => {
      // Read again under the lock: the import may have finished between the listing and now.
      const now = await getDatasetMeta(m.id);
      if (now?.status !== 'importing') return;
      await deleteDataset(m.id);
      removed.push(now);
    });
  }
  return removed;
}

/** What the user reads about an import cut short and removed: how far it had come. */
export function interruptedImportWords(m: DatasetMeta): string {
  const p = m.progress;
  const at = p && p.total > 0 ? `at ${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} images` : 'before its first images were kept';
  return `The import of ${m.name} was interrupted ${at} (the page or the browser closed) and was removed. Import it again to use it.`;
}
