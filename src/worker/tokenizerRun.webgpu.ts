// A tokenizer run in the worker on Dawn over SwiftShader, on the replayed step and on the TF.js
// engine from the same seed: the page gets every step's numbers once and in order, the same as
// the TF.js engine's, with checkpoints of the same bytes; a run resumed from a checkpoint goes on
// as the straight run did; a NaN batch mid-run ends it as diverged at that step, keeping the same
// checkpoint as the TF.js engine; neither leaks a tensor.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { builtinDataset, type LabelledDataset } from '../data/shapes';
import type { FromWorker, TokenizerSpec } from '../protocol/messages';
import { nanFromBatch } from '../testing/nanDataset';
import { useWebGpuBackend } from '../testing/webgpuNode';
import { DEFAULT_ENGINE } from '../train/engine';
import { TokenizerRun } from './tokenizerRun';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await useWebGpuBackend();
});

const spec = (totalSteps: number): TokenizerSpec => ({
  id: 'tok-webgpu',
  presetId: 'micro',
  model: { imgSize: 16, downsample: 4, vocabSize: 16, hiddenDim: 2, blocksPerGroup: 1 },
  totalSteps,
  batchSize: 4,
  seed: 3,
  dataset: 'shapes-easy',
  checkpointEvery: 3,
  createdAt: 0,
});

/** shapes-easy at 16 px, whose training images turn to NaN from batch `nanFrom` on (4 images a batch, read in order). */
const dataset = (nanFrom = Infinity): LabelledDataset => nanFromBatch(builtinDataset('shapes-easy', 3, 16, { train: 64, val: 8 }), 4, nanFrom);

async function train(s: TokenizerSpec, replay: boolean, ds: LabelledDataset, resumeFrom?: Buffer) {
  const before = tf.memory().numTensors;
  const msgs: FromWorker[] = [];
  const run = new TokenizerRun(s, (m) => msgs.push(m), ds, resumeFrom && new Uint8Array(resumeFrom), { ...DEFAULT_ENGINE, replay });
  await run.run();
  run.dispose();
  expect(tf.memory().numTensors).toBe(before);
  const engine = msgs.flatMap((m) => (m.type === 'tokenizer/engine' ? [[m.engine, m.reason]] : []));
  // Replaying, the first steps run on TF.js while they are traced; else TF.js says why.
  expect(engine.map((e) => e[0])).toEqual(replay ? ['tfjs', 'replay'] : ['tfjs']);
  if (!replay) expect(engine[0]![1]).toMatch(/switched off/);
  return {
    points: msgs.flatMap((m) => (m.type === 'tokenizer/metrics' ? m.points : [])),
    status: msgs.flatMap((m) => (m.type === 'tokenizer/status' ? [m] : [])).at(-1)!,
    checkpoints: await Promise.all(
      msgs.flatMap((m) => (m.type === 'tokenizer/checkpoint' ? [m.bytes.arrayBuffer().then((b) => ({ step: m.step, bytes: Buffer.from(b) }))] : [])),
    ),
  };
}

it('reports every step once and in order, checkpoints the TF.js engine’s bytes, and resumes as the straight run went on', async () => {
  const replay = await train(spec(8), true, dataset());
  const tfjs = await train(spec(8), false, dataset());
  expect(replay.status.status).toBe('done');
  expect(replay.points.map((p) => p.step)).toEqual(Array.from({ length: 8 }, (_, i) => i));
  expect(replay.points).toEqual(tfjs.points);
  expect(replay.checkpoints.map((c) => c.step)).toEqual([0, 3, 6, 8]);
  expect(replay.checkpoints.map((c) => c.step)).toEqual(tfjs.checkpoints.map((c) => c.step));
  replay.checkpoints.forEach((c, i) => expect(c.bytes.equals(tfjs.checkpoints[i]!.bytes), `checkpoint at step ${c.step}`).toBe(true));
  // Resumed at step 3 on the replay: the same steps 3 … 7 and the same final checkpoint (the
  // codebook's usage is counted over a window of the run's own batches, which starts anew).
  const resumed = await train(spec(8), true, dataset(), replay.checkpoints[1]!.bytes);
  const losses = (ps: typeof replay.points) => ps.map((p) => [p.step, p.total, p.reconstruction, p.kl, p.temperature, p.klWeight]);
  expect(losses(resumed.points)).toEqual(losses(replay.points.filter((p) => p.step >= 3)));
  expect(resumed.checkpoints.at(-1)!.bytes.equals(replay.checkpoints.at(-1)!.bytes)).toBe(true);
});

it('ends as diverged at the step whose loss became NaN, keeping the checkpoint the TF.js engine keeps', async () => {
  const replay = await train(spec(12), true, dataset(7));
  const tfjs = await train(spec(12), false, dataset(7));
  for (const r of [replay, tfjs]) {
    expect(r.status).toMatchObject({ status: 'diverged', step: 7, message: expect.stringMatching(/NaN at step 7.*checkpoint from step 6/) });
    expect(r.points.map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  }
  expect(replay.points).toEqual(tfjs.points);
  expect(replay.checkpoints.map((c) => c.step)).toEqual([0, 3, 6]);
  replay.checkpoints.forEach((c, i) => expect(c.bytes.equals(tfjs.checkpoints[i]!.bytes)).toBe(true));
});
