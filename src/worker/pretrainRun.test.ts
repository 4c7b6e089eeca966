import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { builtinDataset, type LabelledDataset } from '../data/shapes';
import { MICRO } from '../model/presets';
import { readSafetensors, writeSafetensors } from '../model/safetensors';
import type { FromWorker, RunSpec } from '../protocol/messages';
import { loadCheckpoint } from '../train/checkpoint';
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
    // Off WebGPU the TF.js engine runs, and the page is told why.
    const engine = msgs.find((m) => m.type === 'pretrain/engine');
    expect(engine && engine.type === 'pretrain/engine' && [engine.engine, engine.reason]).toEqual([
      'tfjs',
      'the replayed step needs WebGPU (this run is on cpu)',
    ]);
    // The phases the page shows: building, then the first step (shaders), then steady training.
    const phases = msgs.flatMap((m) => (m.type === 'pretrain/phase' ? [m.phase] : []));
    expect(phases).toEqual(['preparing', 'compiling', 'training']);
    const firstMetrics = msgs.findIndex((m) => m.type === 'pretrain/metrics');
    expect(msgs.findIndex((m) => m.type === 'pretrain/phase' && m.phase === 'compiling')).toBeLessThan(firstMetrics);
  });

  it('pauses after the step in flight, resumes, and stops', async () => {
    const msgs: FromWorker[] = [];
    const isPaused = (x: FromWorker) => x.type === 'pretrain/status' && x.status === 'paused';
    // The pause's checkpoint is posted after the paused status; the loop then waits for resume().
    let heldAtPause: (step: number) => void = () => undefined;
    const held = new Promise<number>((r) => (heldAtPause = r));
    const run = new PretrainRun(spec(1000), (m) => {
      msgs.push(m);
      if (m.type === 'pretrain/metrics' && m.step >= 2 && run.status === 'running' && !msgs.some(isPaused)) run.pause();
      if (m.type === 'pretrain/checkpoint' && msgs.some(isPaused)) heldAtPause(m.step);
    });
    const done = run.run(async () => false);
    const checkpointStep = await held;
    // Parked: the loop waits for resume(), so no step can run until then.
    await vi.waitFor(() => expect(run.parked).toBe(true), { timeout: 10_000 });
    const pausedAt = run.step;
    expect(run.status).toBe('paused');
    expect(checkpointStep).toBe(pausedAt);
    const seen = msgs.length;
    run.resume();
    while (run.step < pausedAt + 1) await new Promise((r) => setTimeout(r, 20));
    run.stop();
    await done;
    // The first loss after resume is step pausedAt's: no step ran while paused, and none was skipped.
    const after = msgs.slice(seen).flatMap((m) => (m.type === 'pretrain/metrics' ? m.points.map((p) => p.step) : []));
    expect(after[0]).toBe(pausedAt);
    expect(run.status).toBe('stopped');
    run.dispose();
  });

  // A NaN loss is blamed on the learning rate only when the weights the run started from were finite.
  const QKV = 'encoder.blocks.0.attn.qkv.weight';
  const statusOf = (msgs: FromWorker[]) => msgs.flatMap((m) => (m.type === 'pretrain/status' ? [m] : [])).at(-1)!;

  it('says "diverged" when the loss blows up from finite weights, and keeps them', async () => {
    const shapes = builtinDataset('shapes', 5, MICRO.imgSize);
    // Training images of NaN: the loss is NaN on the first step while the weights are fine.
    const ds: LabelledDataset = {
      ...shapes,
      sample: (split, i) => (split === 'train' ? { ...shapes.sample(split, i), image: new Float32Array(3 * 32 * 32).fill(NaN) } : shapes.sample(split, i)),
    };
    const before = tf.memory().numTensors;
    const msgs: FromWorker[] = [];
    const run = new PretrainRun(spec(4), (m) => msgs.push(m), undefined, ds);
    await run.run(async () => false);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(statusOf(msgs)).toMatchObject({
      status: 'diverged',
      message: expect.stringMatching(/^Training diverged: the loss became NaN at step 0.*Lower the learning rate/),
    });
    expect(msgs.filter((m) => m.type === 'pretrain/checkpoint')).toHaveLength(2); // at the start and at the divergence
  });

  it('says the starting weights were damaged, not "diverged", when they were not finite', async () => {
    const before = tf.memory().numTensors;
    const msgs: FromWorker[] = [];
    const run = new PretrainRun(spec(4), (m) => msgs.push(m));
    // Loading refuses such weights; this reaches past it to test the last line of defence.
    const w = run.model.vars.get(QKV)!;
    const values = Float32Array.from(await w.data());
    values[0] = NaN;
    tf.tidy(() => w.assign(tf.tensor(values, w.shape)));
    await run.run(async () => false);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const last = statusOf(msgs);
    expect(last.status).toBe('failed');
    expect(last.message).toMatch(
      /the weights this run started from at step 0 are damaged \(tensor "encoder.blocks.0.attn.qkv.weight" holds 1 NaN value\), so this is not a divergence/,
    );
    expect(last.message).not.toMatch(/learning rate/);
  });

  it('refuses to resume from a checkpoint holding NaN, naming the tensor, allocating nothing', async () => {
    const msgs: FromWorker[] = [];
    const first = new PretrainRun(spec(2), (m) => msgs.push(m));
    await first.run(async () => false);
    const good = readSafetensors(first.checkpoint!);
    first.dispose();
    const t = good.tensors.get(QKV)!;
    const data = Float32Array.from(t.data);
    data[5] = NaN;
    const bad = writeSafetensors(new Map([...good.tensors, [QKV, { ...t, data }]]), { ...good.metadata });
    const before = tf.memory().numTensors;
    expect(() => new PretrainRun(spec(4), () => undefined, bad)).toThrow(
      /tensor "encoder.blocks.0.attn.qkv.weight" holds 1 NaN value; the checkpoint is damaged and was not loaded/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says "diverged" when its own steps overflow the weights, and keeps the last finite checkpoint', async () => {
    const s = spec(4);
    const msgs: FromWorker[] = [];
    // A rate past float32's range: the first applied step turns the weights infinite.
    const run = new PretrainRun({ ...s, train: { ...s.train, baseLr: 1e45 } }, (m) => msgs.push(m));
    await run.run(async () => false);
    const last = statusOf(msgs);
    expect(last).toMatchObject({
      status: 'diverged',
      message: expect.stringMatching(
        /after the weights stopped being finite \(tensor ".*" holds .*\)\. The run keeps its checkpoint from step 0\. Lower the learning rate/,
      ),
    });
    // Nothing non-finite was saved over it: every checkpoint posted is the start's.
    expect(msgs.flatMap((m) => (m.type === 'pretrain/checkpoint' ? [m.step] : []))).toEqual([0]);
    const kept = loadCheckpoint(run.checkpoint!); // finite, so it loads
    expect(kept.trainer.step).toBe(0);
    kept.trainer.dispose();
    kept.model.dispose();
    run.dispose();
  });
});
