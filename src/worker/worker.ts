/// <reference lib="webworker" />
// The training worker: the only code that touches the worker global. It dispatches the page's
// commands by prefix to the handlers of each feature (./handlers/: pretrain, probe, lab, data, tokenizer),
// handles its own (init, checkpoint import) and the fault hooks of a test build, and reports every
// failure as a message.
import { deleteUnfinishedImports, interruptedImportWords } from '../data/datasetDb';
import { holdForLife } from '../data/locks';
import { readModelCheckpoint } from '../model/checkpoint';
import { caeParamSpecs } from '../model/params';
import { weightsMismatch } from '../model/weights';
import { type AppToWorker, type DebugToWorker, type FromWorker, isActive, type ToWorker, unreachable } from '../protocol/messages';
import { assertCheckpointFinite } from '../train/checkpoint';
import { loseDeviceForTest } from './backend';
import { setChunkCacheBytes, setWriteDelayForTest } from './datasets';
import { Device } from './device';
import { isCommandOf, publishEncoders, type WorkerContext } from './handlers/context';
import { handleData } from './handlers/data';
import { handleLab } from './handlers/lab';
import { handlePretrain } from './handlers/pretrain';
import { handleProbe } from './handlers/probe';
import { handleTokenizer } from './handlers/tokenizer';
import { LabSession } from './labSession';

declare const self: DedicatedWorkerGlobalScope;

const post = (msg: FromWorker, transfer: Transferable[] = []) => self.postMessage(msg, transfer);

/** The image lab reads the run's live model between steps, or a kept checkpoint; it never trains. */
const lab: LabSession = new LabSession({
  current: () => (ctx.run ? { model: ctx.run.model, label: `${ctx.run.spec.id} (current run) at step ${ctx.run.step}` } : null),
  checkpoint: (id) => {
    const e = ctx.encoders.get(id);
    return e && { bytes: e.bytes, label: `${id} at step ${e.entry.step}` };
  },
  tokenizer: (id) => {
    const t = ctx.tokenizers.get(id);
    return t && { bytes: t.bytes, label: `${id} at step ${t.entry.step}` };
  },
  // A request the lost device broke runs again on the new one; the models it kept died with the old one.
  guard: (work) => device.recovering('a lab request', work, () => lab.forget()),
});

/** The GPU device: a loss during training goes to the run, which recovers itself (handlers/pretrain.ts). */
const device = new Device(post, (message) => {
  const { run, probe } = ctx;
  if (run && isActive(run.status)) run.markDeviceLost(message);
  // A tokenizer run ends, keeping its checkpoint, and its handler starts the new device.
  else if (ctx.tokenizerRun && isActive(ctx.tokenizerRun.status)) ctx.tokenizerRun.markDeviceLost(message);
  // An evaluation or a lab request in flight says so itself as it fails (Device.recovering).
  else if (!(probe && isActive(probe.status)))
    void device.replace().then(
      () => post({ type: 'error', message: `The GPU device was lost (${message}); a new one has started.` }),
      (e: Error) => post({ type: 'error', message: `The GPU device was lost (${message}) and a new one could not start (${e.message}). Reload the page.` }),
    );
});

/** What the handlers share: the run and evaluation in progress, the encoders, the lab, the device. */
const ctx: WorkerContext = { post, device, run: null, probe: null, encoders: new Map(), lab, tokenizerRun: null, tokenizers: new Map() };

/** Checks a user's checkpoint file against its own config; a fitting one becomes an encoder. */
function importCheckpoint(name: string, bytes: Uint8Array, runId?: string, presetId?: string): void {
  const { config, file } = readModelCheckpoint(bytes);
  // Names and shapes are checked against the parameter table: no weights are allocated for it.
  const problem = weightsMismatch({ specs: caeParamSpecs(config), config }, file);
  if (problem) throw new Error(`it does not fit its own config: ${problem}`);
  // A NaN weight would otherwise import silently and show up as black views and chance-level probes.
  assertCheckpointFinite(file, config);
  const state = file.metadata['cae.state'];
  const step = state ? Number((JSON.parse(state) as { step?: number }).step ?? 0) : 0;
  const id = runId ?? `imported:${name}`;
  ctx.encoders.set(id, { bytes, entry: { runId: id, presetId: presetId ?? 'imported', step, model: config } });
  publishEncoders(ctx);
}

