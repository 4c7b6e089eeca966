// The one owner of the training worker: creates it, sends commands, feeds its messages into the
// store, keeps the runs list in IndexedDB current, and turns a crash into a message.
import { deleteDataset, listDatasets } from '../data/datasetDb';
import { heldLocks, heldRunIds, runLock, tryHold, whenFree } from '../data/locks';
import { isBuiltinDataset, SHAPES_TRAIN_SIZE, type BuiltinDatasetId } from '../data/shapes';
import { validateConfig } from '../model/config';
import type { FromWorker, ImportFile, RunSpec, ToWorker } from '../protocol/messages';
import { validateTrainConfig } from '../train/config';
import { officialCommand } from '../train/officialFlags';
import { downloadBlob } from './download';
import { importKind, importName } from './importFiles';
import { deleteRun, getCheckpoint, getRun, listResults, listRuns, putCheckpoint, putResult, putRun, type RunRecord } from './runsDb';
import { thin } from './charts';
import { buildProbeSpec } from './probeForm';
import { resultRows } from './results';
import { useStore } from './store';
import { announce, listenToTabs, requestPersistentStorage } from './tabs';

const PERSIST_EVERY_MS = 2000;

let worker: Worker | null = null;
let lastPersist = 0;
/** Step of the current run's latest kept checkpoint. */
let checkpointStep: number | null = null;
/** Lets go of the Web Lock this tab holds on the run it trains (see ../data/locks.ts). */
let releaseRun: (() => void) | null = null;
/** Runs another tab trains whose lock this tab waits on, to read the list again when it is free. */
const watching = new Set<string>();

/** This tab owns `runId` now: only one tab at a time trains or resumes a run. */
function ownRun(release: () => void): void {
  releaseRun?.();
  releaseRun = release;
}

/** The run ended here: let go of its lock, and tell the other tabs once it is free to resume there. */
function releaseRunLock(runId: string): void {
  if (!releaseRun) return;
  releaseRun();
  releaseRun = null;
  void whenFree(runLock(runId)).then(() => announce({ type: 'runs-changed' }));
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

/** Posts a command; `transfer` hands large buffers over instead of copying them. */
export function send(msg: ToWorker, transfer: Transferable[] = []): void {
  if (!worker) throw new Error('the worker is not running');
  worker.postMessage(msg, transfer);
}

/** Points of a run's curve kept in its record: enough for a sparkline and a compare chart. */
const CURVE_POINTS = 300;

function record(): RunRecord | null {
  const run = useStore.getState().run;
  if (!run) return null;
  return { spec: run.spec, status: run.status, step: run.step, checkpointStep, latest: run.history.at(-1) ?? null, updatedAt: Date.now(), curve: thin(run.history, CURVE_POINTS) };
}

async function persist(): Promise<void> {
  const r = record();
  if (!r) return;
  try {
    // The name and notes are the user's (runEdits.ts): the record as kept has the latest ones.
    const kept = await getRun(r.spec.id);
    await putRun({ ...r, name: kept?.name, notes: kept?.notes });
    announce({ type: 'runs-changed' });
    await refreshRuns();
  } catch (e) {
    useStore.getState().notify(`Could not save the runs list in this browser's storage (${(e as Error).message}). Training goes on; the list will not survive a reload.`);
  }
}

/** A finished evaluation becomes rows of the results table (the encoder and its baseline), kept in IndexedDB. */
async function recordResult(): Promise<void> {
  const { probe, runs, encoders, datasets, setResults, notify } = useStore.getState();
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
    checkpointStep = step;
    await persist();
  } catch (e) {
    const full = (e as DOMException)?.name === 'QuotaExceededError';
    useStore
      .getState()
      .notify(
        full
          ? "This browser's storage is full, so the checkpoint was not kept. Training goes on; delete old runs or free space to keep checkpoints."
          : `The checkpoint could not be kept (${(e as Error).message}). Training goes on.`,
      );
  }
}

