// The tokenizer's replayed step against its TF.js engine on Dawn over SwiftShader: two trainers
// from the same seed, fed the same batches, one stepping through TF.js and one through the replay,
// give bit-identical losses, codes, weights and moments while the temperature anneals and the KL
// weight warms up (each replayed step has its own τ and β); the compiler's own diff of the two
// traced steps sees the noise, τ and β change, and the plan takes all three as per-step uploads;
// a replayed step makes no GPU object and leaks no tensor, and dispose frees every buffer the
// compile made. A NaN batch is refused a call late, leaving the trainer where TF.js stops.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { classifyBuffers, firstDifference } from '../kernels/replay/classify';
import { countGpuObjects, webgpuBackend } from '../kernels/tfjsInternals';
import { Dvae } from '../model/dvae';
import type { DvaeConfig } from '../model/dvaeConfig';
import { patternImages } from '../testing/batches';
import { useWebGpuBackend } from '../testing/webgpuNode';
import { DvaeReplay, type TracedDvaeStep } from './dvaeReplay';
import { type DvaeTrainConfig, dvaeTrainConfig } from './dvaeSchedule';
import { type DvaeStepResult, DvaeTrainer } from './dvaeTrainer';
import { DEFAULT_ENGINE, applyEngine } from './engine';
import { NonFiniteLossError } from './trainer';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await useWebGpuBackend();
  applyEngine(DEFAULT_ENGINE);
});

const CONFIG: DvaeConfig = { imgSize: 16, downsample: 4, vocabSize: 16, hiddenDim: 2, blocksPerGroup: 1 };
// τ anneals and β warms up over every step below, so no two steps share either; clipping on.
const TRAIN: DvaeTrainConfig = {
  ...dvaeTrainConfig(40, { seed: 3, batchSize: 4 }),
  baseLr: 3e-3,
  baseBatch: 4,
  clipGrad: 1,
  tempAnnealSteps: 14,
  klWarmupSteps: 14,
};
const STEPS = 5;
const batchAt = (i: number) => patternImages(4, CONFIG.imgSize, 10 + i);

const engines = () =>
  [0, 1].map(() => {
    const model = new Dvae(CONFIG, 7);
    return { model, trainer: new DvaeTrainer(model, TRAIN) };
  }) as [{ model: Dvae; trainer: DvaeTrainer }, { model: Dvae; trainer: DvaeTrainer }];

async function same(x: DvaeTrainer, y: DvaeTrainer): Promise<void> {
  const read = (t: DvaeTrainer) => Promise.all(t.optimizer.params.map(async (p) => Buffer.from(((await p.variable.data()) as Float32Array).buffer)));
  const [a, b] = [await read(x), await read(y)];
  a.forEach((w, i) => expect(b[i]!.equals(w)).toBe(true));
  const [ma, mb] = [await x.optimizer.state(), await y.optimizer.state()];
  ma.forEach((s, i) => {
    expect(Buffer.from(mb[i]!.m.buffer).equals(Buffer.from(s.m.buffer))).toBe(true);
    expect(Buffer.from(mb[i]!.v.buffer).equals(Buffer.from(s.v.buffer))).toBe(true);
  });
  expect(y.optimizer.t).toBe(x.optimizer.t);
  expect(y.state()).toEqual(x.state());
}

async function stepWith<T>(trainStep: (b: { images: tf.Tensor4D }) => Promise<T>, i: number): Promise<T> {
  const images = batchAt(i);
  try {
    return await trainStep({ images });
  } finally {
    images.dispose();
  }
}

