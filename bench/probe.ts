// The paper's Table 1 experiment in miniature, in Node, with the worker's own code (BatchLoader,
// CaeTrainer, ProbeRun): pretrain a preset, then read the pretrained encoder and a random-init one
// of the same preset with the asked evaluations. One JSON line for the pretraining, then one per
// encoder and evaluation: { encoder, eval, top1, se, sd, valImages, seeds, ... }.
//   npm run bench:probe -- --quick                      the notebook's default experiment
//   npm run bench:probe -- --preset micro --dataset shapes-easy --steps 400 --evals lin,att,knn,ft --seeds 3
//   --dataset fashion-mnist reads the embedded Fashion-MNIST from public/ (src/testing/nodeDatasets.ts).
// Other flags: --batch, --epochs, --ft-epochs, --label-fraction, --train-images, --val-images,
// --lin-lr, --att-lr, --ft-lr (base rates at their reference batches), --ft-augment 0|1,
// --model key=value,... (model config over the preset, e.g. alignment=false),
// --save FILE / --encoder FILE (keep a pretrained checkpoint, probe it again), --bn batch|running, --pooling cls|mean, --backend wasm|cpu|webgpu (wasm: TF.js's WebAssembly
// backend, the fastest on a CPU; the notebook runs the same code on WebGPU).
import * as tf from '@tensorflow/tfjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { arg, run } from './cli';
import { BatchLoader } from '../src/data/loader';
import { Cae } from '../src/model/cae';
import { type CaeConfig, validateConfig } from '../src/model/config';
import { preset, type PresetId } from '../src/model/presets';
import type { EvalId, FromWorker, ProbeSpec } from '../src/protocol/messages';
import { nodeDataset, nodeProbeDataset } from '../src/testing/nodeDatasets';
import { useWasmBackend } from '../src/testing/wasmNode';
import { useWebGpuBackend } from '../src/testing/webgpuNode';
import { saveCheckpoint } from '../src/train/checkpoint';
import { defaultTrainConfig } from '../src/train/defaults';
import { DEFAULT_EXPERIMENT, defaultEvaluation, defaultProbeConfig } from '../src/train/evalDefaults';
import { CaeTrainer } from '../src/train/trainer';
import { ProbeRun } from '../src/worker/probeRun';

const num = (name: string, fallback: number) => Number(arg(name, String(fallback)));

/** The preset with `--model key=value,...` applied (numbers, true/false, or text), validated. */
function modelConfig(presetId: PresetId): CaeConfig {
  const overrides = arg('model', '')
    .split(',')
    .filter(Boolean)
    .map((kv) => {
      const [k, v] = kv.split('=') as [string, string];
      return [k, v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v];
    });
  return validateConfig({ ...preset(presetId), ...Object.fromEntries(overrides) } as CaeConfig);
}

async function pretrain(presetId: PresetId, dataset: string, steps: number, batch: number): Promise<Uint8Array | null> {
  if (steps === 0) return null;
  const config = modelConfig(presetId);
  const d = defaultTrainConfig(presetId);
  const train = { ...d, seed: num('seed', 0), batchSize: batch, totalSteps: steps, warmupSteps: Math.max(1, Math.round((steps * 10) / 300)) };
  const trainer = new CaeTrainer(new Cae(config, train.seed), train);
  const loader = new BatchLoader(await nodeDataset(dataset, train.seed, config.imgSize), batch, train.seed);
  const t0 = performance.now();
  let first = 0;
  let last = 0;
  for (let s = 0; s < steps; s++) {
    const b = await loader.next(true);
    const images = tf.tensor4d(b.images, [batch, 3, b.size, b.size]);
    last = (await trainer.trainStep({ images })).total;
    if (s === 0) first = last;
    images.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      phase: 'pretrain',
      preset: presetId,
      dataset,
      backend: tf.getBackend(),
      steps,
      batch,
      baseLr: train.baseLr,
      firstLoss: first,
      lastLoss: last,
      seconds: Math.round(seconds),
      imgPerSec: Math.round((steps * batch) / seconds),
    }),
  );
  const bytes = await saveCheckpoint(trainer);
  trainer.dispose();
  trainer.model.dispose();
  return bytes;
}

