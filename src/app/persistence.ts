// The page's work kept in IndexedDB: the runs list, each run's latest checkpoint, the results table
// and the imported datasets. Reads them into the store, writes what the worker reports, tells the
// other tabs (they share the database), and holds the Web Lock of the run this tab trains.
import { deleteDataset, listDatasets } from '../data/datasetDb';
import { heldLocks, heldRunIds, runLock, tryHold, whenFree } from '../data/locks';
import { isActive, type FromWorker } from '../protocol/messages';
import { resultRows } from './results';
import { thin } from './charts';
import { deleteRun, getCheckpoint, getRun, listResults, listRuns, putCheckpoint, putResult, putRun, type RunRecord, type SavedCheckpoint } from './runsDb';
import { useStore } from './store';
import { announce, listenToTabs, requestPersistentStorage } from './tabs';

/** The runs list is written at most this often while metrics stream (and on every status). */
const PERSIST_EVERY_MS = 2000;

let lastPersist = 0;
/** Lets go of the Web Lock this tab holds on the run it trains (see ../data/locks.ts). */
let releaseRun: (() => void) | null = null;
/** Runs another tab trains whose lock this tab waits on, to read the list again when it is free. */
const watching = new Set<string>();

const notify = (text: string) => useStore.getState().notify(text);

/** This tab owns the run now: only one tab at a time trains or resumes a run. */
function ownRun(release: () => void): void {
  releaseRun?.();
  releaseRun = release;
}

/** The run ended here: let go of its lock, and tell the other tabs once it is free to resume there. */
export function releaseRunLock(runId: string): void {
  if (!releaseRun) return;
  releaseRun();
  releaseRun = null;
  void whenFree(runLock(runId)).then(() => announce({ type: 'runs-changed' }));
}

/** Holds a new run's lock while it lasts, so other tabs show it as training here. */
export function holdNewRun(runId: string): void {
  // A new id: its lock is free.
  void tryHold(runLock(runId)).then((release) => {
    if (!release) return;
    const run = useStore.getState().run;
    // A run that failed at once (its dataset gone) ended before the lock came: let it go again.
    if (run?.spec.id === runId && isActive(run.status)) ownRun(release);
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
  ownRun(release);
  return true;
}

/**
 * Reads the runs list and which of its runs other tabs are training (their locks are held). For
 * each of those it waits for the lock to be free, so a tab closed mid-run shows its run as
 * interrupted (with Resume) here without a reload.
 */
export async function refreshRuns(): Promise<void> {
  const [runs, held] = await Promise.all([listRuns(), heldLocks().catch(() => new Set<string>())]);
  const mine = useStore.getState().run?.spec.id;
  const elsewhere = heldRunIds(held).filter((id) => id !== mine);
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
  if (!run) return null;
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

/** Writes the current run's record to the runs list. */
export async function persist(): Promise<void> {
  const r = record();
  if (!r) return;
  try {
    // The name and notes are the user's (runEdits.ts): the record as kept has the latest ones.
    const kept = await getRun(r.spec.id);
    await putRun({ ...r, name: kept?.name, notes: kept?.notes });
    announce({ type: 'runs-changed' });
    await refreshRuns();
  } catch (e) {
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
async function keepCheckpoint(runId: string, step: number, bytes: ArrayBuffer): Promise<void> {
  const run = useStore.getState().run;
  if (run?.spec.id !== runId) return;
  try {
    // Asked before the first checkpoint is written: the browser may otherwise evict it.
    await requestPersistentStorage();
    await putCheckpoint({ runId, step, bytes, history: run.history.filter((p) => p.step < step), savedAt: Date.now() });
    useStore.getState().checkpointKept(runId, step);
    await persist();
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
  if (msg.type === 'pretrain/status' && !isActive(msg.status)) releaseRunLock(msg.runId);
  if (msg.type === 'data/imported') announce({ type: 'datasets-changed' });
  const now = Date.now();
  if (msg.type === 'pretrain/status' || (msg.type === 'pretrain/metrics' && now - lastPersist > PERSIST_EVERY_MS)) {
    lastPersist = now;
    void persist();
  }
}

/** A run's kept checkpoint, or undefined when none is (or storage cannot be read). */
export const keptCheckpoint = (runId: string): Promise<SavedCheckpoint | undefined> => getCheckpoint(runId).catch(() => undefined);

/** Deletes a kept run (not the one training now) with its checkpoint. */
export async function removeRun(runId: string): Promise<void> {
  const { run, runsElsewhere } = useStore.getState();
  if (run?.spec.id === runId && isActive(run.status)) return notify('Stop the run before deleting it.');
  if (runsElsewhere.includes(runId)) return notify('That run is training in another tab; stop it there before deleting it.');
  try {
    await deleteRun(runId);
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
