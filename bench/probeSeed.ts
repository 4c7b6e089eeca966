// One seed of bench:probe, in its own process: pretrain the preset from this seed's init (or read
// --encoder), then evaluate that encoder and the same init left untrained with ProbeRun on this
// seed's images, and return every readout's per-seed result.
import * as tf from '@tensorflow/tfjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { arg } from './cli';
import { BatchLoader } from '../src/data/loader';
import { registerCaeOps } from '../src/model/register';
import { Cae } from '../src/model/cae';
import type { Dvae } from '../src/model/dvae';
import { tokenizerMismatch } from '../src/model/dvaeConfig';
import { tokenTargets } from '../src/model/tokenTargets';
import { type CaeConfig, validateConfig } from '../src/model/config';
import { preset, type PresetId } from '../src/model/presets';
import { caeParamSpecs, numel } from '../src/model/params';
import type { EvalId, EvalRow, FromWorker, ProbeSpec } from '../src/protocol/messages';
import { nodeDataset, nodeProbeDataset } from '../src/testing/nodeDatasets';
import { useWasmBackend } from '../src/testing/wasmNode';
import { useWebGpuBackend } from '../src/testing/webgpuNode';
import { saveCheckpoint } from '../src/train/checkpoint';
import { DEFAULT_PLATEAU } from '../src/train/convergence';
import { defaultTrainConfig } from '../src/train/defaults';
import { DEFAULT_EXPERIMENT, defaultAttentiveBaseLr, defaultEvaluation, defaultProbeConfig, type LinearReadout } from '../src/train/evalDefaults';
import { CaeTrainer } from '../src/train/trainer';
import { ProbeRun } from '../src/worker/probeRun';
import type { PretrainLine, SeedResult } from '../src/worker/seedSummary';
import { seedTokenizer } from './tokenizerSeed';

const num = (name: string, fallback: number) => Number(arg(name, String(fallback)));

/** Parameters of the encoder the readouts see (`encoder.*`: patch embedding, CLS, blocks, norm). */
const encoderParams = (c: CaeConfig): number =>
  caeParamSpecs(c)
    .filter((p) => p.name.startsWith('encoder.'))
    .reduce((a, p) => a + numel(p.shape), 0);

/** The preset with `--model key=value,...` applied (numbers, true/false, or text), validated. */
export function modelConfig(presetId: PresetId): CaeConfig {
  const overrides = arg('model', '')
    .split(',')
    .filter(Boolean)
    .map((kv) => {
      const [k, v] = kv.split('=') as [string, string];
      return [k, v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v];
    });
  return validateConfig({ ...preset(presetId), ...Object.fromEntries(overrides) } as CaeConfig);
}

