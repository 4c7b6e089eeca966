/// <reference lib="webworker" />
// The training worker: the only code that touches the worker global. It maps messages to the
// backend, the pretraining run and the dataset, and reports every failure as a message.
import { toRgba } from '../data/patches';
import { builtinDataset, isBuiltinDataset, type LabelledDataset } from '../data/shapes';
import { readModelCheckpoint } from '../model/checkpoint';
import { caeParamSpecs } from '../model/params';
import { weightsMismatch } from '../model/weights';
import { assertCheckpointFinite } from '../train/checkpoint';
import { type BackendInfo, type EncoderEntry, type FromWorker, isActive, type RunSpec, type ToWorker, unreachable } from '../protocol/messages';
import { deleteUnfinishedImports } from '../data/datasetDb';
import { loseDeviceForTest, restartBackend, startBackend } from './backend';
import { cancelImport, datasetFor, forgetDataset, runImport, setChunkCacheBytes } from './datasets';
import { decodeLabImage } from './labDecode';
import { LabSession } from './labSession';
import { PretrainRun } from './pretrainRun';
import { ProbeRun } from './probeRun';

declare const self: DedicatedWorkerGlobalScope;

const post = (msg: FromWorker, transfer: Transferable[] = []) => self.postMessage(msg, transfer);

let backend: BackendInfo | null = null;
let run: PretrainRun | null = null;
let probe: ProbeRun | null = null;
/** The encoders a probe can use: final states of this session's runs, kept runs and imported files. */
const encoders = new Map<string, { bytes: Uint8Array; entry: EncoderEntry }>();

/** The image lab reads the run's live model between steps, or a kept checkpoint; it never trains. */
const lab = new LabSession({
  current: () => (run ? { model: run.model, label: `${run.spec.id} (current run) at step ${run.step}` } : null),
  checkpoint: (id) => {
    const e = encoders.get(id);
    return e && { bytes: e.bytes, label: `${id} at step ${e.entry.step}` };
  },
});

function publishEncoders(): void {
  post({ type: 'encoders', list: [...encoders.values()].map((e) => e.entry) });
}

/** Runs a pretraining run to its end; its final state becomes an encoder for probing. */
async function pretrain(spec: RunSpec, resumeFrom?: Uint8Array): Promise<void> {
  if (!backend) throw new Error('the worker has no backend yet');
  if (run && isActive(run.status)) throw new Error('a run is already in progress; stop it first');
  run?.dispose();
  run = null;
  let r: PretrainRun;
  try {
    r = new PretrainRun(spec, post, resumeFrom, await datasetFor(spec.dataset, spec.train.seed, spec.model.imgSize));
  } catch (e) {
    // A dataset deleted since, or one without training images: the run's record stays as it was.
    post({ type: 'pretrain/status', runId: spec.id, status: 'failed', step: 0, message: `Training cannot start: ${(e as Error).message}.` });
    return;
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

function onDeviceLost(message: string): void {
  if (run && isActive(run.status)) run.markDeviceLost(message);
  else void recoverIdle(message);
}

async function recoverIdle(message: string): Promise<void> {
  post({ type: 'error', message: `The GPU device was lost (${message}). Starting a new one…` });
  backend = await restartBackend(onDeviceLost, backend?.kind ?? 'webgpu');
  post({ type: 'backend', info: backend });
}

/** The running loop's hook after a lost device: new backend, then the run's last good state. */
async function recoverRun(r: PretrainRun): Promise<boolean> {
  const why = r.deviceLost;
  post({ type: 'error', message: `The GPU device was lost (${why}). Starting a new device and continuing from the last saved state…` });
  try {
    backend = await restartBackend(onDeviceLost, backend?.kind ?? 'webgpu');
    post({ type: 'backend', info: backend });
    const step = await r.recover();
    post({ type: 'error', message: `Training continues on a new GPU device from the last saved state, step ${step}.` });
    return true;
  } catch (e) {
    post({ type: 'error', message: `The GPU device was lost and restarting failed: ${(e as Error).message}` });
    return false;
  }
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'init':
      // Imports a reload cut short left a summary marked 'importing': nothing else will finish them.
      // One another tab's worker is still running holds its lock and is left alone.
      void deleteUnfinishedImports(Date.now()).catch(() => undefined);
      backend = await startBackend(onDeviceLost, msg.forceBackend);
      post({ type: 'backend', info: backend });
      return;
    case 'pretrain/start':
      return pretrain(msg.run);
    case 'pretrain/continue':
      return pretrain(msg.run, new Uint8Array(msg.checkpoint));
    case 'checkpoint/import':
      try {
        importCheckpoint(msg.name, new Uint8Array(msg.bytes), msg.runId, msg.presetId);
      } catch (e) {
        post({ type: 'error', message: `Could not import ${msg.name}: ${(e as Error).message}. Nothing was changed.` });
      }
      return;
    case 'probe/start': {
      if (!backend) throw new Error('the worker has no backend yet');
      if (probe && isActive(probe.status)) throw new Error('a probe run is already in progress; stop it first');
      const enc = msg.spec.encoder.kind === 'run' ? encoders.get(msg.spec.encoder.runId) : undefined;
      if (msg.spec.encoder.kind === 'run' && !enc) throw new Error('that pretraining run is not in this session any more; choose another encoder');
      const s = msg.spec;
      const failed = (message: string) => post({ type: 'probe/status', id: s.id, status: 'failed', message, features: s.augment ? 'per-batch' : 'cached' });
      let ds;
      try {
        ds = isBuiltinDataset(s.dataset) ? undefined : await datasetFor(s.dataset, s.probe.seed, s.model.imgSize);
      } catch (e) {
        failed(`The evaluation cannot start: ${(e as Error).message}.`);
        return;
      }
      const p = new ProbeRun(s, enc?.bytes ?? null, post, ds);
      probe = p;
      try {
        await p.run();
      } catch (e) {
        p.status = 'failed';
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
      if (!backend) throw new Error('the worker has no backend yet');
      return lab.submit(msg, post);
    case 'lab/embed': {
      if (!backend) throw new Error('the worker has no backend yet');
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
    case 'debug/lose-device':
      if (!loseDeviceForTest()) post({ type: 'error', message: 'No WebGPU device to lose: the backend is not WebGPU.' });
      return;
    case 'debug/crash':
      setTimeout(() => {
        throw new Error('deliberate crash for testing');
      });
      return;
    case 'debug/chunk-cache':
      setChunkCacheBytes(msg.bytes);
      return;
    default:
      unreachable(msg);
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  // Runs are long: do not await here, so pause and stop arrive while one trains.
  handle(e.data).catch((err: unknown) => post({ type: 'error', message: (err as Error)?.message ?? String(err) }));
};
self.addEventListener('unhandledrejection', (e) => post({ type: 'error', message: `Worker error: ${String(e.reason?.message ?? e.reason)}` }));
