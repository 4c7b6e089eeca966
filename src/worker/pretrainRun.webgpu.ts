// A pretraining run in the worker on Dawn over SwiftShader, on the replayed step and on the TF.js
// engine from the same seed. The replay reads each step's losses a step late: the page must still
// get every step's losses once, in order, all of them by a pause and by the end; the checkpoints
// must be the TF.js engine's, byte for byte; and a NaN loss mid-run must stop the run at the step
// it came from, with the state the TF.js engine stops with.
import { DEFAULT_ENGINE } from '../train/engine';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { builtinDataset, type LabelledDataset } from '../data/shapes';
import { MICRO } from '../model/presets';
import type { FromWorker, RunSpec } from '../protocol/messages';
import { defaultTrainConfig } from '../train/defaults';
import { nanFromBatch } from '../testing/nanDataset';
import { useWebGpuBackend } from '../testing/webgpuNode';
import { PretrainRun } from './pretrainRun';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await useWebGpuBackend();
});

const MODEL = { ...MICRO, dropPathRate: 0.1 };
const spec = (totalSteps: number): RunSpec => ({
  id: 'webgpu-run',
  presetId: 'micro',
  model: MODEL,
  train: { ...defaultTrainConfig('micro', 5), batchSize: 4, totalSteps, warmupSteps: 2 },
  dataset: 'shapes',
  checkpointEvery: 4,
  createdAt: 0,
});

/** The shapes dataset, whose training images turn to NaN from batch `nanFrom` on (4 images a batch, read in order). */
const dataset = (nanFrom = Infinity): LabelledDataset => nanFromBatch(builtinDataset('shapes', 5, MODEL.imgSize), 4, nanFrom);

async function train(s: RunSpec, replay: boolean, ds: LabelledDataset, pauseAt?: number) {
  const before = tf.memory().numTensors;
  const msgs: FromWorker[] = [];
  let pausedWith: number[] | null = null;
  const run = new PretrainRun(
    s,
    (m) => {
      msgs.push(m);
      if (pauseAt !== undefined && pausedWith === null && m.type === 'pretrain/metrics' && m.step >= pauseAt) run.pause();
      if (m.type === 'pretrain/status' && m.status === 'paused') {
        pausedWith = points().map((p) => p.step);
        expect(m.step).toBe(run.step);
        setTimeout(() => run.resume(), 0);
      }
    },
    undefined,
    ds,
    { ...DEFAULT_ENGINE, replay },
  );
  const points = () => msgs.flatMap((m) => (m.type === 'pretrain/metrics' ? m.points : []));
  await run.run(async () => false);
  run.dispose();
  expect(tf.memory().numTensors).toBe(before);
  const engine = msgs.flatMap((m) => (m.type === 'pretrain/engine' ? [m.engine] : []));
  // Replaying, the first steps run on TF.js while they are traced.
  expect(engine).toEqual(replay ? ['tfjs', 'replay'] : ['tfjs']);
  return {
    points: points(),
    status: msgs.flatMap((m) => (m.type === 'pretrain/status' ? [m] : [])).at(-1)!,
    checkpoints: await Promise.all(
      msgs.flatMap((m) => (m.type === 'pretrain/checkpoint' ? [m.bytes.arrayBuffer().then((b) => ({ step: m.step, bytes: Buffer.from(b) }))] : [])),
    ),
    pausedWith: pausedWith as number[] | null,
    pausedStep: msgs.flatMap((m) => (m.type === 'pretrain/status' && m.status === 'paused' ? [m.step] : [])).at(0),
  };
}

it('reports every step once and in order, all of them at a pause and the end, and checkpoints what the TF.js engine does', async () => {
  const replay = await train(spec(9), true, dataset(), 4);
  const tfjs = await train(spec(9), false, dataset(), 4);
  expect(replay.status.status).toBe('done');
  expect(replay.points.map((p) => p.step)).toEqual(Array.from({ length: 9 }, (_, i) => i));
  expect(replay.points).toEqual(tfjs.points);
  // Paused with every step before the paused step count reported (the one in flight flushed).
  expect(replay.pausedWith).toEqual(Array.from({ length: replay.pausedStep! }, (_, i) => i));
  // Every 4 steps, at the pause (when the message that asked for it came at the same step), at the
  // end: the same bytes as the TF.js engine's at the same step.
  const common = replay.checkpoints.filter((c) => tfjs.checkpoints.some((x) => x.step === c.step));
  expect(common.map((c) => c.step)).toContain(9);
  for (const c of common) expect(c.bytes.equals(tfjs.checkpoints.find((x) => x.step === c.step)!.bytes)).toBe(true);
});

it('stops at the step whose loss became NaN, with the state and checkpoint the TF.js engine stops with', async () => {
  const replay = await train(spec(12), true, dataset(6));
  const tfjs = await train(spec(12), false, dataset(6));
  for (const r of [replay, tfjs]) {
    expect(r.status).toMatchObject({ status: 'diverged', step: 6, message: expect.stringMatching(/the loss became NaN at step 6/) });
    expect(r.points.map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5]);
  }
  // The replay learnt of the NaN a step late, after submitting step 7: its checkpoint at the
  // divergence still holds the weights after step 5, step 6, and the data cursor after batch 6.
  expect(replay.checkpoints.map((c) => c.step)).toEqual(tfjs.checkpoints.map((c) => c.step));
  expect(replay.checkpoints.at(-1)!.step).toBe(6);
  replay.checkpoints.forEach((c, i) => expect(c.bytes.equals(tfjs.checkpoints[i]!.bytes)).toBe(true));
});