async function main(): Promise<void> {
  tf.env().set('PROD', true);
  const quick = process.argv.includes('--quick');
  const x = DEFAULT_EXPERIMENT;
  const presetId = arg('preset', x.presetId) as PresetId;
  const dataset = arg('dataset', x.dataset);
  const steps = num('steps', x.pretrainSteps);
  const batch = num('batch', defaultTrainConfig(presetId).batchSize);
  const ev = defaultEvaluation();
  const pr = defaultProbeConfig();
  const evals = arg('evals', ev.evals.join(',')).split(',') as EvalId[];
  const seeds = num('seeds', quick ? 1 : ev.seeds);
  const backend = arg('backend', 'wasm');
  if (backend === 'webgpu') await useWebGpuBackend();
  else if (backend === 'wasm') await useWasmBackend();
  else await tf.setBackend('cpu');
  const t0 = performance.now();
  // --encoder FILE probes a checkpoint saved before (--save FILE) instead of pretraining again.
  const load = arg('encoder', '');
  const bytes = load ? new Uint8Array(readFileSync(load)) : await pretrain(presetId, dataset, steps, batch);
  const save = arg('save', '');
  if (save && bytes) writeFileSync(save, bytes);
  const trainImages = num('train-images', x.trainImages);
  const valImages = num('val-images', x.valImages);
  const epochs = num('epochs', x.probeEpochs);
  const B = pr.batchSize;
  const probeSteps = Math.floor(trainImages / B) * epochs;
  const spec: ProbeSpec = {
    id: 'bench',
    encoder: bytes ? { kind: 'run', runId: 'bench' } : { kind: 'random' },
    presetId,
    model: modelConfig(presetId),
    dataset,
    probe: {
      ...pr,
      totalSteps: probeSteps,
      warmupSteps: Math.round(probeSteps / 10),
      pooling: arg('pooling', pr.pooling) as 'cls' | 'mean',
      linearBaseLr: num('lin-lr', pr.linearBaseLr),
      attentiveBaseLr: num('att-lr', pr.attentiveBaseLr),
      attentiveEvalBn: arg('bn', pr.attentiveEvalBn) as 'batch' | 'running',
    },
    epochs,
    trainImages,
    valImages,
    augment: false,
    evaluation: {
      ...ev,
      evals,
      seeds,
      baseline: true,
      fineTuneEpochs: num('ft-epochs', ev.fineTuneEpochs),
      fineTuneAugment: arg('ft-augment', ev.fineTuneAugment ? '1' : '0') === '1',
      fineTune: { ...ev.fineTune, baseLr: num('ft-lr', ev.fineTune.baseLr), labelFraction: num('label-fraction', ev.fineTune.labelFraction) },
    },
    createdAt: 0,
  };
  const msgs: FromWorker[] = [];
  await new ProbeRun(
    spec,
    bytes,
    (m) => {
      if (m.type === 'probe/status' && m.status === 'failed') throw new Error(m.message ?? 'probe failed');
      if (m.type === 'probe/result' || m.type === 'probe/epoch' || m.type === 'probe/ft-epoch') msgs.push(m);
    },
    await nodeProbeDataset(dataset, spec.model.imgSize),
  ).run();
  const result = msgs.find((m) => m.type === 'probe/result');
  if (!result || result.type !== 'probe/result') throw new Error('the evaluation posted no result');
  for (const row of result.rows) {
    const encoder = bytes && row.role === 'probed' ? 'pretrained' : 'random init';
    for (const [id, a] of Object.entries(row.results))
      console.log(
        JSON.stringify({
          encoder,
          eval: id,
          top1: round(a.top1),
          se: round(a.se),
          sd: round(a.sd),
          valImages: a.valImages,
          seeds: a.seeds,
          chance: round(result.chance),
          preset: presetId,
          dataset,
          pretrainSteps: bytes && row.role === 'probed' ? steps : 0,
          epochs,
          ftEpochs: spec.evaluation.fineTuneEpochs,
          labelFraction: spec.evaluation.fineTune.labelFraction,
        }),
      );
  }
  if (process.argv.includes('--curves'))
    for (const m of msgs) if (m.type === 'probe/epoch' || m.type === 'probe/ft-epoch') console.log(JSON.stringify({ curve: m.type, ...m.point }));
  console.log(JSON.stringify({ phase: 'total', seconds: Math.round((performance.now() - t0) / 1000) }));
}

const round = (v: number) => Math.round(v * 10_000) / 10_000;

run(main);