it('replays the tokenizer step bit for bit across the anneal, with τ, β and the noise as per-step inputs, and frees what it made', async () => {
  const tensorsAtStart = tf.memory().numTensors;
  const [tfjs, rep] = engines();
  // Traced TF.js steps until two agree (the first fills the pool), as DvaeReplay.compile does.
  const recorder = DvaeReplay.recorder();
  const traced: { result: DvaeStepResult; step: TracedDvaeStep }[] = [];
  while (traced.length < 2 || firstDifference(traced.at(-2)!.step.trace, traced.at(-1)!.step.trace)) {
    expect(traced.length).toBeLessThan(4);
    traced.push(await stepWith((b) => DvaeReplay.traceStep(rep.trainer, recorder, b.images), traced.length));
  }
  const [a, b] = traced.slice(-2) as [(typeof traced)[0], (typeof traced)[0]];
  // The compiler's own diff of the two steps: the uploads of the noise, τ and β differ.
  const named = b.step.trace.events.filter((e) => e.kind === 'upload').map((e) => (e.kind === 'upload' && b.step.notes.get(e.source as object)) || null);
  const differing = classifyBuffers(a.step.trace, b.step.trace).uploadsDiffering;
  for (const name of ['gumbel', 'temperature', 'klWeight']) {
    const k = named.findIndex((w) => w?.kind === 'input' && w.name === name);
    expect(k, `the step uploads its ${name}`).toBeGreaterThanOrEqual(0);
    expect(differing).toContain(k);
  }
  const counter = countGpuObjects(webgpuBackend());
  const replay = DvaeReplay.fromTraces(rep.trainer, recorder, a.step, b.step, b.result);
  const made = counter.counts();
  counter.stop();
  expect(replay.stats.uploads.sort()).toEqual(['gumbel', 'klWeight', 'temperature']);

  const reference: DvaeStepResult[] = [];
  for (let i = 0; i < traced.length + STEPS; i++) reference.push(await stepWith((x) => tfjs.trainer.trainStep(x), i));
  const got = traced.map((t) => t.result);
  const objects: number[] = [];
  let tensorsAfterOne = 0;
  for (let i = traced.length; i < traced.length + STEPS; i++) {
    const c = countGpuObjects(webgpuBackend());
    const r = await stepWith((x) => replay.trainStep(x), i);
    const n = c.counts();
    c.stop();
    objects.push(n.buffers + n.staging + n.bindGroups + n.pipelines);
    if (r) got.push(r);
    if (i === traced.length) tensorsAfterOne = tf.memory().numTensors;
  }
  got.push((await replay.flush())!);
  expect(tf.memory().numTensors).toBe(tensorsAfterOne);
  expect(objects).toEqual(new Array(STEPS).fill(0));
  expect(got.map((r) => r.step)).toEqual(reference.map((r) => r.step));
  got.forEach((r, i) => {
    const want = reference[i]!;
    for (const k of ['total', 'reconstruction', 'kl', 'gradNorm', 'lr', 'temperature', 'klWeight', 'perplexity'] as const)
      expect(r[k], `step ${i} ${k}`).toBe(want[k]);
    expect(Array.from(r.codes), `step ${i} codes`).toEqual(Array.from(want.codes));
  });
  // The anneal ran through the replayed steps: every step its own τ (falling) and β (rising).
  const replayed = got.slice(traced.length);
  for (let i = 1; i < replayed.length; i++) {
    expect(replayed[i]!.temperature).toBeLessThan(replayed[i - 1]!.temperature);
    expect(replayed[i]!.klWeight).toBeGreaterThan(replayed[i - 1]!.klWeight);
  }
  replay.sync();
  await same(tfjs.trainer, rep.trainer);
  console.log(
    `tokenizer replay (16 px, K 16, batch 4): ${JSON.stringify(replay.stats)}; totals ${got.map((r) => r.total.toFixed(5)).join(' ')}; τ ${replayed.map((r) => r.temperature.toFixed(3)).join(' ')}`,
  );

  // Dispose destroys every buffer the compile made (arena, state, slots, uniforms, read-backs).
  const destroy = GPUBuffer.prototype.destroy;
  let destroyed = 0;
  GPUBuffer.prototype.destroy = function (this: GPUBuffer) {
    destroyed++;
    destroy.call(this);
  };
  try {
    replay.dispose();
  } finally {
    GPUBuffer.prototype.destroy = destroy;
  }
  expect(destroyed).toBe(made.buffers + made.staging);
  for (const e of [tfjs, rep]) {
    e.trainer.dispose();
    e.model.dispose();
  }
  expect(tf.memory().numTensors).toBe(tensorsAtStart);
});

it('refuses a NaN batch a call late, leaving the trainer where the TF.js engine stops, and goes on from there', async () => {
  const [tfjs, rep] = engines();
  let n = 0;
  const { replay, results } = await DvaeReplay.compile(rep.trainer, () => batchAt(n++));
  const bad = results.length + 1; // one good replayed step, then NaN images
  for (let i = 0; i < bad; i++) await stepWith((x) => tfjs.trainer.trainStep(x), i);
  const nan = tf.fill([4, 3, CONFIG.imgSize, CONFIG.imgSize], NaN) as tf.Tensor4D;
  await expect(tfjs.trainer.trainStep({ images: nan })).rejects.toBeInstanceOf(NonFiniteLossError);

  expect(await stepWith((x) => replay.trainStep(x), results.length)).toBe(null);
  expect((await replay.trainStep({ images: nan }))!.step).toBe(results.length);
  const error = await stepWith((x) => replay.trainStep(x), bad).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NonFiniteLossError);
  expect((error as NonFiniteLossError).step).toBe(bad);
  expect(replay.pending).toBe(false);
  // Step count, AdamW's count, the noise stream, weights and moments: where TF.js left them.
  replay.sync();
  await same(tfjs.trainer, rep.trainer);
  // The GPU's skip flag is cleared: the next steps are the TF.js engine's.
  const next = [await stepWith((x) => tfjs.trainer.trainStep(x), bad), await stepWith((x) => tfjs.trainer.trainStep(x), bad + 1)];
  expect(await stepWith((x) => replay.trainStep(x), bad)).toBe(null);
  const again = [(await stepWith((x) => replay.trainStep(x), bad + 1))!, (await replay.flush())!];
  expect(again.map((r) => [r.step, r.total, r.gradNorm, r.temperature])).toEqual(next.map((r) => [r.step, r.total, r.gradNorm, r.temperature]));
  replay.dispose();
  nan.dispose();
  for (const e of [tfjs, rep]) {
    e.trainer.dispose();
    e.model.dispose();
  }
});
