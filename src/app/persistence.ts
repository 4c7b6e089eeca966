// The page's work kept in IndexedDB: the runs list, each run's latest checkpoint, the results table
// and the imported datasets. Reads them into the store, writes what the worker reports, tells the
// other tabs (they share the database), and holds the Web Lock of the run this tab trains.
import { deleteDataset, listDatasets } from '../data/datasetDb';
import { heldLocks, heldRunIds, runLock, tryHold, whenFree, withLockIfFree } from '../data/locks';
import { isActive, type FromWorker } from '../protocol/messages';
import { resultRows } from './results';
import { thin } from './charts';
import {
  claimRun,
  deleteRun,
  getCheckpoint,
  getCheckpointBlob,
  listResults,
  listRuns,
  NotOwnerError,
  putResult,
  saveRun,
  type BlobCheckpoint,
  type ReadCheckpoint,
  type RunRecord,
  type SavedCheckpoint,
} from './runsDb';
import { useStore } from './store';
import { announce, listenToTabs, requestPersistentStorage } from './tabs';

/** The runs list is written at most this often while metrics stream (and on every status). */
const PERSIST_EVERY_MS = 2000;

let lastPersist = 0;
/** This page among the tabs: the owner its run records carry (see RunRecord.owner). */
export const PAGE_ID = `page-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
/** Lets go of the Web Lock this tab holds on the run it trains (see ../data/locks.ts). */
let releaseRun: (() => void) | null = null;
/** The run whose lock this tab holds, if any: only that one is not "trained elsewhere". */
let heldRun: string | null = null;
/** Runs another tab trains whose lock this tab waits on, to read the list again when it is free. */
const watching = new Set<string>();

const notify = (text: string) => useStore.getState().notify(text);

/** This tab owns the run now: only one tab at a time trains or resumes a run. */
function ownRun(runId: string, release: () => void): void {
  releaseRun?.();
  releaseRun = release;
  heldRun = runId;
}

/** The run ended here: let go of its lock, and tell the other tabs once it is free to resume there. */
export function releaseRunLock(runId: string): void {
  if (!releaseRun || heldRun !== runId) return;
  releaseRun();
  releaseRun = null;
  heldRun = null;
  void whenFree(runLock(runId)).then(() => announce({ type: 'runs-changed' }));
}

/** Holds a new run's lock while it lasts, so other tabs show it as training here. */
export function holdNewRun(runId: string): void {
  // A new id: its lock is free.
  void tryHold(runLock(runId)).then((release) => {
    if (!release) return;
    const run = useStore.getState().run;
    // A run that failed at once (its dataset gone) ended before the lock came: let it go again.
    if (run?.spec.id === runId && isActive(run.status)) ownRun(runId, release);
    else release();
  });
}

/**
 * Takes a kept run's lock before resuming it: two tabs resuming one run would both write its
 * checkpoint. False (with the list read again) when another tab trains it.
 */
export async function holdKeptRun(runId: string): Promise<boolean> {
  const release = await tryHold(runLock(runId));
  if (!release) {
    void refreshRuns().catch(() => undefined);
    return false;
  }
  ownRun(runId, release);
  // From now on this tab's writes are the run's; a tab that trained it before can no longer overwrite them.
  await claimRun(runId, PAGE_ID).catch(() => undefined);
  return true;
}

/**
 * Reads the runs list and which of its runs other tabs are training (their locks are held). For
 * each of those it waits for the lock to be free, so a tab closed mid-run shows its run as
 * interrupted (with Resume) here without a reload.
 */
export async function refreshRuns(): Promise<void> {
  const [runs, held] = await Promise.all([listRuns(), heldLocks().catch(() => new Set<string>())]);
  // Only a lock this tab holds is its own: the run it trained last may have been resumed by another tab since.
  const elsewhere = heldRunIds(held).filter((id) => id !== heldRun);
  useStore.getState().setRuns(runs);
  useStore.getState().setRunsElsewhere(elsewhere);
  for (const id of elsewhere) {
    if (watching.has(id)) continue;
    watching.add(id);
    void whenFree(runLock(id)).then(() => {
      watching.delete(id);
      void refreshRuns().catch(() => undefined);
    });
  }
}

/** Reads the runs, results and datasets into the store now and whenever another tab changes one. */
export function readKept(): void {
  const readRuns = () => refreshRuns().catch((e: Error) => notify(`The runs list could not be read from this browser's storage: ${e.message}`));
  const readResults = () =>
    listResults()
      .then((rows) => useStore.getState().setResults(rows))
      .catch((e: Error) => notify(`The results table could not be read from this browser's storage: ${e.message}`));
  const readDatasets = () =>
    listDatasets()
      .then((list) => useStore.getState().setDatasets(list))
      .catch((e: Error) => notify(`The imported datasets could not be read from this browser's storage: ${e.message}`));
  void readRuns();
  void readResults();
  void readDatasets();
  listenToTabs((m) => {
    if (m.type === 'runs-changed') void readRuns();
    else if (m.type === 'results-changed') void readResults();
    else if (m.type === 'datasets-changed') void readDatasets();
  });
}

/** Points of a run's curve kept in its record: enough for a sparkline and a compare chart. */
const CURVE_POINTS = 300;

function record(): RunRecord | null {
  const run = useStore.getState().run;
  // A run refused at its start did nothing: its record stays as it was.
  if (!run || run.refused) return null;
  return {
    spec: run.spec,
    status: run.status,
    step: run.step,
    checkpointStep: run.checkpointStep,
    latest: run.history.at(-1) ?? null,
    updatedAt: Date.now(),
    curve: thin(run.history, CURVE_POINTS),
  };
}

