// A whole CAE train step with the fused kernels against the same step on the plain ops, both on
// WebGPU (Dawn over SwiftShader here): losses, gradient norms and weights agree over several steps,
// checkpoints of the fused optimizer round-trip, and no tensor outlives a step.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Cae } from '../model/cae';
import { numMasked, numPatches } from '../model/config';
import { maskIndices } from '../model/masks';
import { preset } from '../model/presets';
import { patternImages } from '../testing/batches';
import { maxRelDiff } from '../testing/compare';
import { useWebGpuBackend } from '../testing/webgpuNode';
import { defaultTrainConfig } from '../train/defaults';
import { CaeTrainer, type StepResult } from '../train/trainer';
import { kernelChoice, useKernels } from './ops';
import { numDataIds, pipelineKeys } from './tfjsInternals';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await useWebGpuBackend();
});

const CONFIG = { ...preset('micro'), dropPathRate: 0.1 };
const TRAIN = { ...defaultTrainConfig('micro'), batchSize: 3, warmupSteps: 1, seed: 7 };

async function train(fused: boolean, steps: number): Promise<{ results: StepResult[]; weights: Float32Array[]; trainer: CaeTrainer }> {
  useKernels({ ...kernelChoice(), fused });
  try {
    const model = new Cae(CONFIG, 3);
    const trainer = new CaeTrainer(model, TRAIN);
    const images = patternImages(3, CONFIG.imgSize, 5);
    const results: StepResult[] = [];
    for (let i = 0; i < steps; i++) results.push(await trainer.trainStep({ images }));
    images.dispose();
    const weights = await Promise.all(trainer.optimizer.params.map((p) => p.variable.data() as Promise<Float32Array>));
    return { results, weights, trainer };
  } finally {
    useKernels({ ...kernelChoice(), fused: true });
  }
}

