import * as tf from '@tensorflow/tfjs';
import { testProbeConfig, testProbeSpec } from '../testing/probeSpec';
import { describe, expect, it } from 'vitest';
import { MICRO } from '../model/presets';
import type { FromWorker, ProbeSpec, RunSpec } from '../protocol/messages';
import { colourDataset } from '../testing/storedFixture';
import { defaultTrainConfig } from '../train/defaults';
import { PretrainRun } from './pretrainRun';
import { ProbeRun } from './probeRun';

const runSpec: RunSpec = {
  id: 'r',
  presetId: 'micro',
  model: MICRO,
  train: { ...defaultTrainConfig('micro', 5), batchSize: 4, totalSteps: 3, warmupSteps: 1 },
  dataset: 'colours',
  checkpointEvery: 50,
  createdAt: 0,
};

const probeSpec = (trainImages: number, valImages: number): ProbeSpec =>
  testProbeSpec({ id: 'p', dataset: 'colours', probe: testProbeConfig(8, 6), batchSize: 8, trainImages, valImages });

describe('runs on an imported dataset (CPU backend)', () => {
  it('pretrains on images stored at 48 px in 32 px batches, and leaks no tensor', async () => {
    const ds = await colourDataset({ perClass: 8, storedSize: 48, imgSize: MICRO.imgSize, labelled: false });
    const before = tf.memory().numTensors;
    const msgs: FromWorker[] = [];
    const run = new PretrainRun(runSpec, (m) => msgs.push(m), undefined, ds);
    await run.run(async () => false);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(msgs.flatMap((m) => (m.type === 'pretrain/metrics' ? m.points : [])).map((p) => p.step)).toEqual([0, 1, 2]);
    expect(msgs.some((m) => m.type === 'pretrain/recon')).toBe(true);
  });

  it('probes a labelled import with fewer images than asked, saying so, and leaks no tensor', async () => {
    const ds = await colourDataset({ perClass: 12, storedSize: 32, imgSize: MICRO.imgSize });
    const before = tf.memory().numTensors;
    const msgs: FromWorker[] = [];
    await new ProbeRun(probeSpec(1000, 1000), null, (m) => msgs.push(m), ds).run();
    expect(tf.memory().numTensors).toBe(before);
    const running = msgs.find((m) => m.type === 'probe/status' && m.status === 'running');
    expect(running?.type === 'probe/status' && running.message).toBe('colours has 27 training and 9 validation images; every evaluation uses all of them.');
    const epochs = msgs.flatMap((m) => (m.type === 'probe/epoch' ? [m.point] : []));
    expect(epochs).toHaveLength(2);
    // Accuracies are over the 9 validation images the dataset has.
    for (const e of epochs) for (const v of [e.linearAcc, e.attentiveAcc]) expect(Number.isInteger(Math.round(v! * 9 * 1e6) / 1e6)).toBe(true);
  });

  it('refuses to probe an unlabelled import, saying why', async () => {
    const ds = await colourDataset({ perClass: 8, storedSize: 32, imgSize: MICRO.imgSize, labelled: false });
    await expect(new ProbeRun(probeSpec(16, 8), null, () => undefined, ds).run()).rejects.toThrow(/has no labels, and probing needs them/);
  });
});
