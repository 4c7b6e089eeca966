import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Cae } from '../model/cae';
import { MICRO } from '../model/presets';
import type { FromWorker, ProbeSpec } from '../protocol/messages';
import { PAPER_TRAIN } from '../train/config';
import { saveCheckpoint } from '../train/checkpoint';
import { CaeTrainer } from '../train/trainer';
import { ProbeRun } from './probeRun';

const spec = (augment: boolean, encoder: ProbeSpec['encoder']): ProbeSpec => ({
  id: 'p1',
  encoder,
  presetId: 'micro',
  model: MICRO,
  dataset: 'shapes',
  probe: { seed: 1, batchSize: 16, totalSteps: 8, warmupSteps: 1, pooling: 'cls', linearBaseLr: 6.4, linearBaseBatch: 16, attentiveBaseLr: 0.4, attentiveBaseBatch: 16, momentum: 0.9 },
  epochs: 2,
  trainImages: 64,
  valImages: 20,
  augment,
  createdAt: 0,
});

describe('a probing run in the worker (CPU backend)', () => {
  for (const augment of [false, true]) {
    it(`trains both probes on a frozen random encoder, ${augment ? 'features per batch' : 'cached features'}, leaking nothing`, async () => {
      const before = tf.memory().numTensors;
      const msgs: FromWorker[] = [];
      const run = new ProbeRun(spec(augment, { kind: 'random' }), null, (m) => msgs.push(m));
      await run.run();
      expect(tf.memory().numTensors).toBe(before);
      const epochs = msgs.flatMap((m) => (m.type === 'probe/epoch' ? [m.point] : []));
      expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
      for (const e of epochs) for (const v of [e.linearAcc, e.attentiveAcc]) expect(v >= 0 && v <= 1).toBe(true);
      const statuses = msgs.flatMap((m) => (m.type === 'probe/status' ? [[m.status, m.features]] : []));
      expect(statuses).toEqual([['running', augment ? 'per-batch' : 'cached'], ['done', augment ? 'per-batch' : 'cached']]);
      const att = msgs.find((m) => m.type === 'probe/attention');
      if (!att || att.type !== 'probe/attention') throw new Error('no attention maps');
      expect(att.view.probe.length).toBe(4 * MICRO.numHeads * 16);
      expect(att.view.encoder.length).toBe(MICRO.depth * 4 * MICRO.numHeads * 16);
    });
  }

  it('probes a pretrained encoder loaded from its checkpoint', async () => {
    const trainer = new CaeTrainer(new Cae(MICRO, 3), { ...PAPER_TRAIN, batchSize: 2, baseBatch: 2, totalSteps: 5, warmupSteps: 1 });
    const bytes = await saveCheckpoint(trainer);
    trainer.dispose();
    trainer.model.dispose();
    const before = tf.memory().numTensors;
    const msgs: FromWorker[] = [];
    await new ProbeRun(spec(false, { kind: 'run', runId: 'r' }), bytes, (m) => msgs.push(m)).run();
    expect(msgs.filter((m) => m.type === 'probe/epoch')).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(before);
  });
});