/**
 * Writes the current run's record to the runs list (with `checkpoint` in the same transaction),
 * unless another tab has taken the run since; the user's name and notes stay as kept (runEdits.ts).
 */
export async function persist(checkpoint?: SavedCheckpoint): Promise<void> {
  const r = record();
  if (!r) return;
  try {
    // With a checkpoint, the record names it in the same write: Resume continues from what is kept.
    await saveRun(checkpoint ? { ...r, checkpointStep: checkpoint.step } : r, PAGE_ID, checkpoint);
    if (checkpoint) useStore.getState().checkpointKept(checkpoint.runId, checkpoint.step);
    announce({ type: 'runs-changed' });
    await refreshRuns();
  } catch (e) {
    if (e instanceof NotOwnerError) {
      notify(`Run ${r.spec.id} is now trained in another tab, so this tab no longer writes its record (${e.message}).`);
      return;
    }
    if (checkpoint) throw e;
    notify(`Could not save the runs list in this browser's storage (${(e as Error).message}). Training goes on; the list will not survive a reload.`);
  }
}

/** A finished evaluation becomes rows of the results table (the encoder and its baseline), kept in IndexedDB. */
async function recordResult(): Promise<void> {
  const { probe, runs, encoders, datasets, setResults } = useStore.getState();
  if (!probe?.result) return;
  const enc = probe.spec.encoder;
  const steps = enc.kind === 'run' ? (encoders.find((e) => e.runId === enc.runId)?.step ?? runs.find((r) => r.spec.id === enc.runId)?.step ?? 0) : 0;
  const dataset = datasets.find((d) => d.id === probe.spec.dataset)?.name ?? probe.spec.dataset;
  try {
    for (const row of resultRows(probe.spec, probe.result, steps, dataset)) await putResult(row);
    announce({ type: 'results-changed' });
    setResults(await listResults());
  } catch (e) {
    notify(`Could not save the evaluation result in this browser's storage (${(e as Error).message}).`);
  }
}

/** Keeps the run's latest checkpoint and its curves, so Resume after a reload continues them. */
async function keepCheckpoint(runId: string, step: number, bytes: Blob): Promise<void> {
  const run = useStore.getState().run;
  if (run?.spec.id !== runId) return;
  try {
    // Asked before the first checkpoint is written: the browser may otherwise evict it.
    await requestPersistentStorage();
    await persist({ runId, step, bytes, history: run.history.filter((p) => p.step < step), savedAt: Date.now(), recon: run.recon });
  } catch (e) {
    const full = (e as DOMException)?.name === 'QuotaExceededError';
    notify(
      full
        ? "This browser's storage is full, so the checkpoint was not kept. Training goes on; delete old runs or free space to keep checkpoints."
        : `The checkpoint could not be kept (${(e as Error).message}). Training goes on.`,
    );
  }
}

/** Writes what a worker message changes in IndexedDB (after the store has taken it in). */
export function keep(msg: FromWorker): void {
  if (msg.type === 'pretrain/checkpoint') void keepCheckpoint(msg.runId, msg.step, msg.bytes);
  if (msg.type === 'probe/status' && (msg.status === 'done' || msg.status === 'stopped')) void recordResult();
  if ((msg.type === 'pretrain/status' && !isActive(msg.status)) || msg.type === 'pretrain/refused') releaseRunLock(msg.runId);
  if (msg.type === 'data/imported') announce({ type: 'datasets-changed' });
  const now = Date.now();
  if (msg.type === 'pretrain/status' || (msg.type === 'pretrain/metrics' && now - lastPersist > PERSIST_EVERY_MS)) {
    lastPersist = now;
    void persist();
  }
}

/** A run's kept checkpoint, or undefined when none is (or storage cannot be read). */
export const keptCheckpoint = (runId: string): Promise<ReadCheckpoint | undefined> => getCheckpoint(runId).catch(() => undefined);

/** A run's kept checkpoint with its bytes left in their Blob (for the worker to read), or undefined. */
export const keptCheckpointBlob = (runId: string): Promise<BlobCheckpoint | undefined> => getCheckpointBlob(runId).catch(() => undefined);

/**
 * Deletes a kept run (not the one training now) with its checkpoint, holding the run's Web Lock:
 * a tab whose list is out of date cannot delete a run another tab trains, it is refused.
 */
export async function removeRun(runId: string): Promise<void> {
  const { run } = useStore.getState();
  if (run?.spec.id === runId && isActive(run.status)) return notify('Stop the run before deleting it.');
  try {
    const done = await withLockIfFree(runLock(runId), () => deleteRun(runId));
    if (!done.ran) {
      notify(`${runId} was not deleted: another tab is training it now (it holds the run). Stop it there first.`);
      await refreshRuns();
      return;
    }
    announce({ type: 'runs-changed' });
    await refreshRuns();
  } catch (e) {
    notify(`The run could not be deleted (${(e as Error).message}).`);
  }
}

/** Deletes an imported dataset from IndexedDB; false (with a notice) when that failed. */
export async function removeKeptDataset(id: string): Promise<boolean> {
  try {
    await deleteDataset(id);
    announce({ type: 'datasets-changed' });
    useStore.getState().setDatasets(await listDatasets());
    return true;
  } catch (e) {
    notify(`The dataset could not be deleted (${(e as Error).message}).`);
    return false;
  }
}
