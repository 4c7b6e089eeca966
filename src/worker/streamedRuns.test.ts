// Runs on an imported dataset that streams through a cache far smaller than itself: the same numbers as
// on the dataset held whole, nothing leaked, and the cache's bound kept.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ChunkCache, chunkBytes } from '../data/chunkCache';
import { storedDataset } from '../testing/storedDataset';
import { streamedDataset } from '../data/streamed';
import { MICRO } from '../model/presets';
import type { FromWorker, RunSpec } from '../protocol/messages';
import { syntheticStored } from '../testing/streamedFixture';
import { testProbeSpec } from '../testing/probeSpec';
import { defaultTrainConfig } from '../train/defaults';
import { Cae } from '../model/cae';
import { valBatches } from './fineTuneRun';
import { encodeSplit } from './probeLoop';
import { PretrainRun } from './pretrainRun';
import { ProbeRun } from './probeRun';

// 16 chunks of 12 images at 16 px; the cache holds 2 of them (1/8 of the dataset).
const set = syntheticStored({ train: 150, val: 42, storedSize: 16, perChunk: 12 });
const small = () => new ChunkCache(2 * chunkBytes(set.chunk(0)), async (i) => (await new Promise((r) => setTimeout(r, 0)), set.chunk(i)));
const whole = storedDataset(set.meta, set.all(), MICRO.imgSize);

const spec: RunSpec = {
  id: 'streamed',
  presetId: 'micro',
  model: MICRO,
  train: { ...defaultTrainConfig('micro', 3), batchSize: 8, totalSteps: 6, warmupSteps: 1 },
  dataset: 'synthetic',
  checkpointEvery: 50,
  createdAt: 0,
};

const losses = (msgs: FromWorker[]) => msgs.flatMap((m) => (m.type === 'pretrain/metrics' ? m.points.map((p) => p.total) : []));

describe('runs on a dataset streamed through a cache an eighth of its size', () => {
  it('pretrain with the same losses as on the dataset held whole, leaking nothing', async () => {
    const cache = small();
    const before = tf.memory().numTensors;
    const got: FromWorker[][] = [[], []];
    for (const [k, ds] of [whole, streamedDataset(set.meta, cache, MICRO.imgSize)].entries()) {
      const run = new PretrainRun(spec, (m) => got[k]!.push(m), undefined, ds);
      await run.run(async () => false);
      run.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(losses(got[1]!)).toHaveLength(6);
    expect(losses(got[1]!)).toEqual(losses(got[0]!));
    expect(cache.stats().peakBytes).toBeLessThanOrEqual(cache.capacityBytes);
    expect(cache.stats().reads).toBeGreaterThan(set.meta.chunks);
  });

  it('evaluate (probes, kNN, fine-tuning) with the same accuracies as on the dataset held whole', async () => {
    const s = testProbeSpec({
      dataset: 'synthetic',
      batchSize: 8,
      trainImages: 48,
      valImages: 24,
      augment: true,
      evaluation: { evals: ['lin', 'att', 'knn', 'ft'] },
    });
    const before = tf.memory().numTensors;
    const results = [];
    for (const ds of [whole, streamedDataset(set.meta, small(), MICRO.imgSize)]) {
      const msgs: FromWorker[] = [];
      await new ProbeRun(s, null, (m) => msgs.push(m), ds).run();
      expect(msgs.filter((m) => m.type === 'probe/status').at(-1)).toMatchObject({ status: 'done' });
      results.push(msgs.find((m) => m.type === 'probe/result'));
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(results[1]).toEqual(results[0]);
    expect(Object.keys((results[1] as Extract<FromWorker, { type: 'probe/result' }>).rows[0]!.results).sort()).toEqual([
      'att',
      'ft',
      'knn-cls',
      'knn-mean',
      'lin',
    ]);
  });

  it('fine-tuning keeps its rendered validation images only when they are few, else renders them each epoch', async () => {
    const ds = streamedDataset(set.meta, small(), MICRO.imgSize);
    const collect = async (batches: () => AsyncIterable<{ images: Float32Array; labels: Int32Array }>) => {
      const out = [];
      for await (const b of batches()) out.push(b);
      return out;
    };
    const [kept, streamed] = [await valBatches(ds), await valBatches(ds, 1024)];
    const a = await collect(kept);
    expect(a.map((b) => b.labels.length)).toEqual([42]);
    expect(await collect(kept)).toEqual(a); // the very same batches again
    expect((await collect(kept))[0]).toBe(a[0]);
    const b = await collect(streamed);
    expect(b).toEqual(a);
    expect((await collect(streamed))[0]).not.toBe(b[0]); // rendered afresh
  });

  it('a chunk gone from storage mid-way fails the encoding with its reason, leaking no tensor', async () => {
    const model = new Cae(MICRO, 1);
    const gone = new ChunkCache(1 << 20, async (i) => {
      if (i >= 8) throw new Error(`chunk ${i} of the dataset is missing from this browser's storage`);
      return set.chunk(i);
    });
    const before = tf.memory().numTensors;
    await expect(encodeSplit(model, streamedDataset(set.meta, gone, MICRO.imgSize), 'train', 150)).rejects.toThrow(/chunk 8 of the dataset is missing/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
