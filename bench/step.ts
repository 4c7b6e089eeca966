// Benchmark of the project's real CAE pretraining step (model + AdamW + schedule + clipping) in Node,
// on WebGPU through the `webgpu` package (Dawn) or on the TF.js CPU backend. Prints one JSON line.
//   npm run bench -- --preset vit-s-p8-64 --batch 64 [--steps 10] [--warmup 3] [--backend webgpu|cpu]
//     [--plain] (the plain TF.js ops instead of the fused kernels) [--profile] (kernels per step)
//     [--submit-batch N] (dispatches per command-buffer submit)
// On the lent GPU: bundle with `npm run bench:bundle`, carry with ../shared/tools/gpu-carry.sh.
import * as tf from '@tensorflow/tfjs';
import { arg, run } from './cli';
import { Cae } from '../src/model/cae';
import { numMasked } from '../src/model/config';
import { preset, type PresetId } from '../src/model/presets';
import { patternImages } from '../src/testing/batches';
import { setKernelsEnabled } from '../src/kernels/ops';
import { useWebGpuBackend } from '../src/testing/webgpuNode';
import { defaultTrainConfig } from '../src/train/defaults';
import { CaeTrainer } from '../src/train/trainer';

/** One step under tf.profile: how many kernels run, and the GPU time of each kind where timestamps exist. */
async function profileStep(step: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  const info = await tf.profile(step);
  const wallMs = performance.now() - t0;
  const byName = new Map<string, { count: number; ms: number }>();
  let gpuMs = 0;
  for (const k of info.kernels) {
    const t = await (k.kernelTimeMs as unknown as Promise<number | { error: string }>);
    const ms = typeof t === 'number' ? t : 0;
    gpuMs += ms;
    const e = byName.get(k.name) ?? { count: 0, ms: 0 };
    e.count++;
    e.ms += ms;
    byName.set(k.name, e);
  }
  const top = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms || b[1].count - a[1].count).slice(0, 20);
  console.log(
    JSON.stringify({
      profile: { kernels: info.kernels.length, wallMs: Number(wallMs.toFixed(1)), gpuKernelMs: Number(gpuMs.toFixed(1)) },
      top: top.map(([n, e]) => `${n} x${e.count} ${e.ms.toFixed(2)}ms`),
      mostCalled: [...byName.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, 12).map(([n, e]) => `${n} x${e.count}`),
    }),
  );
}

async function main(): Promise<void> {
  tf.env().set('PROD', true);
  const presetId = arg('preset', 'micro') as PresetId;
  const batch = Number(arg('batch', '64'));
  const steps = Number(arg('steps', '10'));
  const warmup = Number(arg('warmup', '3'));
  const backend = arg('backend', 'webgpu');
  let adapter = 'JavaScript CPU';
  if (backend === 'webgpu') adapter = await useWebGpuBackend();
  else await tf.setBackend('cpu');

  const plain = process.argv.includes('--plain');
  setKernelsEnabled(!plain);
  const config = preset(presetId);
  const submitBatch = arg('submit-batch', '');
  const model = new Cae(config, 0);
  const trainer = new CaeTrainer(model, { ...defaultTrainConfig(presetId), batchSize: batch });
  if (submitBatch) tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', Number(submitBatch));
  const images = patternImages(batch, config.imgSize, 1);
  for (let i = 0; i < warmup; i++) await trainer.trainStep({ images });
  const t0 = performance.now();
  let loss = 0;
  for (let i = 0; i < steps; i++) loss = (await trainer.trainStep({ images })).total;
  const ms = (performance.now() - t0) / steps;
  const mem = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
  console.log(
    JSON.stringify({
      preset: presetId,
      batch,
      masked: numMasked(config),
      backend: tf.getBackend(),
      submitBatch: tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE'),
      path: plain || backend !== 'webgpu' ? 'plain ops' : 'fused kernels',
      adapter,
      msPerStep: Number(ms.toFixed(2)),
      imgPerSec: Number(((batch * 1000) / ms).toFixed(1)),
      gpuMemoryMB: mem.numBytesInGPU !== undefined ? Number((mem.numBytesInGPU / 2 ** 20).toFixed(1)) : null,
      // Everything the backend's buffer pool holds, free buffers included: its high-water mark.
      gpuAllocatedMB: mem.numBytesAllocatedInGPU !== undefined ? Number((mem.numBytesAllocatedInGPU / 2 ** 20).toFixed(1)) : null,
      tensorMemoryMB: Number((mem.numBytes / 2 ** 20).toFixed(1)),
      lastLoss: Number(loss.toFixed(4)),
    }),
  );
  if (process.argv.includes('--profile')) await profileStep(() => trainer.trainStep({ images }).then(() => undefined));
  images.dispose();
  trainer.dispose();
  model.dispose();
}

run(main);