/** Dispatches a command by its prefix to the handlers of its feature (./handlers/); the rest are the worker's own. */
async function handle(msg: AppToWorker): Promise<void> {
  if (isCommandOf(msg, 'pretrain/')) return handlePretrain(msg, ctx);
  if (isCommandOf(msg, 'probe/')) return handleProbe(msg, ctx);
  if (isCommandOf(msg, 'lab/')) return handleLab(msg, ctx);
  if (isCommandOf(msg, 'tokenizer/')) return handleTokenizer(msg, ctx);
  if (isCommandOf(msg, 'data/') || isCommandOf(msg, 'dataset/')) return handleData(msg, ctx);
  switch (msg.type) {
    case 'init':
      // Held before anything else is said: once the page hears from this worker, it can tell its death.
      if (msg.lifeLock) await holdForLife(msg.lifeLock);
      // Imports a reload cut short left a summary marked 'importing': nothing else will finish them.
      // One another tab's worker is still running holds its lock and is left alone.
      void deleteUnfinishedImports(Date.now()).then(
        (removed) => {
          removed.forEach((m) => post({ type: 'error', message: interruptedImportWords(m) }));
          post({ type: 'data/imports-checked', removed: removed.length });
        },
        (e: Error) => post({ type: 'error', message: `Imports cut short could not be cleaned up from this browser's storage (${e.message}).` }),
      );
      post({ type: 'backend', info: await device.start(msg.forceBackend) });
      return;
    case 'checkpoint/import':
      try {
        importCheckpoint(msg.name, new Uint8Array(await msg.bytes.arrayBuffer()), msg.runId, msg.presetId);
      } catch (e) {
        post({ type: 'checkpoint/refused', name: msg.name, runId: msg.runId, message: (e as Error).message });
      }
      return;
    default:
      // A command added to ToWorker without a handler fails the typecheck.
      unreachable(msg);
  }
}

/** The fault hooks of a test build. */
function faultHook(msg: DebugToWorker): void {
  switch (msg.type) {
    case 'debug/lose-device':
      if (!loseDeviceForTest()) post({ type: 'error', message: 'No WebGPU device to lose: the backend is not WebGPU.' });
      return;
    case 'debug/crash':
      setTimeout(() => {
        throw new Error('deliberate crash for testing');
      });
      return;
    case 'debug/exit':
      self.close();
      return;
    case 'debug/chunk-cache':
      setChunkCacheBytes(msg.bytes);
      return;
    case 'debug/slow-writes':
      setWriteDelayForTest(msg.ms);
      return;
  }
}

/** Whether a message is a fault hook's (only a test build asks). */
const isFaultHook = (msg: ToWorker): msg is DebugToWorker => msg.type.startsWith('debug/');

self.onmessage = (e: MessageEvent<ToWorker>) => {
  // Compiled away in the production build, with faultHook: no fault can be caused there on purpose,
  // and a fault hook's message meets handle's default (an "unhandled message" error).
  if (__CAE_TEST_HOOKS__ && isFaultHook(e.data)) return faultHook(e.data);
  // Runs are long: do not await here, so pause and stop arrive while one trains.
  handle(e.data as AppToWorker).catch((err: unknown) => post({ type: 'error', message: (err as Error)?.message ?? String(err) }));
};
self.addEventListener('unhandledrejection', (e) => post({ type: 'error', message: `Worker error: ${String(e.reason?.message ?? e.reason)}` }));
