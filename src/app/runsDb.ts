// The notebook's IndexedDB: the runs list (config, status, latest metrics), each run's latest
// checkpoint with its curves, and the probing results table, kept across reloads (the database
// itself, shared with the worker's imported datasets, is ../data/notebookDb.ts).
import type { Accuracy } from '../train/accuracy';
import { openNotebookDb, STORES, tx as dbTx, type StoreName } from '../data/notebookDb';
import type { ReconView, ResultId, RunSpec, RunStatus, StepPoint } from '../protocol/messages';

/**
 * A run's latest saved state: the safetensors bytes and the curves up to that step. The bytes are a
 * Blob as the worker hands them over (made on its thread, never copied on the page's), or an
 * ArrayBuffer (tests; records kept before issue 26).
 */
export interface SavedCheckpoint {
  readonly runId: string;
  readonly step: number;
  readonly bytes: ArrayBuffer | Blob;
  readonly history: readonly StepPoint[];
  readonly savedAt: number;
  /** The reconstructions shown when it was taken, for Pretrain's view of a kept run (checkpoints kept before: none). */
  readonly recon?: ReconView | null;
}

export interface RunRecord {
  readonly spec: RunSpec;
  readonly status: RunStatus;
  readonly step: number;
  /** Step of the latest checkpoint kept for this run, or null when none is. */
  readonly checkpointStep?: number | null;
  readonly latest: StepPoint | null;
  readonly updatedAt: number;
  /** The user's name for the run (the sidebar and the compare chart show it beside the id). */
  readonly name?: string;
  /** The user's notes on the run: what it tried, what it showed. */
  readonly notes?: string;
  /** The loss curve, thinned to a few hundred points, for the sparkline and the compare chart. */
  readonly curve?: readonly StepPoint[];
  /**
   * The page (one id per page load) that last took the run's Web Lock to train it: only it may write
   * the run's progress, so a tab that trained the run before another resumed it cannot overwrite it.
   */
  readonly owner?: string;
}

/** A write refused because another page has since taken the run (see RunRecord.owner). */
export class NotOwnerError extends Error {}

/** One row of the paper's Table 1 shape: an encoder and how each evaluation reads it. */
export interface ResultRow {
  readonly id: string;
  /** "random init" or the pretraining run's id. */
  readonly encoder: string;
  readonly presetId: string;
  readonly pretrainSteps: number;
  /** Epochs of the linear and attentive probes. */
  readonly epochs: number;
  readonly createdAt: number;
  /** The probed dataset's name; rows kept before imports existed are on shapes. */
  readonly dataset?: string;
  /** Rows kept before the evaluation suite: final LIN and ATT top-1 of one seed, in [0, 1]. */
  readonly linear?: number;
  readonly attentive?: number;
  /** 'baseline': the random-init encoder evaluated beside a pretrained one in the same run. */
  readonly role?: 'probed' | 'baseline';
  /** Top-1 mean ± sd over seeds with its standard error, per evaluation. */
  readonly results?: Partial<Record<ResultId, Accuracy>>;
  /** 1 / classes. */
  readonly chance?: number;
  /** The evaluation run this row came from (a pretrained row and its baseline share it). */
  readonly runOf?: string;
  /** The split the results were read on: the held-out test split, or validation carved from the training images (rows kept before: test). */
  readonly split?: 'test' | 'val';
  /** How LIN was trained (rows kept before: the official recipe). */
  readonly linearReadout?: 'logistic' | 'official';
}

const STORE = STORES.runs;
const RESULTS = STORES.results;
const CHECKPOINTS = STORES.checkpoints;

/** The runs list's transactions: the store comes last, defaulting to the runs. */
const tx = <T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>, store: StoreName = STORE) => dbTx(store, mode, f);

export async function putRun(r: RunRecord): Promise<void> {
  await tx('readwrite', (s) => s.put(r));
}

export async function listRuns(): Promise<RunRecord[]> {
  const all = await tx<RunRecord[]>('readonly', (s) => s.getAll() as IDBRequest<RunRecord[]>);
  return all.sort((a, b) => b.spec.createdAt - a.spec.createdAt);
}

export async function getRun(id: string): Promise<RunRecord | undefined> {
  return tx<RunRecord | undefined>('readonly', (s) => s.get(id) as IDBRequest<RunRecord | undefined>);
}

/** Deletes a run's record and its checkpoint, in one transaction: never one without the other. */
export async function deleteRun(id: string): Promise<void> {
  await both((t) => {
    t.objectStore(STORE).delete(id);
    t.objectStore(CHECKPOINTS).delete(id);
  });
}

/**
 * One readwrite transaction over the runs and their checkpoints; resolves when it commits. `fail`
 * (for f's request callbacks) aborts it, and it rejects with what was failed with or thrown.
 */
