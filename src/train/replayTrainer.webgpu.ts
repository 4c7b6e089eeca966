// The replayed step against the TF.js engine on Dawn over SwiftShader: two trainers from the same
// seed, one stepping through TF.js and one through the replay, give bit-identical losses and
// weights over five steps with drop path on; a replayed step creates no GPU object, and the
// replay leaks no tensor.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { Cae } from '../model/cae';
import { preset } from '../model/presets';
import { patternImages } from '../testing/batches';
import { useWebGpuBackend } from '../testing/webgpuNode';
import { countGpuObjects, webgpuBackend } from '../kernels/tfjsInternals';
import { defaultTrainConfig } from './defaults';
import { ReplayTrainer } from './replayTrainer';
import { CaeTrainer } from './trainer';

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
  for (let i = 0; i < STEPS; i++) {
    const counter = countGpuObjects(webgpuBackend());
    losses.push(await replay.trainStep({ images }));
    const c = counter.counts();
    counter.stop();
    objects.push(c.buffers + c.staging + c.bindGroups + c.pipelines);
    if (i === 0) tensorsAfterOne = tf.memory().numTensors;
  }
  expect(tf.memory().numTensors).toBe(tensorsAfterOne);
  expect(objects).toEqual(new Array(STEPS).fill(0));
  // Drop path is on: the replay draws its factors itself, in the model's order.
  expect(replay.stats.dropDraws).toBeGreaterThan(0);
  expect(replay.stats.dispatches).toBeGreaterThan(100);
  for (let i = 0; i < reference.length; i++) {
    expect(losses[i]!.step).toBe(reference[i]!.step);
    expect(losses[i]!.total).toBe(reference[i]!.total);
    expect(losses[i]!.gradNorm).toBe(reference[i]!.gradNorm);
    expect(losses[i]!.alignment).toBe(reference[i]!.alignment);
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
