import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MICRO } from '../model/presets';
import type { FromWorker, RunSpec } from '../protocol/messages';
import { defaultTrainConfig } from '../train/defaults';
import { PretrainRun } from './pretrainRun';

const spec = (totalSteps: number): RunSpec => ({
  id: 'test-run',
  presetId: 'micro',
  model: MICRO,
  train: { ...defaultTrainConfig('micro', 5), batchSize: 4, totalSteps, warmupSteps: 1 },
  dataset: 'shapes',
  checkpointEvery: 50,
  createdAt: 0,
});

describe('a pretraining run in the worker (CPU backend)', () => {
  it('trains to the end, streams metrics and reconstructions, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const msgs: FromWorker[] = [];
    const run = new PretrainRun(spec(4), (m) => msgs.push(m));
    await run.run(async () => false);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const statuses = msgs.flatMap((m) => (m.type === 'pretrain/status' ? [m.status] : []));
    expect(statuses).toEqual(['running', 'done']);
    const points = msgs.flatMap((m) => (m.type === 'pretrain/metrics' ? m.points : []));
    expect(points.map((p) => p.step)).toEqual([0, 1, 2, 3]);
    expect(points.every((p) => Number.isFinite(p.total))).toBe(true);
    const recon = msgs.find((m) => m.type === 'pretrain/recon');
    expect(recon && recon.type === 'pretrain/recon' && recon.view.recon.length).toBe(6 * 32 * 32 * 4);
  });

  it('pauses after the step in flight, resumes, and stops', async () => {
    const msgs: FromWorker[] = [];
    const run = new PretrainRun(spec(1000), (m) => {
      msgs.push(m);
      if (m.type === 'pretrain/metrics' && m.step >= 2 && run.status === 'running' && !msgs.some((x) => x.type === 'pretrain/status' && x.status === 'paused')) run.pause();
    });
    const done = run.run(async () => false);
    while (run.status !== 'paused') await new Promise((r) => setTimeout(r, 20));
    const pausedAt = run.step;
    await new Promise((r) => setTimeout(r, 300));
    expect(run.step).toBe(pausedAt);
    run.resume();
    while (run.step < pausedAt + 1) await new Promise((r) => setTimeout(r, 20));
    run.stop();
    await done;
    expect(run.status).toBe('stopped');
    run.dispose();
  });
});