async function both(f: (t: IDBTransaction, fail: (e: unknown) => void) => void): Promise<void> {
  const db = await openNotebookDb();
  try {
    await new Promise<void>((resolve, reject) => {
      const t = db.transaction([STORE, CHECKPOINTS], 'readwrite');
      let thrown: unknown = null;
      const fail = (e: unknown) => {
        thrown = e;
        t.abort();
      };
      t.oncomplete = () => resolve();
      t.onerror = () => reject(thrown ?? t.error ?? new Error('IndexedDB transaction failed'));
      t.onabort = () => reject(thrown ?? t.error ?? new Error('IndexedDB transaction aborted'));
      try {
        f(t, fail);
      } catch (e) {
        fail(e);
      }
    });
  } finally {
    db.close();
  }
}

/**
 * Changes a run's record in one transaction that reads it, lets `change` decide, and writes what
 * it returns (null: nothing), so no other tab's write falls between the read and the write.
 * `checkpoint`, when given, is written in the same transaction. Rejects with what `change` threw.
 */
export async function updateRun(
  id: string,
  change: (kept: RunRecord | undefined) => RunRecord | null,
  checkpoint?: SavedCheckpoint,
): Promise<RunRecord | null> {
  let out: RunRecord | null = null;
  await both((t, fail) => {
    const runs = t.objectStore(STORE);
    const get = runs.get(id) as IDBRequest<RunRecord | undefined>;
    get.onsuccess = () => {
      try {
        out = change(get.result);
      } catch (e) {
        fail(e);
        return;
      }
      if (out) runs.put(out);
      if (out && checkpoint) t.objectStore(CHECKPOINTS).put(storedCheckpoint(checkpoint));
    };
  });
  return out;
}

/**
 * Writes this page's view of a run (`r`, with its checkpoint when one was just taken) unless another
 * page owns the run now; keeps the user's name and notes as the record has them.
 */
export function saveRun(r: RunRecord, owner: string, checkpoint?: SavedCheckpoint): Promise<RunRecord | null> {
  return updateRun(
    r.spec.id,
    (kept) => {
      if (kept?.owner !== undefined && kept.owner !== owner) throw new NotOwnerError(`${r.spec.id} is trained in another tab now`);
      return { ...r, name: kept?.name, notes: kept?.notes, owner };
    },
    checkpoint,
  );
}

/** This page takes a kept run (it holds the run's Web Lock): from now on only it writes the run's progress. */
export function claimRun(id: string, owner: string): Promise<RunRecord | null> {
  return updateRun(id, (kept) => (kept ? { ...kept, owner } : null));
}

/**
 * Bytes this origin stores, as the browser estimates them, and whether the browser keeps them under
 * storage pressure (`persisted`, null where it cannot say); null where it cannot estimate.
 */
export async function storageUsed(): Promise<{ usage: number; quota: number; persisted: boolean | null } | null> {
  if (!navigator.storage?.estimate) return null;
  const e = await navigator.storage.estimate();
  const persisted = navigator.storage.persisted ? await navigator.storage.persisted().catch(() => null) : null;
  return { usage: e.usage ?? 0, quota: e.quota ?? 0, persisted };
}

export async function putResult(r: ResultRow): Promise<void> {
  await tx('readwrite', (s) => s.put(r), RESULTS);
}

export async function listResults(): Promise<ResultRow[]> {
  const all = await tx<ResultRow[]>('readonly', (s) => s.getAll() as IDBRequest<ResultRow[]>, RESULTS);
  // Oldest run first; within a run, the probed encoder above its baseline.
  return all.sort((a, b) => a.createdAt - b.createdAt || Number(a.role === 'baseline') - Number(b.role === 'baseline'));
}

/**
 * Keeps only the latest checkpoint of a run. Its bytes are stored as a Blob: putting the ArrayBuffer
 * itself serialized (and compressed) megabytes on the page's thread, an 80 ms task at a micro run's
 * first checkpoint (traced); a Blob is written by the browser off that thread.
 */
export async function putCheckpoint(c: SavedCheckpoint): Promise<void> {
  await tx('readwrite', (s) => s.put(storedCheckpoint(c)), CHECKPOINTS);
}

const storedCheckpoint = (c: SavedCheckpoint): SavedCheckpoint => ({ ...c, bytes: c.bytes instanceof Blob ? c.bytes : new Blob([c.bytes]) });

/** A kept checkpoint with its bytes read (exports, tests). */
export type ReadCheckpoint = SavedCheckpoint & { readonly bytes: ArrayBuffer };
/** A kept checkpoint with its bytes as a Blob: what goes to the worker, which reads it on its own thread. */
export type BlobCheckpoint = SavedCheckpoint & { readonly bytes: Blob };

/** A checkpoint as kept: bytes in a Blob, or (kept before that) an ArrayBuffer. */
const getStored = (runId: string) => tx<SavedCheckpoint | undefined>('readonly', (s) => s.get(runId) as IDBRequest<SavedCheckpoint | undefined>, CHECKPOINTS);

export async function getCheckpoint(runId: string): Promise<ReadCheckpoint | undefined> {
  const c = await getStored(runId);
  return c && { ...c, bytes: c.bytes instanceof Blob ? await c.bytes.arrayBuffer() : c.bytes };
}

export async function getCheckpointBlob(runId: string): Promise<BlobCheckpoint | undefined> {
  const c = await getStored(runId);
  return c && { ...c, bytes: c.bytes instanceof Blob ? c.bytes : new Blob([c.bytes]) };
}
