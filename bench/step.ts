// Benchmark of the project's real CAE pretraining step (model + AdamW + schedule + clipping) in Node,
// on WebGPU through the `webgpu` package (Dawn) or on the TF.js CPU backend. Prints one JSON line.
//   npm run bench -- --preset vit-s-p8-64 --batch 64 [--steps 10] [--warmup 3] [--backend webgpu|cpu]
//     [--plain] (the plain TF.js ops instead of the fused kernels) [--profile] (kernels per step)
//     [--tiled] (linear layers on the project's tiled matmul, fc1 + GELU fused, not TF.js's)
//     [--submit-batch N] (dispatches per command-buffer submit)
//     [--memory-only] (no shader runs: exact memory figures and the host's share of a step, fast anywhere)
//     [--engine tfjs|replay] (every op through TF.js, or the traced step replayed: issue 14)
//     [--verify] (both engines from one seed, 3 replayed steps on real shaders: lossDiff)
// On the lent GPU: bundle with `npm run bench:bundle`, carry with ../shared/tools/gpu-carry.sh.
import * as tf from '@tensorflow/tfjs';
import { arg, run } from './cli';
import { Cae } from '../src/model/cae';
import { numMasked } from '../src/model/config';
import { preset, type PresetId } from '../src/model/presets';
import { patternImages } from '../src/testing/batches';
import { useKernels } from '../src/kernels/ops';
import { registerCaeOps } from '../src/model/register';
import { profileStep } from '../src/kernels/profile';
import { activeWebGpuBackend } from '../src/kernels/tfjsInternals';
import { skipGpuWork, watchPeakBytes } from '../src/testing/gpuMeasure';
import { median, type StepCost, StepMeter, totalObjects } from '../src/testing/stepMeter';
import { useWebGpuBackend } from '../src/testing/webgpuNode';
import { defaultTrainConfig } from '../src/train/defaults';
import { ReplayTrainer } from '../src/train/replayTrainer';
import { CaeTrainer, type StepResult } from '../src/train/trainer';

/** The engines a step can run on: TF.js's (every op through the engine) and the replayed step. */
function chosenEngine(): 'tfjs' | 'replay' {
  const engine = arg('engine', 'tfjs');
  if (engine === 'tfjs' || engine === 'replay') return engine;
  throw new Error(`--engine ${engine}: unknown engine (tfjs or replay)`);
}

