// The paper's Table 1 experiment in miniature, in Node: pretrain a preset on `shapes` for some steps,
// then train linear and attentive probes on the frozen encoder and on a random-init encoder of the
// same preset, with the worker's own code (BatchLoader, CaeTrainer, ProbeRun). One JSON line each.
//   npm run bench:probe -- --preset micro --steps 300 --batch 16 --epochs 10 [--backend cpu|webgpu]
import * as tf from '@tensorflow/tfjs';
import { arg, run } from './cli';
import { BatchLoader } from '../src/data/loader';
import { shapesDataset } from '../src/data/shapes';
import { Cae } from '../src/model/cae';
import { preset, type PresetId } from '../src/model/presets';
import type { FromWorker, ProbeSpec } from '../src/protocol/messages';
import { useWebGpuBackend } from '../src/testing/webgpuNode';
import { saveCheckpoint } from '../src/train/checkpoint';
import { defaultTrainConfig } from '../src/train/defaults';
import { CaeTrainer } from '../src/train/trainer';
import { ProbeRun } from '../src/worker/probeRun';


async function probe(spec: ProbeSpec, bytes: Uint8Array | null) {
  const epochs: Extract<FromWorker, { type: 'probe/epoch' }>['point'][] = [];
  await new ProbeRun(spec, bytes, (m) => m.type === 'probe/epoch' && epochs.push(m.point)).run();
  return epochs.at(-1)!;
}

async function main(): Promise<void> {
  tf.env().set('PROD', true);
  const presetId = arg('preset', 'micro') as PresetId;
  const steps = Number(arg('steps', '300'));
  const batch = Number(arg('batch', '16'));
  const epochs = Number(arg('epochs', '10'));
  const trainImages = Number(arg('train-images', '2000'));
  const valImages = Number(arg('val-images', '500'));
  if (arg('backend', 'cpu') === 'webgpu') await useWebGpuBackend();
  else await tf.setBackend('cpu');
  const config = preset(presetId);
  const train = { ...defaultTrainConfig(presetId), batchSize: batch, totalSteps: steps, warmupSteps: Math.max(1, Math.round(steps / 30)) };
  const trainer = new CaeTrainer(new Cae(config, train.seed), train);
  const loader = new BatchLoader(shapesDataset(train.seed, config.imgSize), batch, train.seed);
  const t0 = performance.now();
  let first = 0;
  let last = 0;
  for (let s = 0; s < steps; s++) {
    const b = loader.next();
    const images = tf.tensor4d(b.images, [batch, 3, b.size, b.size]);
    last = (await trainer.trainStep({ images })).total;
    if (s === 0) first = last;
    images.dispose();
  }
  console.log(JSON.stringify({ phase: 'pretrain', preset: presetId, backend: tf.getBackend(), steps, batch, firstLoss: first, lastLoss: last, seconds: Math.round((performance.now() - t0) / 1000) }));
  const bytes = await saveCheckpoint(trainer);
  trainer.dispose();
  trainer.model.dispose();
  const spec = (encoder: ProbeSpec['encoder']): ProbeSpec => {
    const stepsTotal = Math.floor(trainImages / 64) * epochs;
    return {
      id: 'bench',
      encoder,
      presetId,
      model: config,
      dataset: 'shapes',
      probe: { seed: 0, batchSize: 64, totalSteps: stepsTotal, warmupSteps: Math.round(stepsTotal / 10), pooling: 'cls', linearBaseLr: 6.4, linearBaseBatch: 64, attentiveBaseLr: 0.4, attentiveBaseBatch: 64, momentum: 0.9 },
      epochs,
      trainImages,
      valImages,
      augment: false,
      createdAt: 0,
    };
  };
  for (const [name, enc, b] of [['pretrained', { kind: 'run', runId: 'bench' }, bytes], ['random init', { kind: 'random' }, null]] as const) {
    const r = await probe(spec(enc), b);
    console.log(JSON.stringify({ phase: 'probe', encoder: name, preset: presetId, pretrainSteps: name === 'pretrained' ? steps : 0, epochs, trainImages, valImages, LIN: r.linearAcc, ATT: r.attentiveAcc }));
  }
}

run(main);