function onMessage(msg: FromWorker): void {
  useStore.getState().receive(msg);
  if (msg.type === 'pretrain/checkpoint') void keepCheckpoint(msg.runId, msg.step, msg.bytes);
  if (msg.type === 'probe/status' && (msg.status === 'done' || msg.status === 'stopped')) void recordResult();
  if (msg.type === 'pretrain/status' && !['starting', 'running', 'paused'].includes(msg.status)) releaseRunLock(msg.runId);
  if (msg.type === 'data/imported') announce({ type: 'datasets-changed' });
  const now = Date.now();
  if (msg.type === 'pretrain/status' || (msg.type === 'pretrain/metrics' && now - lastPersist > PERSIST_EVERY_MS)) {
    lastPersist = now;
    void persist();
  }
}

export function startWorker(): void {
  if (worker) return;
  worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'cae-trainer' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e) => {
    e.preventDefault();
    useStore.getState().crashed(`The training worker crashed (${e.message || 'no details'}). Reload the page to start a new one; the runs list is kept.`);
    const id = useStore.getState().run?.spec.id;
    if (id) releaseRunLock(id);
    void persist();
  };
  worker.onmessageerror = () => useStore.getState().notify('A message from the training worker could not be read.');
  const force = new URLSearchParams(location.search).get('backend');
  send({ type: 'init', ...(force === 'webgpu' || force === 'webgl' || force === 'cpu' ? { forceBackend: force } : {}) });
  const readRuns = () => refreshRuns().catch((e: Error) => useStore.getState().notify(`The runs list could not be read from this browser's storage: ${e.message}`));
  const readResults = () =>
    listResults()
      .then((rows) => useStore.getState().setResults(rows))
      .catch((e: Error) => useStore.getState().notify(`The results table could not be read from this browser's storage: ${e.message}`));
  const readDatasets = () =>
    listDatasets()
      .then((list) => useStore.getState().setDatasets(list))
      .catch((e: Error) => useStore.getState().notify(`The imported datasets could not be read from this browser's storage: ${e.message}`));
  void readRuns();
  void readResults();
  void readDatasets();
  // Another tab wrote to the shared database: read that list again.
  listenToTabs((m) => {
    if (m.type === 'runs-changed') void readRuns();
    else if (m.type === 'results-changed') void readResults();
    else if (m.type === 'datasets-changed') void readDatasets();
  });
}

const missingDataset = (id: string) => !isBuiltinDataset(id) && !useStore.getState().datasets.some((d) => d.id === id);

/** Validates the form and starts a run; a bad field becomes a notice, not a crash. */
export function startRun(): void {
  const { form, started, notify } = useStore.getState();
  try {
    validateConfig(form.model);
    validateTrainConfig(form.train);
  } catch (e) {
    notify((e as Error).message);
    return;
  }
  if (missingDataset(form.dataset)) {
    notify('The chosen dataset is no longer kept in this browser; choose another.');
    return;
  }
  if (!(Number.isInteger(form.checkpointEvery) && form.checkpointEvery >= 1)) {
    notify(`checkpoint every must be a positive number of steps, got ${form.checkpointEvery}`);
    return;
  }
  const spec: RunSpec = {
    id: `run-${Date.now().toString(36)}`,
    presetId: form.presetId,
    model: form.model,
    train: form.train,
    dataset: form.dataset,
    checkpointEvery: form.checkpointEvery,
    createdAt: Date.now(),
  };
  checkpointStep = null;
  started(spec);
  // A new id: its lock is free. Held while the run lasts, so other tabs show it as training here.
  void tryHold(runLock(spec.id)).then((release) => {
    if (!release) return;
    const run = useStore.getState().run;
    // A run that failed at once (its dataset gone) ended before the lock came: let it go again.
    if (run?.spec.id === spec.id && ['starting', 'running', 'paused'].includes(run.status)) ownRun(release);
    else release();
  });
  send({ type: 'pretrain/start', run: spec });
  void persist();
}