async function main(): Promise<void> {
  tf.env().set('PROD', true);
  const engine = chosenEngine();
  const presetId = arg('preset', 'micro') as PresetId;
  const batch = Number(arg('batch', '64'));
  const steps = Number(arg('steps', '10'));
  const warmup = Number(arg('warmup', '3'));
  const backend = arg('backend', 'webgpu');
  let adapter = 'JavaScript CPU';
  if (backend === 'webgpu') adapter = await useWebGpuBackend();
  else await tf.setBackend('cpu');
  registerCaeOps(); // as the worker's backend set-up does (useWebGpuBackend did already on WebGPU)
  if (process.argv.includes('--verify')) return verify(presetId, batch);
  const memoryOnly = process.argv.includes('--memory-only');
  if (memoryOnly) skipGpuWork();

  const plain = process.argv.includes('--plain');
  const tiled = process.argv.includes('--tiled');
  // The engine's kernel choice (src/train/engine.ts): the app runs DEFAULT_KERNELS.
  useKernels({ fused: !plain, tiledMatmul: tiled });
  const config = preset(presetId);
  const submitBatch = arg('submit-batch', '');
  const model = new Cae(config, 0);
  const trainer = new CaeTrainer(model, { ...defaultTrainConfig(presetId), batchSize: batch });
  if (submitBatch) tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', Number(submitBatch));
  const images = patternImages(batch, config.imgSize, 1);
  for (let i = 0; i < warmup; i++) await trainer.trainStep({ images });
  // The replay's compile runs TF.js steps of its own (traced) before the timed steps.
  const replay = engine === 'replay' ? (await ReplayTrainer.compile(trainer, images)).replay : null;
  // A replayed step returns the previous step's result (its losses are read while the next runs).
  const step = (): Promise<StepResult | null> => (replay ?? trainer).trainStep({ images });
  const peak = watchPeakBytes();
  const webgpu = activeWebGpuBackend();
  const meter = webgpu ? new StepMeter(webgpu, memoryOnly) : null;
  const costs: StepCost[] = [];
  const t0 = performance.now();
  let loss = 0;
  for (let i = 0; i < steps; i++) {
    if (!meter) {
      const s0 = performance.now();
      loss = (await step())?.total ?? loss;
      const wallMs = performance.now() - s0;
      costs.push({ wallMs, hostMs: wallMs, dispatches: 0, submits: 0, objects: { staging: 0, buffers: 0, bindGroups: 0, pipelines: 0 } });
      continue;
    }
    const { result, cost } = await meter.measure(step);
    loss = result?.total ?? loss;
    costs.push(cost);
  }
  // The last replayed step's losses, outside the timed steps.
  loss = (await replay?.flush())?.total ?? loss;
  const ms = (performance.now() - t0) / steps;
  meter?.stop();
  const perStep = (f: (c: StepCost) => number) => (meter ? costs.reduce((s, c) => s + f(c), 0) / steps : null);
  // The replay's own buffers (arena, state, slots) sit beside what the TF.js pool holds; the state
  // it adopted (the optimizer's flat state, updated in place) is the pool's, counted there once.
  const replayBytes = replay ? replay.stats.arenaBytes + replay.stats.stateBytes + replay.stats.slotBytes : 0;
  const livePeak = peak ? peak.peak() + replayBytes : null;
  const dispatches = replay ? replay.stats.dispatches : perStep((c) => c.dispatches);
  const mem = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
  console.log(
    JSON.stringify({
      preset: presetId,
      batch,
      masked: numMasked(config),
      backend: tf.getBackend(),
      submitBatch: tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE'),
      memoryOnly,
      engine,
      path: plain || backend !== 'webgpu' ? 'plain ops' : tiled ? 'fused kernels, tiled matmul' : 'fused kernels',
      adapter,
      msPerStep: Number(ms.toFixed(2)),
      imgPerSec: Number(((batch * 1000) / ms).toFixed(1)),
      // The host's share of a step (the whole step with --memory-only; else up to its last submit,
      // read-back waits excluded), the median over the timed steps.
      hostMs: Number(median(costs.map((c) => c.hostMs)).toFixed(2)),
      // Up to the last submit less read-back waits, even with --memory-only: the host's work alone,
      // without SwiftShader's copies (which --memory-only still runs) or the wait for them.
      submitHostMs: meter ? Number(median(costs.map((c) => c.submitHostMs ?? c.hostMs)).toFixed(2)) : null,
      dispatches,
      // Buffer copies in a replayed step (uploads, the read-back; the optimizer's gathers are gone).
      copies: replay ? replay.stats.copies : null,
      submits: perStep((c) => c.submits),
      // The most bytes live at once: the TF.js pool's live buffers, plus the replay's own.
      livePeakMB: livePeak === null ? null : Number((livePeak / 2 ** 20).toFixed(1)),
      replayMB: replay
        ? {
            arena: mb(replay.stats.arenaBytes),
            arenaLive: mb(replay.stats.arenaLiveBytes),
            state: mb(replay.stats.stateBytes),
            adopted: mb(replay.stats.adoptedBytes),
            slots: mb(replay.stats.slotBytes),
          }
        : null,
      dispatchesPerStep: dispatches,
      submitsPerStep: perStep((c) => c.submits),
      // GPUBuffers (staging ones included), bind groups and pipelines created in a timed step.
      gpuObjectsPerStep: meter ? median(costs.map((c) => totalObjects(c.objects))) : null,
      gpuObjects: meter
        ? {
            staging: perStep((c) => c.objects.staging),
            buffers: perStep((c) => c.objects.buffers),
            bindGroups: perStep((c) => c.objects.bindGroups),
            pipelines: perStep((c) => c.objects.pipelines),
          }
        : null,
      gpuMemoryMB: mem.numBytesInGPU !== undefined ? Number((mem.numBytesInGPU / 2 ** 20).toFixed(1)) : null,
      // Everything the backend's buffer pool holds, free buffers included: its high-water mark.
      // The most bytes held by live buffers at any moment of the timed steps: what PyTorch's
      // max_memory_allocated reports. The pool below is what its caching allocator would reserve.
      gpuPeakMB: peak ? Number((peak.peak() / 2 ** 20).toFixed(1)) : null,
      gpuAllocatedMB: mem.numBytesAllocatedInGPU !== undefined ? Number((mem.numBytesAllocatedInGPU / 2 ** 20).toFixed(1)) : null,
      tensorMemoryMB: Number((mem.numBytes / 2 ** 20).toFixed(1)),
      lastLoss: Number(loss.toFixed(4)),
    }),
  );
  if (process.argv.includes('--profile')) {
    const p = await profileStep(trainer.step, () => trainer.trainStep({ images }));
    const fmt = (k: (typeof p.kernels)[number]) => `${k.name} x${k.calls}${k.ms === null ? '' : ` ${k.ms.toFixed(2)}ms`}`;
    console.log(
      JSON.stringify({
        profile: { kernels: p.kernelCount, wallMs: Number(p.wallMs.toFixed(1)), gpuKernelMs: p.gpuMs === null ? null : Number(p.gpuMs.toFixed(1)) },
        top: p.kernels.slice(0, 20).map(fmt),
        mostCalled: [...p.kernels]
          .sort((a, b) => b.calls - a.calls)
          .slice(0, 12)
          .map(fmt),
      }),
    );
  }
  replay?.dispose();
  images.dispose();
  trainer.dispose();
  model.dispose();
}

