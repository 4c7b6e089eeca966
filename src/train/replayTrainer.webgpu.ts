// The replayed step against the TF.js engine on Dawn over SwiftShader: two trainers from the same
// seed, one stepping through TF.js and one through the replay, give bit-identical losses and
// weights over five steps with drop path on; a replayed step creates no GPU object, and the
// replay leaks no tensor. Each step's losses come back one call late, in order, the last from
// `flush`; a NaN mid-run skips the update on the GPU, and the error a call later names its step
// and leaves the trainer where the TF.js engine's stops.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { Cae } from '../model/cae';
import { preset } from '../model/presets';
import { patternImages } from '../testing/batches';
import { useWebGpuBackend } from '../testing/webgpuNode';
import { countGpuObjects, webgpuBackend } from '../kernels/tfjsInternals';
import { defaultTrainConfig } from './defaults';
import { ReplayTrainer } from './replayTrainer';
import { CaeTrainer, NonFiniteLossError, type StepResult } from './trainer';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await useWebGpuBackend();
});

const CONFIG = { ...preset('micro'), dropPathRate: 0.3 };
const TRAIN = { ...defaultTrainConfig('micro'), batchSize: 4, warmupSteps: 2, seed: 5 };
const STEPS = 5;

async function weights(model: Cae): Promise<Float32Array[]> {
  return Promise.all(model.trainableVars().map(async (v) => (await v.data()) as Float32Array));
}

it('replays the TF.js step bit for bit, with no GPU object made per step and no tensor leaked', async () => {
  const images = patternImages(4, CONFIG.imgSize, 2);
  const engines = [0, 1].map(() => {
    const model = new Cae(CONFIG, 1);
    return { model, trainer: new CaeTrainer(model, TRAIN) };
  });
  const [tfjs, rep] = engines as [(typeof engines)[0], (typeof engines)[0]];
  // The replay's compile runs TF.js steps; the reference runs as many, then the replayed ones.
  const { replay, results } = await ReplayTrainer.compile(rep.trainer, images);
  const reference = [];
  for (let i = 0; i < results.length + STEPS; i++) reference.push(await tfjs.trainer.trainStep({ images }));
  const losses = [...results];
  let tensorsAfterOne = 0;
  const objects: number[] = [];
  const late: (number | null)[] = [];
  for (let i = 0; i < STEPS; i++) {
    const counter = countGpuObjects(webgpuBackend());
    const r = await replay.trainStep({ images });
    const c = counter.counts();
    counter.stop();
    objects.push(c.buffers + c.staging + c.bindGroups + c.pipelines);
    late.push(r && r.step);
    if (r) losses.push(r);
    if (i === 0) tensorsAfterOne = tf.memory().numTensors;
  }
  // One call late: nothing the first time, then the previous step's; the last comes from flush.
  expect(late).toEqual([null, ...Array.from({ length: STEPS - 1 }, (_, i) => results.length + i)]);
  expect(replay.pending).toBe(true);
  losses.push((await replay.flush())!);
  expect(await replay.flush()).toBe(null);
  expect(replay.pending).toBe(false);
  expect(losses.map((l) => l.step)).toEqual(reference.map((r) => r.step));
  expect(tf.memory().numTensors).toBe(tensorsAfterOne);
  expect(objects).toEqual(new Array(STEPS).fill(0));
  expect(replay.stats.submits).toBe(1);
  // Drop path is on: the replay draws its factors itself, in the model's order.
  expect(replay.stats.dropDraws).toBeGreaterThan(0);
  expect(replay.stats.dispatches).toBeGreaterThan(100);
  for (let i = 0; i < reference.length; i++) {
    expect(losses[i]!.step).toBe(reference[i]!.step);
    expect(losses[i]!.total).toBe(reference[i]!.total);
    expect(losses[i]!.gradNorm).toBe(reference[i]!.gradNorm);
    expect(losses[i]!.alignment).toBe(reference[i]!.alignment);
    expect(losses[i]!.reconstruction).toBe(reference[i]!.reconstruction);
    expect(losses[i]!.lr).toBe(reference[i]!.lr);
  }
  replay.sync();
  const [a, b] = [await weights(tfjs.model), await weights(rep.model)];
  a.forEach((w, i) => expect(Buffer.from(b[i]!.buffer).equals(Buffer.from(w.buffer))).toBe(true));
  // The moments too, so a checkpoint of either engine is the same checkpoint.
  const [ma, mb] = [await tfjs.trainer.optimizer.state(), await rep.trainer.optimizer.state()];
  ma.forEach((s, i) => {
    expect(Buffer.from(mb[i]!.m.buffer).equals(Buffer.from(s.m.buffer))).toBe(true);
    expect(Buffer.from(mb[i]!.v.buffer).equals(Buffer.from(s.v.buffer))).toBe(true);
  });
  expect(rep.trainer.optimizer.t).toBe(tfjs.trainer.optimizer.t);
  console.log(`replay of a micro step (batch 4): ${JSON.stringify(replay.stats)}; losses ${losses.map((l) => l.total.toFixed(5)).join(' ')}`);
  replay.dispose();
  for (const e of engines) {
    e.trainer.dispose();
    e.model.dispose();
  }
  images.dispose();
});