/** Continues a saved run from its latest checkpoint, with its curves up to there. */
export async function continueRun(runId: string): Promise<void> {
  const { runs, started, notify } = useStore.getState();
  const rec = runs.find((r) => r.spec.id === runId);
  const saved = await getCheckpoint(runId).catch(() => undefined);
  if (!rec || !saved) {
    notify('No checkpoint of that run is kept in this browser; it cannot be resumed.');
    return;
  }
  if (missingDataset(rec.spec.dataset)) {
    notify(`That run trained on a dataset that is no longer kept in this browser (${rec.spec.dataset}); import it again to resume the run. Its checkpoint is kept.`);
    return;
  }
  // Two tabs resuming one run would both write its checkpoint: only the lock's holder trains it.
  const release = await tryHold(runLock(runId));
  if (!release) {
    notify('That run is training in another tab; it cannot be resumed here.');
    void refreshRuns().catch(() => undefined);
    return;
  }
  ownRun(release);
  checkpointStep = saved.step;
  started(rec.spec, { step: saved.step, history: saved.history });
  send({ type: 'pretrain/continue', run: rec.spec, checkpoint: saved.bytes });
}

/** Downloads a run's latest checkpoint as .safetensors under the official parameter names. */
export async function exportCheckpoint(runId: string): Promise<void> {
  const saved = await getCheckpoint(runId).catch(() => undefined);
  if (!saved) {
    useStore.getState().notify('No checkpoint of that run is kept in this browser.');
    return;
  }
  downloadBlob(saved.bytes, `${runId}-step${saved.step}.safetensors`, 'application/octet-stream');
}

/** Deletes a kept run (not the one training now) with its checkpoint. */
export async function removeRun(runId: string): Promise<void> {
  const { run, runsElsewhere, notify } = useStore.getState();
  if (run?.spec.id === runId && (run.status === 'running' || run.status === 'paused' || run.status === 'starting')) {
    notify('Stop the run before deleting it.');
    return;
  }
  if (runsElsewhere.includes(runId)) {
    notify('That run is training in another tab; stop it there before deleting it.');
    return;
  }
  try {
    await deleteRun(runId);
    announce({ type: 'runs-changed' });
    await refreshRuns();
  } catch (e) {
    notify(`The run could not be deleted (${(e as Error).message}).`);
  }
}

/**
 * Downloads the official PyTorch command line for a run on `gpus` GPUs, or shows why there is none.
 * The run's dataset size turns its steps into epochs; a dataset no longer kept here is asked for.
 */
export function exportOfficialCommand(runId: string, gpus: number): void {
  const { runs, datasets, notify } = useStore.getState();
  const rec = runs.find((r) => r.spec.id === runId);
  if (!rec) return;
  const ds = rec.spec.dataset;
  let trainSize = isBuiltinDataset(ds) ? SHAPES_TRAIN_SIZE : datasets.find((d) => d.id === ds)?.trainSize;
  if (trainSize === undefined) {
    const answer = window.prompt(`The dataset of ${runId} is no longer in this browser. How many training images did it have (for --epochs)?`);
    if (answer === null) return;
    trainSize = Number(answer);
  }
  const out = officialCommand(rec.spec.model, rec.spec.train, runId, { gpus, trainSize });
  if (out.ok) downloadBlob(out.script, `${runId}-official-cae.sh`, 'text/x-shellscript');
  else notify(out.error);
}

/** Sends a chosen checkpoint file to the worker to check; a fitting one becomes a probe encoder. */
export async function importCheckpointFile(file: File): Promise<void> {
  const bytes = await file.arrayBuffer();
  send({ type: 'checkpoint/import', name: file.name, bytes });
}

/**
 * Sends a run kept in IndexedDB to the worker as an encoder, unless the worker holds it already.
 * The worker handles messages in order: the encoder is registered before any later command uses it.
 */
