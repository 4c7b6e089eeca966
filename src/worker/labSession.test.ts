import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Cae } from '../model/cae';
import { MICRO } from '../model/presets';
import type { FromWorker, LabModel } from '../protocol/messages';
import { defaultTrainConfig } from '../train/defaults';
import { saveCheckpoint } from '../train/checkpoint';
import { CaeTrainer } from '../train/trainer';
import { LabSession, type LabRequest } from './labSession';
import { PretrainRun } from './pretrainRun';

const S = MICRO.imgSize;
const image = Float32Array.from({ length: 3 * S * S }, (_, i) => 0.5 + 0.4 * Math.sin(i * 0.37));
const mask = (...k: number[]) => Uint8Array.from({ length: 16 }, (_, i) => (k.includes(i) ? 1 : 0));
const req = (id: number, model: LabModel, m = mask(1, 2, 7)): LabRequest => ({ id, model, image, mask: m });
const random: LabModel = { kind: 'random', model: MICRO, seed: 3 };

async function weightsSum(model: Cae): Promise<number> {
  let s = 0;
  for (const v of model.vars.values()) for (const x of await v.data()) s += Math.abs(x);
  return s;
}

describe('the image lab in the worker (CPU backend)', () => {
  it('draws every panel, and a repeat of the same request gives the same pixels', async () => {
    const lab = new LabSession({ current: () => null, checkpoint: () => undefined });
    const v = await lab.view(req(1, random));
    expect(v).toMatchObject({ size: 32, grid: 4, target: 'pixel', maskedCount: 3, label: 'random init, seed 3' });
    for (const panel of [v.original, v.masked, v.recon, v.composite, v.error, v.full]) expect(panel?.length).toBe(32 * 32 * 4);
    expect([...v.errors!].map((e, k) => (Number.isNaN(e) ? -1 : k)).filter((k) => k >= 0)).toEqual([1, 2, 7]);
    expect(v.errorMax).toBeGreaterThan(0);
    const again = await lab.view(req(2, random));
    expect(again.recon).toEqual(v.recon);
    expect(again.full).toEqual(v.full);
    // Nothing masked: no reconstruction of masked patches, but the full reconstruction still.
    const none = await lab.view(req(3, random, mask()));
    expect(none.recon).toBeNull();
    expect(none.full.length).toBe(32 * 32 * 4);
    lab.dispose();
  });

  it('leaks no tensor over many requests, model switches and refusals', async () => {
    const trainer = new CaeTrainer(new Cae(MICRO, 1), defaultTrainConfig('micro', 4));
    const bytes = await saveCheckpoint(trainer);
    trainer.dispose();
    trainer.model.dispose();
    const before = tf.memory().numTensors;
    const lab = new LabSession({ current: () => null, checkpoint: (id) => (id === 'r1' ? { bytes, label: 'r1' } : undefined) });
    let once = 0;
    for (let i = 0; i < 3; i++) {
      if (i === 1) once = tf.memory().numTensors; // the three models kept since the first round
      await lab.view(req(2, random, mask(i, 5)));
      await lab.view(req(3, { kind: 'encoder', runId: 'r1' }));
      await lab.view(req(4, { kind: 'random', model: { ...MICRO, target: 'token', vocabSize: 10 }, seed: 1 }));
      await lab.view(req(5, random));
      await expect(lab.view(req(6, { kind: 'encoder', runId: 'gone' }))).rejects.toThrow('not loaded');
      await expect(lab.view(req(7, random, new Uint8Array(9)))).rejects.toThrow('grid has 16');
    }
    expect(tf.memory().numTensors).toBe(once); // the kept models, nothing else
    lab.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('shows token targets as predicted token maps, with no error map (no true tokens)', async () => {
    const lab = new LabSession({ current: () => null, checkpoint: () => undefined });
    const v = await lab.view(req(1, { kind: 'random', model: { ...MICRO, target: 'token', vocabSize: 10 }, seed: 1 }));
    expect(v.target).toBe('token');
    expect(v.recon?.length).toBe(32 * 32 * 4);
    expect(v.error).toBeNull();
    lab.dispose();
  });

  it('reads the current run between steps without changing its weights, and the run goes on', async () => {
    const spec = {
      id: 'r',
      presetId: 'micro',
      model: MICRO,
      train: { ...defaultTrainConfig('micro', 5), batchSize: 4, totalSteps: 3, warmupSteps: 1 },
      dataset: 'shapes' as const,
      checkpointEvery: 50,
      createdAt: 0,
    };
    const run = new PretrainRun(spec, () => undefined);
    const lab = new LabSession({ current: () => ({ model: run.model, label: 'current' }), checkpoint: () => undefined });
    const w0 = await weightsSum(run.model);
    const tensors = tf.memory().numTensors;
    const v = await lab.view(req(1, { kind: 'current' }));
    expect(v.label).toBe('current');
    expect(await weightsSum(run.model)).toBe(w0);
    expect(tf.memory().numTensors).toBe(tensors); // the run's model is not cached or copied
    await run.run(async () => false);
    expect(run.status).toBe('done');
    lab.dispose();
    run.dispose();
  });

  it('answers only the latest of requests that arrive while one is computed', async () => {
    const lab = new LabSession({ current: () => null, checkpoint: () => undefined });
    const got: FromWorker[] = [];
    const post = (m: FromWorker) => got.push(m);
    const first = lab.submit(req(1, random), post);
    void lab.submit(req(2, random), post);
    void lab.submit(req(3, random), post);
    await first;
    expect(got.map((m) => (m.type === 'lab/view' ? m.id : -1))).toEqual([1, 3]);
    await lab.submit(req(4, { kind: 'current' }), post);
    expect(got.at(-1)).toMatchObject({ type: 'lab/failed', id: 4, message: expect.stringContaining('no pretraining run') });
    lab.dispose();
  });
});
