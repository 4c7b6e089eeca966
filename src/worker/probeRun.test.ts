import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Cae } from '../model/cae';
import { MICRO } from '../model/presets';
import type { FromWorker } from '../protocol/messages';
import { testProbeSpec } from '../testing/probeSpec';
import { PAPER_TRAIN } from '../train/config';
import { saveCheckpoint } from '../train/checkpoint';
import { CaeTrainer } from '../train/trainer';
import { ProbeRun } from './probeRun';
import { builtinDataset } from '../data/shapes';

async function microCheckpoint(): Promise<Uint8Array> {
  const trainer = new CaeTrainer(new Cae(MICRO, 3), { ...PAPER_TRAIN, batchSize: 2, baseBatch: 2, totalSteps: 5, warmupSteps: 1 });
  const bytes = await saveCheckpoint(trainer);
  trainer.dispose();
  trainer.model.dispose();
  return bytes;
}

const of = <T extends FromWorker['type']>(msgs: FromWorker[], type: T) => msgs.filter((m): m is Extract<FromWorker, { type: T }> => m.type === type);

describe('an evaluation run in the worker (CPU backend)', () => {
  for (const augment of [false, true]) {
    it(`trains both probes on a frozen random encoder, ${augment ? 'features per batch' : 'cached features'}, leaking nothing`, async () => {
      const before = tf.memory().numTensors;
      const msgs: FromWorker[] = [];
      await new ProbeRun(testProbeSpec({ augment }), null, (m) => msgs.push(m)).run();
      expect(tf.memory().numTensors).toBe(before);
      const epochs = of(msgs, 'probe/epoch').map((m) => m.point);
      expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
      for (const e of epochs) for (const v of [e.linearAcc!, e.attentiveAcc!]) expect(v >= 0 && v <= 1).toBe(true);
      const statuses = of(msgs, 'probe/status').map((m) => [m.status, m.features]);
      expect(statuses).toEqual([
        ['running', augment ? 'per-batch' : 'cached'],
        ['done', augment ? 'per-batch' : 'cached'],
      ]);
      const att = of(msgs, 'probe/attention')[0];
      if (!att) throw new Error('no attention maps');
      expect(att.view.probe.length).toBe(4 * MICRO.numHeads * 16);
      expect(att.view.encoder.length).toBe(MICRO.depth * 4 * MICRO.numHeads * 16);
      // Random init alone: one row, no baseline beside it; the result is the last epoch's accuracy.
      const [result] = of(msgs, 'probe/result');
      expect(result!.rows.map((r) => r.role)).toEqual(['probed']);
      expect(result!.rows[0]!.results.lin!.top1).toBe(epochs[1]!.linearAcc);
      expect(result!.rows[0]!.results.lin!.se).toBeCloseTo(Math.sqrt((epochs[1]!.linearAcc! * (1 - epochs[1]!.linearAcc!)) / 20), 9);
      expect(result!.chance).toBe(0.1);
    });
  }

  it('reads a pretrained encoder four ways beside a random-init baseline, over two seeds, leaking nothing', async () => {
    const bytes = await microCheckpoint();
    const before = tf.memory().numTensors;
    const msgs: FromWorker[] = [];
    const spec = testProbeSpec({ encoder: { kind: 'run', runId: 'r' }, evaluation: { evals: ['lin', 'att', 'knn', 'ft'], seeds: 2, fineTuneEpochs: 2 } });
    await new ProbeRun(spec, bytes, (m) => msgs.push(m)).run();
    expect(tf.memory().numTensors).toBe(before);
    // Curves stream for the first seed of the probed encoder only.
    expect(of(msgs, 'probe/epoch')).toHaveLength(2);
    expect(of(msgs, 'probe/ft-epoch').map((m) => m.point.epoch)).toEqual([1, 2]);
    const [result] = of(msgs, 'probe/result');
    expect(result!.rows.map((r) => r.role)).toEqual(['probed', 'baseline']);
    for (const row of result!.rows) {
      expect(Object.keys(row.results).sort()).toEqual(['att', 'ft', 'knn-cls', 'knn-mean', 'lin']);
      for (const a of Object.values(row.results)) {
        expect(a.seeds).toBe(2);
        expect(a.valImages).toBe(20);
        expect(a.top1 >= 0 && a.top1 <= 1 && a.sd >= 0).toBe(true);
      }
    }
    expect(of(msgs, 'probe/progress').some((m) => /seed 2 of 2 · random-init baseline · fine-tuning/.test(m.text))).toBe(true);
    // The page's bar counts parts (2 seeds × probed and baseline) and each readout's epochs or steps.
    const progress = of(msgs, 'probe/progress');
    expect(progress.every((m) => m.part.count === 4)).toBe(true);
    expect([...new Set(progress.map((m) => m.part.index))]).toEqual([0, 1, 2, 3]);
    const last = progress.at(-1)!;
    expect(last.text).toMatch(/fine-tuning/);
    expect(last.stage!.total).toBeGreaterThan(last.stage!.done);
    expect(progress.some((m) => m.stage === null)).toBe(true); // encoding the images: no count
    expect(progress.some((m) => /seed 1 of 2 · probed encoder · kNN on mean-pooled patches/.test(m.text))).toBe(true);
  });

  it('stops between steps and reports only the seeds it finished', async () => {
    const msgs: FromWorker[] = [];
    const spec = testProbeSpec({ epochs: 3, evaluation: { seeds: 3 } });
    const run = new ProbeRun(spec, null, (m) => {
      msgs.push(m);
      if (m.type === 'probe/epoch' && m.point.epoch === 1) run.stop();
    });
    await run.run();
    expect(of(msgs, 'probe/status').at(-1)!.status).toBe('stopped');
    expect(of(msgs, 'probe/result')[0]!.rows[0]!.results).toEqual({});
  });
});

