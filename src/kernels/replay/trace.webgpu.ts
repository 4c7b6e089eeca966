// The trace recorder on two consecutive micro training steps (Dawn over SwiftShader here): it sees
// every dispatch the benchmark's meter counts, the two steps run the same pipelines in the same
// order, and the diff finds both kept and per-step buffers and the step's changing inputs.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { Cae } from '../../model/cae';
import { preset } from '../../model/presets';
import { patternImages } from '../../testing/batches';
import { StepMeter } from '../../testing/stepMeter';
import { useWebGpuBackend } from '../../testing/webgpuNode';
import { defaultTrainConfig } from '../../train/defaults';
import { CaeTrainer } from '../../train/trainer';
import { gpuDevice, gpuQueue, webgpuBackend } from '../tfjsInternals';
import { classifyBuffers, eventShape, firstDifference } from './classify';
import { TraceRecorder } from './trace';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await useWebGpuBackend();
});

// Drop path on, so each step uploads its own drop-path factors beside its masks.
const CONFIG = { ...preset('micro'), dropPathRate: 0.1 };
const TRAIN = { ...defaultTrainConfig('micro'), batchSize: 4, warmupSteps: 1, seed: 3 };

it('records every dispatch of a step, and two steps trace the same dispatch list', async () => {
  const model = new Cae(CONFIG, 1);
  const trainer = new CaeTrainer(model, TRAIN);
  const images = patternImages(4, CONFIG.imgSize, 2);
  // The first steps compile the pipelines and fill the buffer pool.
  for (let i = 0; i < 2; i++) await trainer.trainStep({ images });
  const backend = webgpuBackend();
  const before = { bind: gpuDevice().createBindGroup, write: gpuQueue().writeBuffer, unmap: GPUBuffer.prototype.unmap };
  const meter = new StepMeter(backend, false);
  const recorder = new TraceRecorder(backend);
  const steps = [];
  for (let i = 0; i < 2; i++) steps.push(await meter.measure(() => recorder.record(() => trainer.trainStep({ images }))));
  meter.stop();
  const [a, b] = steps.map((s) => s.result.trace);
  const dispatchCount = steps[1]!.cost.dispatches;

  for (const { result, cost } of steps) {
    const dispatches = result.trace.events.filter((e) => e.kind === 'dispatch');
    expect(dispatches.length).toBe(cost.dispatches);
    // TF.js 4.22 makes a bind group for every dispatch, and compiles nothing in a warm step.
    expect(cost.objects.bindGroups).toBe(cost.dispatches);
    expect(cost.objects.pipelines).toBe(0);
    expect(dispatches.every((d) => d.pipeline !== 'unknown pipeline')).toBe(true);
    expect(result.result.total).toBeGreaterThan(0);
  }
  expect(a!.events.length).toBe(b!.events.length);
  expect(b!.events.map(eventShape)).toEqual(a!.events.map(eventShape));
  expect(firstDifference(a!, b!)).toBeNull();
  // What a TF.js step does besides dispatching: the optimizer's gather and scatter copies, the
  // uniforms' queue writes, the inputs' uploads and the losses' read-back.
  for (const kind of ['copy', 'write', 'upload', 'read']) expect(a!.events.some((e) => e.kind === kind)).toBe(true);

  const c = classifyBuffers(a!, b!);
  // Kept across steps: at least the optimizer's flat state, which the fused AdamW updates in place.
  const adamw = b!.events.find((e) => e.kind === 'dispatch' && e.pipeline.startsWith('caeAdamW'));
  expect(adamw?.kind === 'dispatch' && c.persistent.has(adamw.bindings[0]!.buffer)).toBe(true);
  // Made anew each step: the parameters move to new buffers, so most dispatches bind a new one.
  expect(c.perStep.size).toBeGreaterThan(0);
  expect(c.dispatchesWithNewBuffers.length).toBeGreaterThan(dispatchCount / 2);
  // The step's inputs change: AdamW's bias corrections (uniforms), the masks and drop-path factors (uploads).
  const dispatchIndex = b!.events.filter((e) => e.kind === 'dispatch').findIndex((e) => e.pipeline.startsWith('caeAdamW'));
  expect(c.uniformsDiffering).toContain(dispatchIndex);
  expect(c.uploadsDiffering.length).toBeGreaterThan(0);
  console.log(
    `trace of a micro step (batch 4): ${a!.events.length} events, ${dispatchCount} dispatches; ` +
      `buffers kept ${c.persistent.size}, per step ${c.perStep.size}; places same ${c.samePlaces}, differing ${c.differingPlaces}; ` +
      `dispatches binding a new buffer ${c.dispatchesWithNewBuffers.length}, uniforms differing ${c.uniformsDiffering.length}, uploads differing ${c.uploadsDiffering.length}`,
  );

  // The hooks are gone once a recording ends.
  expect(gpuDevice().createBindGroup).toBe(before.bind);
  expect(gpuQueue().writeBuffer).toBe(before.write);
  expect(GPUBuffer.prototype.unmap).toBe(before.unmap);
  images.dispose();
  trainer.dispose();
  model.dispose();
});
