// The worker's step engine on Dawn over SwiftShader: it compiles the replay from its first steps
// (each on its own batch), then replays; its results match a TF.js trainer fed the same batches
// bit for bit, the model it hands out is the replay's, a TF.js step in between (the profiler's)
// keeps the two in step, and nothing leaks. Replayed steps' results come one call late: every
// step's comes back exactly once, in order, the last from flush.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { Cae } from '../model/cae';
import { preset } from '../model/presets';
import { patternImages } from '../testing/batches';
import { useWebGpuBackend } from '../testing/webgpuNode';
import { defaultTrainConfig } from '../train/defaults';
import { CaeTrainer, type StepResult } from '../train/trainer';
import { StepEngine } from './stepEngine';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await useWebGpuBackend();
});

const CONFIG = { ...preset('micro'), dropPathRate: 0.2 };
const TRAIN = { ...defaultTrainConfig('micro'), batchSize: 2, warmupSteps: 1, seed: 9 };

it('replays after its first steps, matches TF.js on the same batches, and leaks nothing', async () => {
  const batch = (i: number) => patternImages(2, CONFIG.imgSize, 100 + i);
  const make = () => new CaeTrainer(new Cae(CONFIG, 2), TRAIN);
  const ref = make();
  const trainer = make();
  const chosen: string[] = [];
  const engine = new StepEngine(trainer, true, (name, reason) => chosen.push(`${name} ${reason}`));
  let fed = 0;
  const next = () => batch(fed++);
  const got: StepResult[] = [];
  got.push(...(await engine.steps(next)));
  expect(chosen).toEqual(['replay null']);
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

  for (let i = 0; i < fed; i++) {
    const images = batch(i);
    const r = await ref.trainStep({ images });
    images.dispose();
    expect([got[i]!.step, got[i]!.total, got[i]!.gradNorm]).toEqual([r.step, r.total, r.gradNorm]);
  }
  const [a, b] = [ref.model.trainableVars(), engine.model().model.trainableVars()];
  for (let i = 0; i < a.length; i++) expect(Buffer.from((await b[i]!.data()).buffer).equals(Buffer.from((await a[i]!.data()).buffer))).toBe(true);
  engine.dispose();
  for (const t of [ref, trainer]) {
    t.dispose();
    t.model.dispose();
  }
});
