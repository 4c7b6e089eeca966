import { describe, expect, it } from 'vitest';
import { MICRO, PRESETS } from '../model/presets';
import { bytesText, checkpointBytes, evalEstimate, parameterCounts, pretrainEstimate, sweepEstimate } from './estimates';
import { evalSpeedFor, runSpeedFor, type RunSpeed } from './speeds';

const speed: RunSpeed = { presetId: 'micro', engine: 'replay', backend: 'webgpu', imgPerSec: 100, batchSize: 8, at: 1 };

describe('estimates before a job starts', () => {
  it('sizes a checkpoint from the preset: float32 weights and AdamW’s two moments', () => {
    const c = parameterCounts(MICRO);
    expect(c.trainable).toBeGreaterThan(1000);
    expect(c.trainable).toBeLessThanOrEqual(c.all);
    expect(checkpointBytes(MICRO)).toBe(4 * c.all + 8 * c.trainable);
    expect(checkpointBytes(MICRO, false)).toBe(4 * c.all);
    expect(parameterCounts(PRESETS['vit-s-p16-224']).all).toBeGreaterThan(20e6); // ViT-S alone is ~22 M
  });

  it('times a run from the measured img/s, and says unknown without one', () => {
    const e = pretrainEstimate({ presetId: 'micro', model: MICRO, steps: 1000, batchSize: 8, speed });
    expect(e.seconds).toBe(80);
    expect(e.text).toMatch(/^Time: about 1 min on this device \(100 img\/s.*replay engine\)\. Storage: about .* (kB|MB)/);
    const none = pretrainEstimate({ presetId: 'micro', model: MICRO, steps: 1000, batchSize: 8, speed: null });
    expect(none.seconds).toBeNull();
    expect(none.text).toMatch(/unknown until the first steps/);
    expect(none.bytes).toBe(e.bytes);
    expect(pretrainEstimate({ presetId: 'micro', model: MICRO, steps: NaN, batchSize: 8, speed }).seconds).toBeNull();
  });

  it('adds a sweep’s points, and says which part is unknown', () => {
    const run = pretrainEstimate({ presetId: 'micro', model: MICRO, steps: 1000, batchSize: 8, speed });
    const probe = evalEstimate({ presetId: 'micro', images: 100, encoders: 1, speed: null });
    expect(probe.text).toMatch(/unknown until the first evaluation/);
    const s = sweepEstimate([
      { run, probe },
      { run, probe },
    ]);
    expect(s.seconds).toBeNull();
    expect(s.bytes).toBe(2 * (run.bytes + probe.bytes));
    expect(s.text).toMatch(/^2 runs\. Time: pretraining about 3 min/);
    const known = evalEstimate({
      presetId: 'micro',
      images: 100,
      encoders: 1,
      speed: { presetId: 'micro', backend: 'webgpu', evals: 'att,lin', secondsPerImage: 0.6, at: 1 },
    });
    expect(sweepEstimate([{ run, probe: known }]).seconds).toBe(140);
  });

  it('picks the newest speed of the preset on this backend', () => {
    const older = { ...speed, engine: 'tfjs', imgPerSec: 10, at: 0 };
    expect(runSpeedFor([older, speed], 'micro', 'webgpu')).toBe(speed);
    expect(runSpeedFor([speed], 'mini', 'webgpu')).toBeNull();
    expect(runSpeedFor([speed], 'micro', 'cpu')).toBeNull();
    const ev = { presetId: 'micro', backend: 'webgpu', evals: 'att,lin', secondsPerImage: 1, at: 1 };
    expect(evalSpeedFor([ev], 'micro', 'webgpu', ['lin', 'att'])).toBe(ev);
    expect(evalSpeedFor([ev], 'micro', 'webgpu', ['lin'])).toBeNull();
  });

  it('writes sizes in words', () => {
    expect(bytesText(840_000)).toBe('840 kB');
    expect(bytesText(3_400_000)).toBe('3.4 MB');
    expect(bytesText(1_200_000_000)).toBe('1.2 GB');
  });
});
