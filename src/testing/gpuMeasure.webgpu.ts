// The memory-only measurement (no shader runs) must report the very peak a real step reaches:
// the benchmark's memory figures for presets too slow to run on SwiftShader rest on it.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Cae } from '../model/cae';
import { preset } from '../model/presets';
import { defaultTrainConfig } from '../train/defaults';
import { CaeTrainer } from '../train/trainer';
import { patternImages } from './batches';
import { skipGpuWork, watchPeakBytes } from './gpuMeasure';
import { useWebGpuBackend } from './webgpuNode';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await useWebGpuBackend();
});

const CONFIG = { ...preset('micro'), dropPathRate: 0.1 };

/** The live-buffer peak of the second of two train steps on a fresh model, and its last loss. */
async function stepPeak(): Promise<{ peak: number; loss: number }> {
  const model = new Cae(CONFIG, 3);
  const trainer = new CaeTrainer(model, { ...defaultTrainConfig('micro'), batchSize: 6, seed: 2 });
  const images = patternImages(6, CONFIG.imgSize, 4);
  await trainer.trainStep({ images });
  const watch = watchPeakBytes()!;
  const { total } = await trainer.trainStep({ images });
  watch.stop();
  tf.dispose(images);
  trainer.dispose();
  model.dispose();
  return { peak: watch.peak(), loss: total };
}

describe('memory measured without running the shaders', () => {
  it('reaches the same live-buffer peak as a real step, and the undo brings the shaders back', async () => {
    const real = await stepPeak();
    const restore = skipGpuWork();
    const skipped = await stepPeak().finally(restore);
    expect(real.peak).toBeGreaterThan(1e5);
    expect(skipped.peak).toBe(real.peak);
    expect(Number.isFinite(skipped.loss)).toBe(true); // the step went through its optimizer phase
    // The same seeded step with the shaders running again gives the real loss.
    expect((await stepPeak()).loss).toBeCloseTo(real.loss, 5);
  });
});
