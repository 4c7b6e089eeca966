import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { shapesDataset } from '../data/shapes';
import { MICRO } from '../model/presets';
import type { FromWorker } from '../protocol/messages';
import { LabSession } from './labSession';

describe('patch-feature maps in the worker (CPU backend)', () => {
  it('maps validation patches labelled by the class covering them, stops on request, and leaks nothing', async () => {
    const lab = new LabSession({ current: () => null, checkpoint: () => undefined });
    const ds = shapesDataset(0, MICRO.imgSize, { train: 10, val: 40 }, 'easy');
    const model = { kind: 'random' as const, model: MICRO, seed: 1 };
    const before = tf.memory().numTensors;
    const got: FromWorker[] = [];
    await lab.embed(7, model, ds, { images: 20, maxPoints: 100, seed: 0 }, (m) => got.push(m));
    const done = got.at(-1)!;
    expect(done.type).toBe('lab/embedding');
    if (done.type !== 'lab/embedding') return;
    const v = done.view;
    expect(v.labels.length).toBe(100); // 20 images × 16 patches, thinned evenly to 100
    expect(v.points.length).toBe(200);
    expect(v.patches.length).toBe(100 * 8 * 8 * 4);
    expect(v.classNames.at(-1)).toBe('background');
    expect(v.background).toBe(10);
    expect(new Set(v.labels).has(10)).toBe(true);
    expect([...v.labels].some((l) => l < 10)).toBe(true);
    // The share the page's bar shows only grows, from the features (first half) to the map's last epoch.
    const shares = got.flatMap((m) => (m.type === 'lab/embed-progress' ? [m.share] : []));
    expect(shares.length).toBeGreaterThan(1);
    expect(shares.every((v, i) => v >= 0 && v <= 1 && (i === 0 || v >= shares[i - 1]!))).toBe(true);
    expect(shares.at(-1)).toBe(1);
    const kept = tf.memory().numTensors; // the random model, kept for the next request
    // A stop during the map ends it with a message.
    const stopped: FromWorker[] = [];
    const p = lab.embed(8, model, ds, { images: 20, maxPoints: 100, seed: 0 }, (m) => {
      stopped.push(m);
      if (m.type === 'lab/embed-progress') lab.stopEmbed(8);
    });
    await p;
    expect(stopped.at(-1)).toMatchObject({ type: 'lab/embed-failed', message: 'The feature map was stopped.' });
    expect(tf.memory().numTensors).toBe(kept);
    lab.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
