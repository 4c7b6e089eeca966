/// <reference lib="webworker" />
// The training worker: the only code that touches the worker global. It maps messages to the
// backend, the pretraining run and the dataset, and reports every failure as a message.
import { DEFAULT_ENGINE, type EngineOptions } from '../train/engine';
import { toRgba } from '../data/patches';
import { builtinDataset, isBuiltinDataset, type LabelledDataset } from '../data/shapes';
import { readModelCheckpoint } from '../model/checkpoint';
import { caeParamSpecs } from '../model/params';
import { weightsMismatch } from '../model/weights';
import { assertCheckpointFinite } from '../train/checkpoint';
import {
  type BackendInfo,
  type EncoderEntry,
  type FromWorker,
  isActive,
  type RunSpec,
  type AppToWorker,
  type DebugToWorker,
  type ToWorker,
  unreachable,
} from '../protocol/messages';
import { deleteUnfinishedImports, interruptedImportWords } from '../data/datasetDb';
import { holdForLife } from '../data/locks';
import { loseDeviceForTest } from './backend';
import { Device } from './device';
import { cancelImport, datasetFor, forgetDataset, runImport, setChunkCacheBytes, setWriteDelayForTest } from './datasets';
import { decodeLabImage } from './labDecode';
import { LabSession } from './labSession';
import { PretrainRun } from './pretrainRun';
import { ProbeRun } from './probeRun';

declare const self: DedicatedWorkerGlobalScope;

const post = (msg: FromWorker, transfer: Transferable[] = []) => self.postMessage(msg, transfer);

let run: PretrainRun | null = null;
let probe: ProbeRun | null = null;
/** The encoders a probe can use: final states of this session's runs, kept runs and imported files. */
const encoders = new Map<string, { bytes: Uint8Array; entry: EncoderEntry }>();

/** The image lab reads the run's live model between steps, or a kept checkpoint; it never trains. */
const lab: LabSession = new LabSession({
  current: () => (run ? { model: run.model, label: `${run.spec.id} (current run) at step ${run.step}` } : null),
  checkpoint: (id) => {
    const e = encoders.get(id);
    return e && { bytes: e.bytes, label: `${id} at step ${e.entry.step}` };
  },
  // A request the lost device broke runs again on the new one; the models it kept died with the old one.
  guard: (work) => device.recovering('a lab request', work, () => lab.forget()),
});

/** The GPU device: a loss during training goes to the run, which recovers itself (recoverRun). */
const device = new Device(post, (message) => {
  if (run && isActive(run.status)) run.markDeviceLost(message);
  // An evaluation or a lab request in flight says so itself as it fails (Device.recovering).
  else if (!(probe && isActive(probe.status)))
    void device.replace().then(
      () => post({ type: 'error', message: `The GPU device was lost (${message}); a new one has started.` }),
      (e: Error) => post({ type: 'error', message: `The GPU device was lost (${message}) and a new one could not start (${e.message}). Reload the page.` }),
    );
});

/** The backend running now, or an error when the worker has none yet. */
function backend(): BackendInfo {
  if (!device.info) throw new Error('the worker has no backend yet');
  return device.info;
}

function publishEncoders(): void {
  post({ type: 'encoders', list: [...encoders.values()].map((e) => e.entry) });
}

/** Runs a pretraining run to its end; its final state becomes an encoder for probing. */
async function pretrain(spec: RunSpec, resumeFrom?: Uint8Array, engine: EngineOptions = DEFAULT_ENGINE): Promise<void> {
  // Refused, not failed: the run did nothing, so the page leaves its record (step, loss, curve) as it was.
  const refuse = (message: string) => post({ type: 'pretrain/refused', runId: spec.id, message });
  if (!device.info) return refuse('Training cannot start: the worker has no backend yet.');
  if (run && isActive(run.status)) return refuse('Training cannot start: a run is already in progress; stop it first.');
  run?.dispose();
  run = null;
  let ds;
  try {
    ds = await datasetFor(spec.dataset, spec.train.seed, spec.model.imgSize);
  } catch (e) {
    return refuse(`Training cannot start: ${(e as Error).message}.`);
  }
  let r: PretrainRun;
  try {
    r = new PretrainRun(spec, post, resumeFrom, ds, engine);
  } catch (e) {
    const why = (e as Error).message;
    if (!resumeFrom) return refuse(`Training cannot start: ${why}.`);
    // Only the latest checkpoint of a run is kept, so there is no earlier one to go back to.
    return refuse(
      `The checkpoint kept for this run is damaged and cannot be resumed (${why}). The run's record and loss curve are kept as they were: export the curve, or delete the run; a new run starts from scratch.`,
    );
  }
  run = r;
  try {
    await r.run(recoverRun);
  } catch (e) {
    r.status = 'failed';
    post({ type: 'pretrain/status', runId: spec.id, status: 'failed', step: r.step, message: `Training failed: ${(e as Error).message}` });
  }
  if (r.checkpoint && r.status !== 'failed') {
    encoders.set(spec.id, { bytes: r.checkpoint, entry: { runId: spec.id, presetId: spec.presetId, step: r.step, model: spec.model } });
    publishEncoders();
  }
}

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
  encoders.set(id, { bytes, entry: { runId: id, presetId: presetId ?? 'imported', step, model: config } });
  publishEncoders();
}

