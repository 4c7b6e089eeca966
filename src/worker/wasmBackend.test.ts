// The WASM fallback (src/worker/backend.ts) runs the model's training step: every kernel the step
// uses exists in tfjs-backend-wasm 4.22, its losses match the CPU backend's, and it leaks nothing.
// Node loads the same package the browser's worker does (../testing/wasmNode.ts).
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { Cae } from '../model/cae';
import { MICRO } from '../model/presets';
import { patternImages } from '../testing/batches';
import { useWasmBackend } from '../testing/wasmNode';
import { PAPER_TRAIN, type TrainConfig } from '../train/config';
import { CaeTrainer } from '../train/trainer';

const TRAIN: TrainConfig = { ...PAPER_TRAIN, seed: 3, batchSize: 8, baseLr: 2e-3, baseBatch: 8, totalSteps: 20, warmupSteps: 2 };

/** Losses of `n` steps of micro from one seed on the active backend, with the tensors left after one step and after all. */
async function losses(n: number): Promise<{ totals: number[]; after1: number; afterN: number; msPerStep: number }> {
  const model = new Cae({ ...MICRO, dropPathRate: 0.1 }, TRAIN.seed);
  const trainer = new CaeTrainer(model, TRAIN);
  const images = patternImages(8, MICRO.imgSize, 1);
  const totals: number[] = [];
  let after1 = 0;
  let t0 = 0;
  for (let i = 0; i < n; i++) {
    totals.push((await trainer.trainStep({ images })).total);
    if (i === 0) {
      after1 = tf.memory().numTensors;
      t0 = performance.now(); // the first step builds kernels: timed from the second
    }
  }
  const msPerStep = (performance.now() - t0) / (n - 1);
  const afterN = tf.memory().numTensors;
  images.dispose();
  trainer.dispose();
  model.dispose();
  return { totals, after1, afterN, msPerStep };
}

describe('the WASM backend', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('trains micro with the losses of the CPU backend, leaking nothing', async () => {
    const cpu = await losses(12);
    await useWasmBackend();
    expect(tf.getBackend()).toBe('wasm');
    // A kernel missing on WASM throws here, naming it ("Kernel 'X' not registered for backend 'wasm'").
    const wasm = await losses(12);
    console.log(`micro on wasm: ${wasm.totals.map((l) => l.toFixed(4)).join(' ')}`);
    console.log(
      `micro step, batch 8, Node: wasm ${wasm.msPerStep.toFixed(0)} ms, cpu ${cpu.msPerStep.toFixed(0)} ms (${(cpu.msPerStep / wasm.msPerStep).toFixed(1)}×)`,
    );
    expect(wasm.totals.every(Number.isFinite)).toBe(true);
    expect(wasm.afterN).toBe(wasm.after1);
    // Same seed, same masks, same init: float32 sums in another order drift a little over the steps.
    for (let i = 0; i < 12; i++) expect(Math.abs(wasm.totals[i]! - cpu.totals[i]!)).toBeLessThan(2e-3 * Math.max(1, cpu.totals[i]!));
    expect(wasm.totals[11]!).toBeLessThan(wasm.totals[0]!);
  });
});