it('skips a NaN step on the GPU and names it a call later, leaving the trainer where the TF.js engine stops', async () => {
  const images = patternImages(4, CONFIG.imgSize, 2);
  const nan = tf.fill([4, 3, CONFIG.imgSize, CONFIG.imgSize], NaN) as tf.Tensor4D;
  const engines = [0, 1].map(() => {
    const model = new Cae(CONFIG, 1);
    return { model, trainer: new CaeTrainer(model, TRAIN) };
  });
  const [tfjs, rep] = engines as [(typeof engines)[0], (typeof engines)[0]];
  const { replay, results } = await ReplayTrainer.compile(rep.trainer, images);
  const bad = results.length + 2; // two good replayed steps, then NaN images
  // The TF.js engine: good steps, the NaN step refused at once.
  for (let i = 0; i < bad; i++) await tfjs.trainer.trainStep({ images });
  await expect(tfjs.trainer.trainStep({ images: nan })).rejects.toBeInstanceOf(NonFiniteLossError);
  expect(tfjs.trainer.step).toBe(bad);

  const got: StepResult[] = [...results];
  for (let i = results.length; i < bad; i++) {
    const r = await replay.trainStep({ images });
    if (r) got.push(r);
  }
  // The NaN step is submitted and the last good step's result comes back; the next, already
  // submitted when the NaN is read, is refused with it.
  got.push((await replay.trainStep({ images: nan }))!);
  const tensors = tf.memory().numTensors;
  const error = await replay.trainStep({ images }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NonFiniteLossError);
  expect((error as NonFiniteLossError).step).toBe(bad);
  expect((error as NonFiniteLossError).loss).toBeNaN();
  expect(replay.pending).toBe(false);
  expect(got.map((r) => r.step)).toEqual(Array.from({ length: bad }, (_, i) => i));
  // Step count, AdamW's count and the streams are where the TF.js engine left them.
  expect(rep.trainer.state()).toEqual(tfjs.trainer.state());
  expect(rep.trainer.optimizer.t).toBe(tfjs.trainer.optimizer.t);
  // The weights and moments too: neither the NaN step nor the one after it changed them.
  replay.sync();
  const [a, b] = [await weights(tfjs.model), await weights(rep.model)];
  a.forEach((w, i) => expect(Buffer.from(b[i]!.buffer).equals(Buffer.from(w.buffer))).toBe(true));
  const [ma, mb] = [await tfjs.trainer.optimizer.state(), await rep.trainer.optimizer.state()];
  ma.forEach((s, i) => expect(Buffer.from(mb[i]!.v.buffer).equals(Buffer.from(s.v.buffer))).toBe(true));
  // And the run can go on from there (the GPU's skip flag is cleared): the same next steps.
  const next = [await tfjs.trainer.trainStep({ images }), await tfjs.trainer.trainStep({ images })];
  expect(await replay.trainStep({ images })).toBe(null);
  const again = [(await replay.trainStep({ images }))!, (await replay.flush())!];
  expect(again.map((r) => [r.step, r.total, r.gradNorm])).toEqual(next.map((r) => [r.step, r.total, r.gradNorm]));
  expect(tf.memory().numTensors).toBe(tensors);
  replay.dispose();
  for (const e of engines) {
    e.trainer.dispose();
    e.model.dispose();
  }
  tf.dispose([images, nan]);
});