async function pretrain(presetId: PresetId, config: CaeConfig, dataset: string, steps: number, batch: number, seed: number, tokenizer: Dvae | null) {
  const d = defaultTrainConfig(presetId, seed);
  const train = { ...d, batchSize: batch, totalSteps: steps, warmupSteps: Math.max(1, Math.round((steps * 10) / 300)) };
  const trainer = new CaeTrainer(new Cae(config, seed), train);
  const loader = new BatchLoader(await nodeDataset(dataset, seed, config.imgSize), batch, seed);
  const t0 = performance.now();
  let first = 0;
  let last = 0;
  for (let s = 0; s < steps; s++) {
    const b = await loader.next(true);
    const images = tf.tensor4d(b.images, [batch, 3, b.size, b.size]);
    // Token targets: the tokenizer's codes of this very crop, once per batch, without gradients.
    const tokens = tokenizer ? await tokenTargets(tokenizer, images) : undefined;
    last = (await trainer.trainStep({ images, tokens })).total;
    if (s === 0) first = last;
    images.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  const line: PretrainLine = {
    phase: 'pretrain',
    seed,
    preset: presetId,
    dataset,
    backend: tf.getBackend(),
    target: config.target,
    steps,
    batch,
    baseLr: train.baseLr,
    firstLoss: first,
    lastLoss: last,
    seconds: Math.round(seconds),
    imgPerSec: Math.round((steps * batch) / seconds),
  };
  const bytes = await saveCheckpoint(trainer);
  trainer.dispose();
  trainer.model.dispose();
  return { bytes, line };
}

export async function runSeed(seed: number): Promise<SeedResult> {
  tf.env().set('PROD', true);
  const x = DEFAULT_EXPERIMENT;
  const presetId = arg('preset', x.presetId) as PresetId;
  const dataset = arg('dataset', x.dataset);
  const steps = num('steps', x.pretrainSteps);
  const batch = num('batch', defaultTrainConfig(presetId).batchSize);
  const target = arg('target', 'pixel');
  if (target !== 'pixel' && target !== 'token') throw new Error(`--target must be pixel or token, got ${target}`);
  const pixelModel = modelConfig(presetId);
  const ev = defaultEvaluation();
  const pr = defaultProbeConfig();
  const backend = arg('backend', 'wasm');
  if (backend === 'webgpu') await useWebGpuBackend();
  else if (backend === 'wasm') await useWasmBackend();
  else await tf.setBackend('cpu');
  registerCaeOps(); // as the worker's backend set-up does
  // A token-target run predicts the codes of this seed's tokenizer: its vocabulary sizes the head.
  const tok = target === 'token' && !arg('encoder', '') ? await seedTokenizer({ ...pixelModel, target: 'token' }, dataset, seed) : null;
  const model: CaeConfig =
    target === 'token' ? validateConfig({ ...pixelModel, target: 'token', vocabSize: tok?.tokenizer.config.vocabSize ?? num('tok-k', 256) }) : pixelModel;
  if (tok) {
    const why = tokenizerMismatch(tok.tokenizer.config, model);
    if (why) throw new Error(`this tokenizer cannot give the model its targets: ${why}`);
  }
  const t0 = performance.now();
  // {seed} in the file name reads each seed's own checkpoint (e.g. one kept by --save).
  const load = arg('encoder', '').replaceAll('{seed}', String(seed));
  const pre = load
    ? { bytes: new Uint8Array(readFileSync(load)), line: null }
    : steps > 0
      ? await pretrain(presetId, model, dataset, steps, batch, seed, tok?.tokenizer ?? null)
      : null;
  const save = arg('save', '');
  if (save && pre && !load) writeFileSync(`${save}-seed${seed}.safetensors`, pre.bytes);
  if (save && tok?.bytes) writeFileSync(`${save}-tokenizer-seed${seed}.safetensors`, tok.bytes);
  tok?.tokenizer.dispose();
  const trainImages = num('train-images', x.trainImages);
  const epochs = num('epochs', x.probeEpochs);
  const B = pr.batchSize;
  const probeSteps = Math.floor(trainImages / B) * epochs;
  const spec: ProbeSpec = {
    id: 'bench',
    encoder: pre ? { kind: 'run', runId: 'bench' } : { kind: 'random' },
    presetId,
    model,
    dataset,
    probe: {
      ...pr,
      seed,
      totalSteps: probeSteps,
      warmupSteps: Math.round(probeSteps / 10),
      pooling: arg('pooling', pr.pooling) as 'cls' | 'mean',
      linearBaseLr: num('lin-lr', pr.linearBaseLr),
      // The preset's own rate, as the app's form takes it (mini: ×16, chosen on the validation split).
      attentiveBaseLr: num('att-lr', defaultAttentiveBaseLr(presetId)),
      attentiveEvalBn: arg('bn', pr.attentiveEvalBn) as 'batch' | 'running',
    },
    epochs,
    trainImages,
    valImages: num('val-images', x.valImages),
    split: arg('split', 'test') as 'test' | 'val',
    augment: false,
    evaluation: {
      ...ev,
      evals: arg('evals', (x.evals as readonly string[]).join(',')).split(',') as EvalId[],
      linear: arg('linear', ev.linear ?? 'logistic') as LinearReadout,
      plateau: { ...DEFAULT_PLATEAU, maxEpochs: num('att-cap', DEFAULT_PLATEAU.maxEpochs) },
      seeds: 1,
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
    pre?.bytes ?? null,
    (m) => {
      if (m.type === 'probe/status' && m.status === 'failed') throw new Error(m.message ?? 'probe failed');
      if (m.type === 'probe/result' || m.type === 'probe/epoch' || m.type === 'probe/ft-epoch') msgs.push(m);
    },
    await nodeProbeDataset(dataset, model.imgSize),
  ).run();
  const result = msgs.find((m) => m.type === 'probe/result');
  if (!result || result.type !== 'probe/result') throw new Error('the evaluation posted no result');
  const curves = process.argv.includes('--curves') && seed === 0 ? msgs.filter((m) => m.type !== 'probe/result') : [];
  return {
    phase: 'seed',
    seed,
    settings: {
      preset: presetId,
      // `--model` overrides (null: the preset as it is) and the encoder's size, so a line from a
      // modified preset names the model it measured.
      model: arg('model', '') || null,
      encoderParams: encoderParams(model),
      dataset,
      target: model.target,
      split: spec.split ?? 'test',
      pretrainSteps: pre ? steps : 0, // a checkpoint read with --encoder is labelled by --steps (and --batch)
      pretrainBatch: batch,
      encoderFile: load || null,
      trainImages,
      valImages: spec.valImages,
      linear: spec.evaluation.linear ?? 'logistic',
      attCap: spec.evaluation.plateau!.maxEpochs,
      // The readouts' base rates, so a line read later names the recipe it was measured with.
      attBaseLr: spec.probe.attentiveBaseLr,
      ftBaseLr: spec.evaluation.fineTune.baseLr,
      linEpochs: epochs,
      ftEpochs: spec.evaluation.fineTuneEpochs,
      labelFraction: spec.evaluation.fineTune.labelFraction,
    },
    pretrain: pre?.line ?? null,
    tokenizer: tok?.line ?? null,
    rows: result.rows as EvalRow[],
    chance: result.chance,
    curves,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  };
}
