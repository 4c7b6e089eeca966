// The one owner of the training worker: creates it, sends commands, feeds its messages into the
// store (and through ./persistence.ts into IndexedDB), and replaces it when it dies (a crash, the
// browser killing it, no memory left). What it sends is built and checked in ./specs.ts and ./probeForm.ts.
import { whenFree } from '../data/locks';
import type { BuiltinDatasetId } from '../data/shapes';
import { isActive, type FromWorker, type ImportFile, type ProbeSpec, type RunSpec, type ToWorker } from '../protocol/messages';
import { holdKeptRun, holdNewRun, keep, keptCheckpointBlob, persist, readKept, removeKeptDataset } from './persistence';
import { buildProbeSpec } from './probeForm';
import { buildRunSpec, checkImport, missingDataset, type ImportOptions } from './specs';
import { useStore } from './store';
import { requestPersistentStorage } from './tabs';
import './formNotices';
import { loadKeptTokenizer, watchTokenizers } from './tokenizerClient';
import { tokenizerChoices, withTokenizer } from './tokenizers';

let worker: Worker | null = null;

/** Posts a command; `transfer` hands large buffers over instead of copying them. */
export function send(msg: ToWorker, transfer: Transferable[] = []): void {
  if (!worker) throw new Error('the worker is not running');
  worker.postMessage(msg, transfer);
}