/** The running loop's hook after a lost device: new backend, then the run's last good state. */
async function recoverRun(r: PretrainRun): Promise<boolean> {
  const why = r.deviceLost;
  post({ type: 'error', message: `The GPU device was lost (${why}). Starting a new device and continuing from the last saved state…` });
  try {
    await device.replace();
    const step = await r.recover();
    post({ type: 'error', message: `Training continues on a new GPU device from the last saved state, step ${step}.` });
    return true;
  } catch (e) {
    post({ type: 'error', message: `The GPU device was lost and restarting failed: ${(e as Error).message}` });
    return false;
  }
}

async function handle(msg: AppToWorker): Promise<void> {
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
    case 'pretrain/start':
      return pretrain(msg.run, undefined, msg.engine);
    case 'pretrain/continue':
      return pretrain(msg.run, new Uint8Array(await msg.checkpoint.arrayBuffer()));
    case 'checkpoint/import':
      try {
        importCheckpoint(msg.name, new Uint8Array(await msg.bytes.arrayBuffer()), msg.runId, msg.presetId);
      } catch (e) {
        post({ type: 'checkpoint/refused', name: msg.name, runId: msg.runId, message: (e as Error).message });
      }
      return;
    case 'probe/start': {
      const s = msg.spec;
      // Every refusal is the evaluation's failed status: the page never waits on one that did not start.
      const failed = (message: string) => post({ type: 'probe/status', id: s.id, status: 'failed', message, features: s.augment ? 'per-batch' : 'cached' });
      if (!device.info) return failed('The evaluation cannot start: the worker has no backend yet.');
      if (probe && isActive(probe.status)) return failed('The evaluation cannot start: another one is in progress; stop it first.');
      const enc = s.encoder.kind === 'run' ? encoders.get(s.encoder.runId) : undefined;
      if (s.encoder.kind === 'run' && !enc)
        return failed(`The evaluation cannot start: the checkpoint of ${s.encoder.runId} is not loaded in the worker; choose the encoder again.`);
      let ds;
      try {
        ds = isBuiltinDataset(s.dataset) ? undefined : await datasetFor(s.dataset, s.probe.seed, s.model.imgSize);
      } catch (e) {
        failed(`The evaluation cannot start: ${(e as Error).message}.`);
        return;
      }
      const attempt = () => {
        const p = new ProbeRun(s, enc?.bytes ?? null, post, ds);
        probe = p;
        return p.run().catch((e: unknown) => {
          p.status = 'failed';
          throw e;
        });
      };
      // After a lost device it runs again from the start (its cached features died with the device).
      const restart = () =>
        post({
          type: 'probe/status',
          id: s.id,
          status: 'starting',
          message: 'Running again from the start on a new GPU device.',
          features: s.augment ? 'per-batch' : 'cached',
        });
      try {
        await device.recovering('the evaluation', attempt, restart);
      } catch (e) {
        failed(`The evaluation failed: ${(e as Error).message}`);
      }
      return;
    }
    case 'probe/stop':
      probe?.stop();
      return;
    case 'pretrain/pause':
      run?.pause();
      return;
    case 'pretrain/profile':
      if (run) run.profileNext();
      else post({ type: 'error', message: 'No run is training: start or resume one to profile its steps.' });
      return;
    case 'pretrain/resume':
      run?.resume();
      return;
    case 'pretrain/stop':
      run?.stop();
      return;
    case 'dataset/preview': {
      const ds = builtinDataset(msg.dataset, msg.seed, msg.imgSize);
      const S = msg.imgSize;
      const images = new Uint8ClampedArray(msg.count * S * S * 4);
      const labels: number[] = [];
      for (let i = 0; i < msg.count; i++) {
        const s = ds.sample('val', i);
        images.set(toRgba(s.image, S), i * S * S * 4);
        labels.push(s.label);
      }
      post({ type: 'dataset/preview', size: S, count: msg.count, images, labels, classes: ds.classes }, [images.buffer]);
      return;
    }
    case 'data/import':
      return runImport(msg, post);
    case 'data/cancel':
      cancelImport(msg.id);
      return;
    case 'data/forget':
      forgetDataset(msg.id);
      return;
    case 'lab/decode': {
      const d = await decodeLabImage(msg.name, msg.source).catch((e: Error) => ({
        ok: false as const,
        message: `${msg.name} could not be opened: ${e.message}. Try another image.`,
      }));
      if (d.ok) post({ type: 'lab/image', name: msg.name, width: d.width, height: d.height, rgba: d.rgba, notes: d.notes }, [d.rgba.buffer as ArrayBuffer]);
      else post({ type: 'lab/refused', name: msg.name, message: d.message });
      return;
    }
    case 'lab/reconstruct':
      backend();
      return lab.submit(msg, post);
    case 'lab/embed': {
      backend();
      let ds: LabelledDataset;
      try {
        ds = await datasetFor(msg.dataset, msg.seed, lab.resolve(msg.model).model.config.imgSize);
      } catch (e) {
        return post({ type: 'lab/embed-failed', id: msg.id, message: `The feature map could not be made: ${(e as Error).message}.` });
      }
      return lab.embed(msg.id, msg.model, ds, { images: msg.images, maxPoints: msg.maxPoints, seed: msg.seed }, post);
    }
    case 'lab/embed-stop':
      lab.stopEmbed(msg.id);
      return;
    default:
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
