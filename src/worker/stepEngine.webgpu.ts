// The worker's step engine on Dawn over SwiftShader: it traces its first steps (each on its own
// batch), then replays; its results match a TF.js trainer fed the same batches bit for bit, the
// model it hands out is the replay's, a TF.js step in between (the profiler's) keeps the two in
// step, checkpoints of either engine are the same bytes and resume in the other, a batch of another
// shape is traced and compiled anew with the weights and moments carried over exactly, plans beyond
// the cache are released, and nothing leaks. Replayed steps' results come one call late: every
// step's comes back exactly once, in order, the last from flush.
import { DEFAULT_ENGINE } from '../train/engine';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { Cae } from '../model/cae';
import { preset } from '../model/presets';
import { patternImages } from '../testing/batches';
import { useWebGpuBackend } from '../testing/webgpuNode';
import { loadCheckpoint, saveCheckpoint } from '../train/checkpoint';
import { defaultTrainConfig } from '../train/defaults';
import { ReplayTrainer } from '../train/replayTrainer';
import { CaeTrainer, type StepResult } from '../train/trainer';
import { MAX_PLANS, StepEngine } from './stepEngine';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await useWebGpuBackend();
});
afterEach(() => void vi.restoreAllMocks());

const CONFIG = { ...preset('micro'), dropPathRate: 0.2 };
const TRAIN = { ...defaultTrainConfig('micro'), batchSize: 2, warmupSteps: 1, seed: 9 };

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Results, weights, moments and the optimizer's step count of `got` equal the reference's, bit for bit. */
async function expectSame(got: StepResult[], ref: StepResult[], a: CaeTrainer, b: CaeTrainer): Promise<void> {
  expect(got.length).toBe(ref.length);
  got.forEach((g, i) =>
    expect([g.step, g.total, g.reconstruction, g.alignment, g.gradNorm, g.lr]).toEqual([
      ref[i]!.step,
      ref[i]!.total,
      ref[i]!.reconstruction,
      ref[i]!.alignment,
      ref[i]!.gradNorm,
      ref[i]!.lr,
    ]),
  );
  const [va, vb] = [a.model.trainableVars(), b.model.trainableVars()];
  for (let i = 0; i < va.length; i++) expect(bytes((await vb[i]!.data()) as Float32Array).equals(bytes((await va[i]!.data()) as Float32Array))).toBe(true);
  const [ma, mb] = [await a.optimizer.state(), await b.optimizer.state()];
  ma.forEach((s, i) => {
    expect(bytes(mb[i]!.m).equals(bytes(s.m))).toBe(true);
    expect(bytes(mb[i]!.v).equals(bytes(s.v))).toBe(true);
  });
  expect(b.optimizer.t).toBe(a.optimizer.t);
}

/** The TF.js engine's results on batches 0 … n−1. */
async function tfjsSteps(trainer: CaeTrainer, batch: (i: number) => tf.Tensor4D, n: number): Promise<StepResult[]> {
  const out: StepResult[] = [];
  for (let i = 0; i < n; i++) {
    const images = batch(i);
    out.push(await trainer.trainStep({ images }));
    images.dispose();
  }
  return out;
}