/** Others who act on the worker's messages after the store (the sweep driver). */
const listeners = new Set<(msg: FromWorker) => void>();
export function onWorkerMessage(f: (msg: FromWorker) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

function onMessage(msg: FromWorker): void {
  useStore.getState().receive(msg);
  keep(msg);
  for (const f of listeners) f(msg);
}

export function startWorker(): void {
  if (worker) return;
  spawn();
  readKept();
  watchTokenizers();
}

/** Workers replaced in a row without one reaching its backend: past a few, the page stops trying. */
let failedStarts = 0;

function spawn(): void {
  const w = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'cae-trainer' });
  worker = w;
  // The worker holds this lock for its life. A worker the browser killed (or one out of memory)
  // sends no error event and no message; its lock coming free is how the page hears of it.
  const life = `cae-worker:${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  let heard = false;
  w.onmessage = (e: MessageEvent<FromWorker>) => {
    if (w !== worker) return;
    if (!heard) {
      heard = true; // it holds the lock by the time it says anything
      void whenFree(life).then(() => workerDied(w, 'it ended without a word: the browser stopped it, or it ran out of memory'));
    }
    if (e.data.type === 'backend') failedStarts = 0;
    onMessage(e.data);
  };
  // An uncaught error leaves the worker in an unknown state, mid-step: it is ended, not trusted to go on.
  w.onerror = (e) => {
    e.preventDefault();
    workerDied(w, `it crashed: ${e.message || 'no details'}`);
  };
  w.onmessageerror = () => useStore.getState().notify('A message from the training worker could not be read.');
  const force = new URLSearchParams(location.search).get('backend');
  send({ type: 'init', lifeLock: life, ...(force === 'webgpu' || force === 'webgl' || force === 'wasm' || force === 'cpu' ? { forceBackend: force } : {}) });
}

/**
 * The worker `w` is gone or cannot be trusted: it is terminated (so it trains no further step and
 * writes nothing more) and replaced. Its run is interrupted, kept with its record and resumable from
 * its last kept checkpoint; an evaluation it ran failed and can be started again.
 */
function workerDied(w: Worker, why: string): void {
  if (w !== worker) return; // already replaced
  w.terminate();
  worker = null;
  const { run, probe } = useStore.getState();
  const active = run && isActive(run.status) ? run : null;
  const at = active ? ` Run ${active.spec.id} was interrupted at step ${active.step}` : '';
  const resume = active
    ? active.checkpointStep !== null
      ? `; resume it from its checkpoint at step ${active.checkpointStep}.`
      : '; it had no checkpoint yet.'
    : '';
  if (++failedStarts > 3) {
    useStore.getState().crashed(`The training worker stopped again (${why}).${at}${resume} Reload the page; the runs list is kept.`);
  } else {
    useStore.getState().workerLost(`The training worker stopped (${why}); a new one is starting.${at}${resume}`);
    spawn();
  }
  // The ends the dead worker could not send, through the usual path: the store, IndexedDB (the run's
  // record as interrupted, its lock let go) and the sweep driver.
  const message = `The training worker stopped (${why}).`;
  if (active) onMessage({ type: 'pretrain/status', runId: active.spec.id, status: 'interrupted', step: active.step, message: `${message}${at}${resume}` });
  const tok = useStore.getState().tokenizerRun;
  if (tok && isActive(tok.status))
    onMessage({
      type: 'tokenizer/status',
      id: tok.spec.id,
      status: 'interrupted',
      step: tok.step,
      message: `${message} Resume the tokenizer from its kept checkpoint.`,
    });
  if (probe && isActive(probe.status))
    onMessage({ type: 'probe/status', id: probe.spec.id, status: 'failed', message: `${message} Start the evaluation again.`, features: probe.features });
}

/** Fault hook: the worker ends for real, with no exception (see worker.ts). */
export const killWorker = () => send({ type: 'debug/exit' });

/** Validates the form and starts a run; a bad field becomes a notice, not a crash. */
export async function startRun(): Promise<void> {
  const { form, datasets, notify } = useStore.getState();
  const built = buildRunSpec(form, datasets, Date.now());
  if (typeof built === 'string') return notify(built, 'pretrain.start');
  let spec: RunSpec = built;
  if (form.model.target === 'token') {
    // Token targets (issue 24): the chosen tokenizer must fit the preset, and the worker must hold it.
    const { tokenizers, heldTokenizers } = useStore.getState();
    const tokenized = withTokenizer(
      spec,
      tokenizerChoices(tokenizers, heldTokenizers).find((t) => t.id === form.tokenizer),
    );
    if (typeof tokenized === 'string') return notify(tokenized, 'pretrain.start');
    const refused = await loadKeptTokenizer(tokenized.tokenizer.id);
    if (refused) return notify(`Training cannot start: ${refused}.`, 'pretrain.start');
    spec = tokenized;
  }
  launchRun({ ...spec, id: newRunId() });
}

let lastRunId = '';
/** A run id from the clock, never the same twice in this page (a sweep may make two within a millisecond). */
export function newRunId(): string {
  let id = `run-${Date.now().toString(36)}`;
  if (id <= lastRunId) id = `run-${(parseInt(lastRunId.slice(4), 36) + 1).toString(36)}`;
  lastRunId = id;
  return id;
}

/** Starts a checked run (the form's, or a sweep's point): the store, the run's lock, the worker, IndexedDB. */
export function launchRun(spec: RunSpec): void {
  useStore.getState().started(spec);
  holdNewRun(spec.id);
  send({ type: 'pretrain/start', run: spec });
  void persist();
}

/** Continues a saved run from its latest checkpoint, with its curves up to there; false (with a notice) when it cannot. */
export async function continueRun(runId: string): Promise<boolean> {
  const { runs, datasets, started, notify } = useStore.getState();
  const rec = runs.find((r) => r.spec.id === runId);
  const saved = await keptCheckpointBlob(runId);
  const refuse = (why: string) => (notify(why), false);
  if (!rec || !saved) return refuse('No checkpoint of that run is kept in this browser; it cannot be resumed.');
  if (missingDataset(rec.spec.dataset, datasets))
    return refuse(
      `That run trained on a dataset that is no longer kept in this browser (${rec.spec.dataset}); import it again to resume the run. Its checkpoint is kept.`,
    );
  // A token-target run's tokenizer goes to the worker first.
  const tokenizerRefused = rec.spec.tokenizer ? await loadKeptTokenizer(rec.spec.tokenizer.id) : null;
  if (tokenizerRefused) return refuse(`That run cannot be resumed: ${tokenizerRefused}. Its checkpoint is kept.`);
  if (!(await holdKeptRun(runId))) return refuse('That run is training in another tab; it cannot be resumed here.');
  started(rec.spec, { step: saved.step, history: saved.history });
  send({ type: 'pretrain/continue', run: rec.spec, checkpoint: saved.bytes });
  return true;
}

/** Sends a chosen checkpoint file to the worker to check; a fitting one becomes a probe encoder. */
export async function importCheckpointFile(file: File): Promise<void> {
  // The file itself (a Blob): the worker reads it on its own thread.
  send({ type: 'checkpoint/import', name: file.name, bytes: file });
}

/**
 * Sends a run kept in IndexedDB to the worker as an encoder, unless the worker holds it already, and
 * waits for its answer: the encoders list comes only from what the worker took. Null when it is
 * loaded (or no such run is kept: the caller's own check says so), else why it could not be.
 */
export async function loadKeptEncoder(id: string): Promise<string | null> {
  if (useStore.getState().encoders.some((e) => e.runId === id)) return null;
  const rec = useStore.getState().runs.find((r) => r.spec.id === id);
  const saved = rec ? await keptCheckpointBlob(id) : undefined;
  if (!rec || !saved) return null;
  const answer = new Promise<string | null>((resolve) => {
    const stop = onWorkerMessage((m) => {
      if (m.type === 'encoders' && m.list.some((e) => e.runId === id)) resolve(null);
      else if (m.type === 'checkpoint/refused' && m.runId === id) resolve(`the checkpoint of ${id} at step ${saved.step} could not be loaded: ${m.message}`);
      else return;
      stop();
    });
  });
  send({ type: 'checkpoint/import', name: `${id}.safetensors`, bytes: saved.bytes, runId: id, presetId: rec.spec.presetId });
  return answer;
}

/**
 * Starts both probes on the chosen encoder: a run of this session, a run kept in IndexedDB (its
 * checkpoint goes to the worker first), an imported file, or random init of the form's preset.
 * Starts the evaluation the Probe form describes, or says why it cannot (one reason per line): the
 * Probe view shows the reasons beside its Start button, where the user pressed it.
 */
export async function startProbe(): Promise<string | null> {
  const refused = await loadKeptEncoder(useStore.getState().probeForm.encoder);
  if (refused) return `The evaluation cannot start: ${refused}.`;
  const { probeForm: f, form, encoders, datasets } = useStore.getState();
  const enc = encoders.find((e) => e.runId === f.encoder);
  const data = datasets.find((d) => d.id === f.dataset);
  const spec = buildProbeSpec(f, enc, data, form, Date.now());
  if (typeof spec === 'string') return spec;
  launchProbe(spec);
  return null;
}

/** Starts a checked probe spec (the form's, or a sweep's); its encoder must be loaded in the worker already. */
export function launchProbe(spec: ProbeSpec): void {
  useStore.getState().probeStarted(spec);
  send({ type: 'probe/start', spec });
}

/** Sends chosen or dropped files to the worker to decode and keep; a bad choice becomes a notice. */
export function importDataset(files: readonly ImportFile[], o: ImportOptions, expect?: 'cifar10' | 'idx'): void {
  const { dataImport, importStarted, notify } = useStore.getState();
  if (dataImport?.status === 'running') return notify('An import is in progress; wait for it or cancel it first.');
  const what = checkImport(files, o, expect);
  if (typeof what === 'string') return notify(what);
  const id = `ds-${Date.now().toString(36)}`;
  importStarted(id, what.name);
  // Asked before the first import is written: the browser may otherwise evict the dataset.
  void requestPersistentStorage();
  send({ type: 'data/import', id, name: what.name, kind: what.kind, files, options: o });
}

export function cancelImport(): void {
  const imp = useStore.getState().dataImport;
  if (imp?.status === 'running') send({ type: 'data/cancel', id: imp.id });
}

/** Deletes an imported dataset (its runs keep their records; they cannot resume without it). */
export async function removeDataset(id: string): Promise<void> {
  const { run, probe, notify } = useStore.getState();
  const busy = (run?.spec.dataset === id && isActive(run.status)) || (probe?.spec.dataset === id && isActive(probe.status));
  if (busy) return notify('A run is using that dataset; stop it before deleting the dataset.');
  // The worker drops its copy in memory only once the kept one is gone.
  if (await removeKeptDataset(id)) send({ type: 'data/forget', id });
}

export const stopProbe = () => send({ type: 'probe/stop' });
export const pauseRun = () => send({ type: 'pretrain/pause' });
export const resumeRun = () => send({ type: 'pretrain/resume' });
export const profileRunStep = () => send({ type: 'pretrain/profile' });
export const stopRun = () => send({ type: 'pretrain/stop' });
export const requestPreview = (dataset: BuiltinDatasetId, imgSize: number, seed: number) =>
  send({ type: 'dataset/preview', dataset, imgSize, count: 20, seed });
export const loseDevice = () => send({ type: 'debug/lose-device' });
export const crashWorker = () => send({ type: 'debug/crash' });
export const setChunkCacheForTest = (bytes: number) => send({ type: 'debug/chunk-cache', bytes });
export const slowWritesForTest = (ms: number) => send({ type: 'debug/slow-writes', ms });
