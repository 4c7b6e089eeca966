// The tokenizer's step on WebGPU (Dawn over SwiftShader), with the engine's default kernels: the
// fused linear and the fused AdamW (its GPU-side clip and read-back path, dispatchStep/finishStep).
// The step's loss equals the model's loss computed on the same batch and Gumbel noise, the losses
// fall, and the step leaks no tensor.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { Dvae } from '../model/dvae';
import type { DvaeConfig } from '../model/dvaeConfig';
import { GumbelNoise } from '../model/gumbel';
import { tokenizerPixels } from '../model/tokenTargets';
import { patternImages } from '../testing/batches';
import { useWebGpuBackend } from '../testing/webgpuNode';
import { DEFAULT_ENGINE, applyEngine } from './engine';
import { dvaeTrainConfig, klWeightAt, temperatureAt } from './dvaeSchedule';
import { DvaeTrainer } from './dvaeTrainer';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await useWebGpuBackend();
  applyEngine(DEFAULT_ENGINE);
});

const CONFIG: DvaeConfig = { imgSize: 16, downsample: 4, vocabSize: 16, hiddenDim: 2, blocksPerGroup: 1 };

it('a tokenizer step on WebGPU: the loss of its batch and noise, falling, no leaks', async () => {
  // τ held at 1 and β at 0 so that the loss on a fixed batch can only fall (a cold τ makes it noisy).
  const train = { ...dvaeTrainConfig(12, { seed: 3, batchSize: 4 }), clipGrad: 1, baseLr: 3e-3, baseBatch: 4, tempEnd: 1, klWeight: 0 };
  const model = new Dvae(CONFIG, 3);
  const trainer = new DvaeTrainer(model, train);
  expect(trainer.optimizer.fused).not.toBeNull();
  const images = patternImages(4, 16, 1);
  // The trainer's first noise, drawn independently from the same stream.
  const noise = new GumbelNoise(train.seed ^ 0x6b5e1).sample(4 * 16 * 16);
  const want = tf.tidy(
    () =>
      model.loss(tokenizerPixels(images, 16), { gumbel: tf.tensor3d(noise, [4, 16, 16]), temperature: temperatureAt(train, 0) }, klWeightAt(train, 0)).total,
  );
  const first = await trainer.trainStep({ images });
  expect(first.total).toBeCloseTo((await want.data())[0]!, 5);
  want.dispose();
  const after1 = tf.memory().numTensors;
  const totals = [first.total];
  for (let i = 1; i < 12; i++) totals.push((await trainer.trainStep({ images })).total);
  expect(tf.memory().numTensors).toBe(after1);
  expect(totals.every(Number.isFinite)).toBe(true);
  expect(totals[11]!).toBeLessThan(totals[0]!);
  images.dispose();
  trainer.dispose();
  model.dispose();
});
