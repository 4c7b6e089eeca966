import { describe, expect, it } from 'vitest';
import { DVAE_MICRO } from '../model/dvaeConfig';
import { dvaeParamSpecs } from '../model/dvaeParams';
import {
  mapEstimate,
  mapJobAfter,
  mapSpeedFor,
  tokenizerCheckpointBytes,
  tokenizerEstimate,
  tokenizerShape,
  tokenizerSpeedFor,
  tokenizerSpeedOf,
  type MapSpeed,
  type TokenizerSpeed,
} from './jobEstimates';

const micro = DVAE_MICRO;
const wider = { ...DVAE_MICRO, hiddenDim: 16 };

describe("a tokenizer run's estimate", () => {
  it('sizes its checkpoint as float32 weights and Adam’s two moments of every parameter', () => {
    const n = dvaeParamSpecs(micro).reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
    expect(n).toBeGreaterThan(1000);
    expect(tokenizerCheckpointBytes(micro)).toBe(12 * n);
    expect(tokenizerCheckpointBytes(wider)).toBeGreaterThan(tokenizerCheckpointBytes(micro));
  });

  it('keeps a speed only after a few steps (or at a short run’s end) and with a backend', () => {
    const run = { spec: { model: micro, totalSteps: 200 }, step: 5, imgPerSec: 50 };
    expect(tokenizerSpeedOf(run, 'webgpu', 7)).toEqual({ shape: tokenizerShape(micro), backend: 'webgpu', imgPerSec: 50, at: 7 });
    expect(tokenizerSpeedOf({ ...run, step: 2 }, 'webgpu', 7)).toBeNull();
    expect(tokenizerSpeedOf({ ...run, step: 2, spec: { model: micro, totalSteps: 2 } }, 'webgpu', 7)).not.toBeNull();
    expect(tokenizerSpeedOf({ ...run, imgPerSec: 0 }, 'webgpu', 7)).toBeNull();
    expect(tokenizerSpeedOf(run, null, 7)).toBeNull();
  });

  it('takes the newest speed of the same shape on the same backend', () => {
    const speeds: TokenizerSpeed[] = [
      { shape: tokenizerShape(micro), backend: 'webgpu', imgPerSec: 10, at: 1 },
      { shape: tokenizerShape(micro), backend: 'webgpu', imgPerSec: 20, at: 2 },
      { shape: tokenizerShape(micro), backend: 'webgl', imgPerSec: 99, at: 3 },
      { shape: tokenizerShape(wider), backend: 'webgpu', imgPerSec: 77, at: 4 },
    ];
    expect(tokenizerSpeedFor(speeds, micro, 'webgpu')?.imgPerSec).toBe(20);
    expect(tokenizerSpeedFor(speeds, wider, 'webgl')).toBeNull();
  });

  it('times the run from the measured img/s, and says unknown without one', () => {
    const spec = { model: micro, totalSteps: 200, batchSize: 64 };
    const e = tokenizerEstimate({ spec, speed: { shape: tokenizerShape(micro), backend: 'webgpu', imgPerSec: 128, at: 1 } });
    expect(e.seconds).toBe(100);
    expect(e.text).toMatch(
      /^Time: about 2 min on this device \(128 img\/s, measured by your last tokenizer of this shape here\)\. Storage: about \d+(\.\d+)? (kB|MB) in this browser \(checkpoint with optimizer state /,
    );
    const none = tokenizerEstimate({ spec, speed: null });
    expect(none.seconds).toBeNull();
    expect(none.text).toContain('unknown until the first steps (no tokenizer of this shape, 32 px, 8-px cells, K=256, width 8, has trained');
    expect(none.bytes).toBe(e.bytes);
    expect(none.bytes).toBeGreaterThan(tokenizerCheckpointBytes(micro));
    expect(tokenizerEstimate({ spec: null, why: 'The codebook size K must be …', speed: null }).text).toBe(
      'Time and storage: fix the recipe first (The codebook size K must be …).',
    );
  });
});

describe("a feature map's estimate", () => {
  const speed: MapSpeed = { backend: 'webgpu', secondsPerImage: 0.1, images: 200, at: 1 };
  it('scales the last map’s seconds per image to the images and models asked for; it keeps nothing', () => {
    const e = mapEstimate({ images: 100, sides: 2, speed });
    expect(e.seconds).toBeCloseTo(20);
    expect(e.bytes).toBe(0);
    expect(e.text).toBe(
      'Time: about 20 s on this device (scaled from your last feature map here: 200 images in 20 s). Storage: none; the map stays in this page until it is reloaded.',
    );
    expect(mapEstimate({ images: 100, sides: 1, speed: null }).text).toMatch(/^Time: unknown until a first feature map has run on this device\./);
    expect(mapSpeedFor([speed, { ...speed, backend: 'webgl', at: 9 }], 'webgpu')).toBe(speed);
    expect(mapSpeedFor([speed], 'cpu')).toBeNull();
  });

  it('times a job from its first side’s start until no side is busy, over the images of the sides that finished', () => {
    const idle = { busy: false, startedAt: 0, view: null, failure: null };
    const busy = (at: number) => ({ ...idle, busy: true, startedAt: at });
    const done = (images: number) => ({ ...idle, startedAt: 1000, view: { images } });
    let r = mapJobAfter(null, [idle, idle], [busy(1000), idle], 1000);
    expect(r).toEqual({ job: { startedAt: 1000, images: 0 }, done: null });
    r = mapJobAfter(r.job, [busy(1000), idle], [busy(1000), busy(1200)], 1200);
    r = mapJobAfter(r.job, [busy(1000), busy(1200)], [done(50), busy(1200)], 6000);
    expect(r.done).toBeNull();
    r = mapJobAfter(r.job, [done(50), busy(1200)], [done(50), done(50)], 11_000);
    expect(r.job).toBeNull();
    expect(r.done).toEqual({ secondsPerImage: 0.1, images: 100 });
    // A stopped map measures nothing.
    r = mapJobAfter(null, [idle, idle], [busy(0), idle], 0);
    r = mapJobAfter(r.job, [busy(0), idle], [{ ...idle, failure: 'stopped' }, idle], 5000);
    expect(r).toEqual({ job: null, done: null });
  });
});