export async function loadKeptEncoder(id: string): Promise<void> {
  if (useStore.getState().encoders.some((e) => e.runId === id)) return;
  const rec = useStore.getState().runs.find((r) => r.spec.id === id);
  const saved = rec ? await getCheckpoint(id).catch(() => undefined) : undefined;
  if (!rec || !saved) return;
  send({ type: 'checkpoint/import', name: `${id}.safetensors`, bytes: saved.bytes, runId: id, presetId: rec.spec.presetId });
  useStore.getState().receive({ type: 'encoders', list: [...useStore.getState().encoders, { runId: id, presetId: rec.spec.presetId, step: saved.step, model: rec.spec.model }] });
}

/**
 * Starts both probes on the chosen encoder: a run of this session, a run kept in IndexedDB (its
 * checkpoint goes to the worker first), an imported file, or random init of the form's preset.
 */
export async function startProbe(): Promise<void> {
  await loadKeptEncoder(useStore.getState().probeForm.encoder);
  const { probeForm: f, form, encoders, datasets, probeStarted, notify } = useStore.getState();
  const spec = buildProbeSpec(f, encoders.find((e) => e.runId === f.encoder), datasets.find((d) => d.id === f.dataset), form, Date.now());
  if (typeof spec === 'string') return notify(spec);
  probeStarted(spec);
  send({ type: 'probe/start', spec });
}

/** Import options the data panel sets. */
export interface ImportOptions {
  readonly valShare: number;
  readonly seed: number;
  readonly storedSize: number;
}

/** Sends chosen or dropped files to the worker to decode and keep; a bad choice becomes a notice. */
export function importDataset(files: readonly ImportFile[], o: ImportOptions, expect?: 'cifar10'): void {
  const { dataImport, importStarted, notify } = useStore.getState();
  if (dataImport?.status === 'running') {
    notify('An import is in progress; wait for it or cancel it first.');
    return;
  }
  const kind = importKind(files);
  if (typeof kind !== 'string') return notify(kind.error);
  if (expect === 'cifar10' && kind !== 'cifar10') return notify('None of the chosen files is a CIFAR-10 batch (data_batch_1.bin … data_batch_5.bin, test_batch.bin).');
  if (!(o.valShare >= 0 && o.valShare < 1)) return notify(`The validation share must be at least 0 and below 1, got ${o.valShare}.`);
  if (!(Number.isInteger(o.seed) && o.seed >= 0)) return notify(`The split seed must be a whole number ≥ 0, got ${o.seed}.`);
  const id = `ds-${Date.now().toString(36)}`;
  const name = importName(files, kind);
  importStarted(id, name);
  // Asked before the first import is written: the browser may otherwise evict the dataset.
  void requestPersistentStorage();
  send({ type: 'data/import', id, name, kind, files, options: o });
}

export function cancelImport(): void {
  const imp = useStore.getState().dataImport;
  if (imp?.status === 'running') send({ type: 'data/cancel', id: imp.id });
}

/** Deletes an imported dataset (its runs keep their records; they cannot resume without it). */
export async function removeDataset(id: string): Promise<void> {
  const { run, probe, setDatasets, notify } = useStore.getState();
  const busy = (run?.spec.dataset === id && ['starting', 'running', 'paused'].includes(run.status)) || (probe?.spec.dataset === id && ['starting', 'running'].includes(probe.status));
  if (busy) return notify('A run is using that dataset; stop it before deleting the dataset.');
  try {
    await deleteDataset(id);
    send({ type: 'data/forget', id });
    announce({ type: 'datasets-changed' });
    setDatasets(await listDatasets());
  } catch (e) {
    notify(`The dataset could not be deleted (${(e as Error).message}).`);
  }
}

export const stopProbe = () => send({ type: 'probe/stop' });
export const pauseRun = () => send({ type: 'pretrain/pause' });
export const resumeRun = () => send({ type: 'pretrain/resume' });
export const profileRunStep = () => send({ type: 'pretrain/profile' });
export const stopRun = () => send({ type: 'pretrain/stop' });
export const requestPreview = (dataset: BuiltinDatasetId, imgSize: number, seed: number) => send({ type: 'dataset/preview', dataset, imgSize, count: 20, seed });
export const loseDevice = () => send({ type: 'debug/lose-device' });
export const crashWorker = () => send({ type: 'debug/crash' });