it('replays after its first steps, matches TF.js on the same batches, and leaks nothing', async () => {
  const batch = (i: number) => patternImages(2, CONFIG.imgSize, 100 + i);
  const make = () => new CaeTrainer(new Cae(CONFIG, 2), TRAIN);
  const ref = make();
  const trainer = make();
  const chosen: string[] = [];
  const engine = new StepEngine(trainer, DEFAULT_ENGINE, (name, reason) => chosen.push(`${name} ${reason ?? ''}`));
  let fed = 0;
  const next = () => batch(fed++);
  const got: StepResult[] = [];
  const tracing: boolean[] = [];
  while (engine.name !== 'replay') {
    got.push(...(await engine.steps(next)));
    tracing.push(engine.tracingNow);
    expect(got.length).toBeLessThanOrEqual(4);
  }
  // Warming up (the page's "compiling shaders / tracing the step") until the replay took over.
  expect(tracing.at(0)).toBe(true);
  expect(tracing.at(-1)).toBe(false);
  // The traced steps ran on TF.js, and said so.
  expect(chosen).toEqual([expect.stringMatching(/^tfjs tracing the step for batches of 2/), 'replay ']);
  expect(got.length).toBeGreaterThanOrEqual(2);
  const tensors = tf.memory().numTensors;
  // The first replayed step's result comes with the second's call.
  expect(await engine.steps(next)).toEqual([]);
  got.push(...(await engine.steps(next)));
  // The profiler's step runs on TF.js between two replayed ones, once the one in flight is in.
  const images = next();
  await expect(engine.viaTfjs(() => trainer.trainStep({ images }))).rejects.toThrow(/flush first/);
  got.push(...(await engine.flush()));
  got.push(await engine.viaTfjs(() => trainer.trainStep({ images })));
  images.dispose();
  expect(await engine.steps(next)).toEqual([]);
  got.push(...(await engine.steps(next)));
  got.push(...(await engine.flush()));
  expect(await engine.flush()).toEqual([]);
  expect(tf.memory().numTensors).toBe(tensors);
  expect(got.map((r) => r.step)).toEqual(Array.from({ length: fed }, (_, i) => i));

  await expectSame(got, await tfjsSteps(ref, batch, fed), ref, engine.model());

  // Checkpoints: both engines write the same bytes, so each resumes the other's; a replay resumed
  // from TF.js's file and TF.js resumed from the replay's go on bit for bit alike.
  const [fromTfjs, fromReplay] = [await saveCheckpoint(ref), await saveCheckpoint(engine.model())];
  expect(Buffer.from(fromReplay).equals(Buffer.from(fromTfjs))).toBe(true);
  const [tfjsResumed, replayResumed] = [loadCheckpoint(fromReplay).trainer, loadCheckpoint(fromTfjs).trainer];
  const resumed = new StepEngine(replayResumed, DEFAULT_ENGINE);
  const replayed = vi.spyOn(ReplayTrainer.prototype, 'trainStep');
  const gotR: StepResult[] = [];
  const wantR: StepResult[] = [];
  while (replayed.mock.calls.length < 1) {
    gotR.push(...(await resumed.steps(next)));
    const images = batch(fed - 1);
    wantR.push(await tfjsResumed.trainStep({ images }));
    images.dispose();
    expect(gotR.length).toBeLessThanOrEqual(5);
  }
  gotR.push(...(await resumed.flush()));
  expect(gotR[0]!.step).toBe(got.length);
  await expectSame(gotR, wantR, tfjsResumed, resumed.model());
  resumed.dispose();
  engine.dispose();
  for (const t of [ref, trainer, tfjsResumed, replayResumed]) {
    t.dispose();
    t.model.dispose();
  }
});

it('traces and compiles a replay for each batch shape, carrying the weights and moments over exactly', async () => {
  // Batch sizes in the order they arrive: 2 compiles, 3 compiles beside it, each is replayed again
  // after the other (no new trace), 1 compiles and evicts 2 (used least recently), so 2 is traced
  // anew while 3 still replays.
  const sizes = [2, 2, 2, 3, 3, 3, 2, 3, 1, 1, 1, 2, 3];
  const batch = (i: number) => patternImages(sizes[i]!, CONFIG.imgSize, 300 + i);
  const make = () => new CaeTrainer(new Cae(CONFIG, 3), TRAIN);
  const ref = make();
  const trainer = make();
  const compiled = vi.spyOn(ReplayTrainer, 'fromTraces');
  const disposed = vi.spyOn(ReplayTrainer.prototype, 'dispose');
  const replayed = vi.spyOn(ReplayTrainer.prototype, 'trainStep');
  const engines: string[] = [];
  const engine = new StepEngine(trainer, DEFAULT_ENGINE);
  const t0 = performance.now();
  let fed = 0;
  const got: StepResult[] = [];
  let tensors = 0;
  for (let i = 0; i < sizes.length; i++) {
    const before = replayed.mock.calls.length;
    got.push(...(await engine.steps(() => batch(fed++))));
    engines.push(`${sizes[i]}${replayed.mock.calls.length > before ? 'r' : 't'}`);
    if (i === 0) tensors = tf.memory().numTensors;
  }
  got.push(...(await engine.flush()));
  console.log(`engine across batch sizes (r replayed, t TF.js): ${engines.join(' ')}; ${(performance.now() - t0).toFixed(0)} ms`);
  expect(tf.memory().numTensors).toBe(tensors);
  // Each shape compiled once its traced steps agreed, and ran replayed when it came back.
  expect(compiled).toHaveBeenCalledTimes(3);
  expect(engines.slice(6, 8)).toEqual(['2r', '3r']);
  expect(engines.slice(-2)).toEqual(['2t', '3r']);
  expect(engine.compiledShapes).toEqual([`1×3×32×32`, `3×3×32×32`]);
  expect(MAX_PLANS).toBe(2);
  // The evicted plan was released when the third compiled.
  expect(disposed).toHaveBeenCalledTimes(1);

  await expectSame(got, await tfjsSteps(ref, batch, fed), ref, engine.model());
  engine.dispose();
  expect(disposed).toHaveBeenCalledTimes(3);
  for (const t of [ref, trainer]) {
    t.dispose();
    t.model.dispose();
  }
});