const mb = (bytes: number) => Number((bytes / 2 ** 20).toFixed(1));

/**
 * Both engines from the same seed on real shaders: the replay's compile runs its TF.js steps, then
 * 3 replayed steps; the reference runs as many TF.js steps. lossDiff is the largest absolute
 * difference of the replayed steps' losses, weightDiff of the weights after them.
 */
async function verify(presetId: PresetId, batch: number): Promise<void> {
  const config = preset(presetId);
  const train = { ...defaultTrainConfig(presetId), batchSize: batch };
  const images = patternImages(batch, config.imgSize, 1);
  const [a, b] = [0, 1].map(() => {
    const model = new Cae(config, 0);
    return { model, trainer: new CaeTrainer(model, train) };
  }) as [{ model: Cae; trainer: CaeTrainer }, { model: Cae; trainer: CaeTrainer }];
  const { replay, results } = await ReplayTrainer.compile(b.trainer, images);
  const replayed: StepResult[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await replay.trainStep({ images });
    if (r) replayed.push(r);
  }
  replayed.push((await replay.flush())!);
  const reference: StepResult[] = [];
  for (let i = 0; i < results.length + 3; i++) reference.push(await a.trainer.trainStep({ images }));
  replay.sync();
  const lossDiff = Math.max(...replayed.map((r, i) => Math.abs(r.total - reference[results.length + i]!.total)));
  let weightDiff = 0;
  for (const [x, y] of a.model.trainableVars().map((v, i) => [v, b.model.trainableVars()[i]!] as const)) {
    const [u, w] = [await x.data(), await y.data()];
    for (let i = 0; i < u.length; i++) weightDiff = Math.max(weightDiff, Math.abs(u[i]! - w[i]!));
  }
  console.log(
    JSON.stringify({
      preset: presetId,
      batch,
      verify: true,
      tracedSteps: results.length,
      replayedSteps: 3,
      lossDiff,
      weightDiff,
      losses: replayed.map((r) => r.total),
    }),
  );
  replay.dispose();
  for (const e of [a, b]) {
    e.trainer.dispose();
    e.model.dispose();
  }
  images.dispose();
}

run(main);