describe('readouts trained to convergence, on a split no choice has seen', () => {
  it('fits LIN as a converged logistic regression and trains ATT until its loss plateaus, leaking nothing', async () => {
    const bytes = await microCheckpoint();
    const before = tf.memory().numTensors;
    const msgs: FromWorker[] = [];
    const plateau = { window: 1, minImprovement: 0.5, decays: 1, factor: 0.1, maxEpochs: 40 };
    const spec = testProbeSpec({ encoder: { kind: 'run', runId: 'r' }, evaluation: { evals: ['lin', 'att'], linear: 'logistic', plateau, seeds: 2 } });
    await new ProbeRun(spec, bytes, (m) => msgs.push(m)).run();
    expect(tf.memory().numTensors).toBe(before);
    const [result] = of(msgs, 'probe/result');
    for (const row of result!.rows) {
      const lin = row.results.lin!;
      expect(lin.fit).toMatchObject({ unit: 'iterations', converged: true });
      // The geometric mean of the penalties the seeds' cross-validations chose, within the grid.
      expect(lin.fit!.l2! >= 1e-6 && lin.fit!.l2! <= 1).toBe(true);
      expect(lin.perSeed).toHaveLength(2);
      // A 50 % improvement in one epoch is soon out of reach: the rule stops ATT long before its cap.
      const att = row.results.att!;
      expect(att.fit!.converged).toBe(true);
      expect(att.fit!.epochs).toBeGreaterThanOrEqual(2);
      expect(att.fit!.epochs).toBeLessThan(40);
      expect(Number.isFinite(att.fit!.finalLoss)).toBe(true);
      expect(att.perSeed).toHaveLength(2);
    }
    // The live curve is ATT's alone, as long as ATT trained on the first seed.
    const epochs = of(msgs, 'probe/epoch').map((m) => m.point);
    expect(epochs.every((e) => e.linearLoss === null && e.attentiveLoss !== null)).toBe(true);
  });

  it('reads the results on a validation split carved from the training images when asked, never on the held-out split', async () => {
    const held = builtinDataset('shapes-easy', 2, MICRO.imgSize, { train: 120, val: 30 });
    const reads = { val: 0 };
    const guarded = {
      ...held,
      sample: (split: 'train' | 'val', i: number) => {
        if (split === 'val') reads.val += 1;
        return held.sample(split, i);
      },
    };
    const msgs: FromWorker[] = [];
    const spec = testProbeSpec({ dataset: 'guarded', split: 'val', trainImages: 64, valImages: 20, evaluation: { evals: ['lin', 'knn'], linear: 'logistic' } });
    await new ProbeRun(spec, null, (m) => msgs.push(m), guarded).run();
    expect(reads.val).toBe(0);
    const [result] = of(msgs, 'probe/result');
    expect(result!.rows[0]!.results.lin!.valImages).toBe(20);
    // The same evaluation on the test split reads the held-out images.
    await new ProbeRun({ ...spec, split: 'test' }, null, () => undefined, guarded).run();
    expect(reads.val).toBeGreaterThan(0);
  });
});

describe('seeds stopped half-way', () => {
  it('average the probed encoder and its baseline over the same finished seeds', async () => {
    const bytes = await microCheckpoint();
    const msgs: FromWorker[] = [];
    const spec = testProbeSpec({ encoder: { kind: 'run', runId: 'r' }, epochs: 1, evaluation: { evals: ['lin', 'knn'], seeds: 2 } });
    const run = new ProbeRun(spec, bytes, (m) => {
      msgs.push(m);
      // Stop once the second seed's probed encoder is done and its baseline has begun.
      if (m.type === 'probe/progress' && m.text.startsWith('seed 2 of 2 · random-init baseline')) run.stop();
    });
    await run.run();
    const [result] = of(msgs, 'probe/result');
    expect(result!.rows.map((r) => [r.role, r.results.lin!.seeds, r.results['knn-cls']!.seeds])).toEqual([
      ['probed', 1, 1],
      ['baseline', 1, 1],
    ]);
    expect(() => builtinDataset('colours', 0, 8)).toThrow(/"colours" is not an embedded dataset/);
  });
});

describe('the few-labels share', () => {
  it('keeps a seeded share of the training images, never fewer than the classes, and all of the validation split', async () => {
    const { labelledSubset } = await import('./fineTuneRun');
    const { builtinDataset } = await import('../data/shapes');
    const ds = builtinDataset('shapes-easy', 0, 8, { train: 2000, val: 50 });
    const ten = labelledSubset(ds, 0.1, 1);
    expect([ten.trainSize, ten.valSize]).toEqual([200, 50]);
    expect(labelledSubset(ds, 0.001, 1).trainSize).toBe(10);
    expect(labelledSubset(ds, 1, 1)).toBe(ds);
    expect(labelledSubset(ds, 0.1, 2).sample('train', 0).image).not.toEqual(ten.sample('train', 0).image);
    expect(() => labelledSubset(ds, 0, 1)).toThrow(/labelled share/);
  });
});
