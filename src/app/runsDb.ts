// The notebook's IndexedDB: the runs list (config, status, latest metrics), each run's latest
// checkpoint with its curves, and the probing results table, kept across reloads (the database
// itself, shared with the worker's imported datasets, is ../data/notebookDb.ts).
import type { Accuracy } from '../train/accuracy';
import { STORES, tx as dbTx, type StoreName } from '../data/notebookDb';
import type { ResultId, RunSpec, RunStatus, StepPoint } from '../protocol/messages';

/** A run's latest saved state: the safetensors bytes and the curves up to that step. */
export interface SavedCheckpoint {
  readonly runId: string;
  readonly step: number;
  readonly bytes: ArrayBuffer;
  readonly history: readonly StepPoint[];
  readonly savedAt: number;
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
}

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

/** Deletes a run's record and its checkpoint. */
export async function deleteRun(id: string): Promise<void> {
  await tx('readwrite', (s) => s.delete(id));
  await tx('readwrite', (s) => s.delete(id), CHECKPOINTS);
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
  const kept: StoredCheckpoint = { ...c, bytes: new Blob([c.bytes]) };
  await tx('readwrite', (s) => s.put(kept), CHECKPOINTS);
}

/** A checkpoint as kept: bytes in a Blob, or (kept before that) an ArrayBuffer. */
type StoredCheckpoint = Omit<SavedCheckpoint, 'bytes'> & { readonly bytes: ArrayBuffer | Blob };

export async function getCheckpoint(runId: string): Promise<SavedCheckpoint | undefined> {
  const c = await tx<StoredCheckpoint | undefined>('readonly', (s) => s.get(runId) as IDBRequest<StoredCheckpoint | undefined>, CHECKPOINTS);
  return c && { ...c, bytes: c.bytes instanceof Blob ? await c.bytes.arrayBuffer() : c.bytes };
}
