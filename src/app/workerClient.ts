// The one owner of the training worker: creates it, sends commands, feeds its messages into the
// store, keeps the runs list in IndexedDB current, and turns a crash into a message.
import { validateConfig } from '../model/config';
import type { FromWorker, RunSpec, ToWorker } from '../protocol/messages';
import { validateTrainConfig } from '../train/config';
import { listRuns, putRun, type RunRecord } from './runsDb';
import { useStore } from './store';

const PERSIST_EVERY_MS = 2000;

let worker: Worker | null = null;
let lastPersist = 0;

function send(msg: ToWorker): void {
  if (!worker) throw new Error('the worker is not running');
  worker.postMessage(msg);
}

function record(): RunRecord | null {
  const run = useStore.getState().run;
  if (!run) return null;
  return { spec: run.spec, status: run.status, step: run.step, latest: run.history.at(-1) ?? null, updatedAt: Date.now() };
}

async function persist(): Promise<void> {
  const r = record();
  if (!r) return;
  try {
    await putRun(r);
    useStore.getState().setRuns(await listRuns());
  } catch (e) {
    useStore.getState().notify(`Could not save the runs list in this browser's storage (${(e as Error).message}). Training goes on; the list will not survive a reload.`);
  }
}

function onMessage(msg: FromWorker): void {
  useStore.getState().receive(msg);
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
    void persist();
  };
  worker.onmessageerror = () => useStore.getState().notify('A message from the training worker could not be read.');
  const force = new URLSearchParams(location.search).get('backend');
  send({ type: 'init', ...(force === 'webgpu' || force === 'webgl' || force === 'cpu' ? { forceBackend: force } : {}) });
  void listRuns()
    .then((runs) => useStore.getState().setRuns(runs))
    .catch((e: Error) => useStore.getState().notify(`The runs list could not be read from this browser's storage: ${e.message}`));
}

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
  const spec: RunSpec = { id: `run-${Date.now().toString(36)}`, presetId: form.presetId, model: form.model, train: form.train, dataset: 'shapes', createdAt: Date.now() };
  started(spec);
  send({ type: 'pretrain/start', run: spec });
  void persist();
}

export const pauseRun = () => send({ type: 'pretrain/pause' });
export const resumeRun = () => send({ type: 'pretrain/resume' });
export const stopRun = () => send({ type: 'pretrain/stop' });
export const requestPreview = (imgSize: number, seed: number) => send({ type: 'dataset/preview', imgSize, count: 20, seed });
export const loseDevice = () => send({ type: 'debug/lose-device' });
export const crashWorker = () => send({ type: 'debug/crash' });