describe('a train step with the fused kernels', () => {
  it('matches the plain ops over several steps, with drop path on', async () => {
    const fused = await train(true, 3);
    const plain = await train(false, 3);
    fused.results.forEach((r, i) => {
      const p = plain.results[i]!;
      expect(Math.abs(r.total - p.total) / p.total).toBeLessThan(1e-4);
      expect(Math.abs(r.gradNorm - p.gradNorm) / p.gradNorm).toBeLessThan(1e-3);
    });
    expect(fused.results[2]!.total).not.toBe(fused.results[0]!.total); // it did train
    // The regressor's norm1_k.bias has an analytically zero gradient (softmax ignores a shift
    // shared by all keys): both paths hold only round-off there, which Adam scales up to ±lr steps
    // of arbitrary sign. Every other parameter must agree.
    const names = fused.trainer.optimizer.params.map((p) => p.name);
    const diffs = fused.weights.map((w, i) => (names[i]!.endsWith('norm1_k.bias') ? 0 : maxRelDiff(w, plain.weights[i]!)));
    const worst = Math.max(...diffs);
    expect(worst).toBeLessThan(1e-4);
    for (const x of [fused, plain]) {
      x.trainer.optimizer.dispose();
      x.trainer.model.dispose();
    }
  });

  it('on the tiled matmul (fc1 + GELU fused), matches the plain ops over two steps', async () => {
    useKernels({ ...kernelChoice(), tiledMatmul: true });
    const tiled = await train(true, 2).finally(() => useKernels({ ...kernelChoice(), tiledMatmul: false }));
    const plain = await train(false, 2);
    tiled.results.forEach((r, i) => {
      const p = plain.results[i]!;
      expect(Math.abs(r.total - p.total) / p.total).toBeLessThan(1e-4);
      expect(Math.abs(r.gradNorm - p.gradNorm) / p.gradNorm).toBeLessThan(1e-3);
    });
    for (const x of [tiled, plain]) {
      x.trainer.optimizer.dispose();
      x.trainer.model.dispose();
    }
  });

  it('hands its optimizer state to the plain path and back: the next steps agree', async () => {
    const { trainer: fused } = await train(true, 3);
    const saved = await fused.optimizer.state();
    const moments = new Map(saved.map((s) => [s.name, { m: s.m, v: s.v }]));
    const weights = await Promise.all(fused.optimizer.params.map((p) => p.variable.data() as Promise<Float32Array>));
    // A plain trainer from the fused one's weights, moments and streams, and the reverse.
    useKernels({ ...kernelChoice(), fused: false });
    const plainModel = new Cae(CONFIG, 3);
    const plain = new CaeTrainer(plainModel, TRAIN);
    useKernels({ ...kernelChoice(), fused: true });
    plain.optimizer.params.forEach((p, i) => p.variable.assign(tf.tensor(weights[i]!, p.variable.shape)));
    plain.optimizer.load(fused.optimizer.t, moments);
    plain.restore(fused.state());
    const images = patternImages(3, CONFIG.imgSize, 5);
    const a = await fused.trainStep({ images });
    useKernels({ ...kernelChoice(), fused: false });
    const b = await plain.trainStep({ images });
    const back = await plain.optimizer.state();
    useKernels({ ...kernelChoice(), fused: true });
    expect(Math.abs(a.total - b.total) / b.total).toBeLessThan(1e-4);
    const fusedAfter = await fused.optimizer.state();
    back.forEach((x, i) => {
      if (x.name.endsWith('norm1_k.bias')) return; // analytically zero gradient: round-off only
      expect(maxRelDiff(fusedAfter[i]!.v, x.v)).toBeLessThan(1e-3);
    });
    fused.optimizer.load(plain.optimizer.t, new Map(back.map((x) => [x.name, { m: x.m, v: x.v }])));
    const again = await fused.optimizer.state();
    again.forEach((x, i) => expect(x.m).toEqual(back[i]!.m));
    images.dispose();
    for (const t of [fused, plain]) {
      t.optimizer.dispose();
      t.model.dispose();
    }
  });

  it('compiles no new kernel for another batch size or mask count (a new shape costs no stall)', async () => {
    const pipelines = () => pipelineKeys().filter((k) => k.startsWith('cae'));
    const model = new Cae(CONFIG, 3);
    const trainer = new CaeTrainer(model, TRAIN);
    const N = numPatches(CONFIG);
    // Every sample masks its first `masked` patches (the lab's painted masks have any count).
    const firstPatches = (B: number, masked: number) => Uint8Array.from({ length: B * N }, (_, i) => Number(i % N < masked));
    const step = async (B: number, masked: number) => {
      const images = patternImages(B, CONFIG.imgSize, 5);
      await trainer.trainStep({ images, mask: firstPatches(B, masked) });
      images.dispose();
    };
    await step(3, numMasked(CONFIG));
    const known = new Set(pipelines());
    expect(known.size).toBeGreaterThan(20);
    await step(2, numMasked(CONFIG) - 3);
    // The lab: one image, no gradient, a painted mask.
    const image = patternImages(1, CONFIG.imgSize, 6);
    const out = tf.tidy(() => model.predict(image, maskIndices(firstPatches(1, numMasked(CONFIG) + 2), 1, N)).logits);
    await out.data();
    tf.dispose([out, image]);
    expect(pipelines().filter((k) => !known.has(k))).toEqual([]);
    trainer.optimizer.dispose();
    model.dispose();
  });

  it('keeps the tensor count flat and restores its optimizer state exactly', async () => {
    const { trainer } = await train(true, 2);
    const images = patternImages(3, CONFIG.imgSize, 5);
    await trainer.trainStep({ images });
    const before = tf.memory().numTensors;
    const buffers = numDataIds();
    await trainer.trainStep({ images });
    expect(tf.memory().numTensors).toBe(before);
    expect(numDataIds()).toBe(buffers);

    const saved = await trainer.optimizer.state();
    const moments = new Map(saved.map((s) => [s.name, { m: s.m, v: s.v }]));
    trainer.optimizer.load(trainer.optimizer.t, moments);
    const again = await trainer.optimizer.state();
    again.forEach((s, i) => {
      expect(s.m).toEqual(saved[i]!.m);
      expect(s.v).toEqual(saved[i]!.v);
    });
    expect(saved.some((s) => s.v.some((x) => x > 0))).toBe(true);
    images.dispose();
    trainer.optimizer.dispose();
    trainer.model.dispose();
  });
});
