// A measurement, not part of the usual suite (STREAM_BIG=1 runs it): pretraining on a made-up stored
// dataset four times the worker's real chunk cache (1 GiB of CIFAR-sized chunks through 256 MiB),
// sampling the process's resident memory, to show it is bounded by the cache and not the dataset.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CHUNK_CACHE_BYTES, ChunkCache } from '../data/chunkCache';
import { imagesPerChunk } from '../data/stored';
import { streamedDataset } from '../data/streamed';
import { MICRO } from '../model/presets';
import type { RunSpec } from '../protocol/messages';
import { syntheticStored } from '../testing/streamedFixture';
import { defaultTrainConfig } from '../train/defaults';
import { PretrainRun } from './pretrainRun';

const MiB = 1024 * 1024;

describe.runIf(process.env.STREAM_BIG)('a dataset four times the chunk cache', () => {
  it('pretrains with the resident memory bounded by the cache', async () => {
    const R = 32;
    const per = imagesPerChunk(R); // the real 2 MiB chunks
    const images = Math.ceil((4 * CHUNK_CACHE_BYTES) / (3 * R * R + 2));
    const set = syntheticStored({ train: images - 10_000, val: 10_000, storedSize: R, perChunk: per, classes: 10 });
    const cache = new ChunkCache(CHUNK_CACHE_BYTES, async (i) => (await new Promise((r) => setTimeout(r, 0)), set.chunk(i)));
    const steps = Number(process.env.STREAM_BIG_STEPS ?? 40);
    const spec: RunSpec = {
      id: 'big',
      presetId: 'micro',
      model: MICRO,
      train: { ...defaultTrainConfig('micro', 1), batchSize: 64, totalSteps: steps, warmupSteps: 2 },
      dataset: 'synthetic',
      checkpointEvery: 1000,
      createdAt: 0,
    };
    const rss = () => process.memoryUsage().rss;
    const base = rss();
    let peak = base;
    let last = 0;
    const t0 = performance.now();
    const run = new PretrainRun(
      spec,
      (m) => {
        peak = Math.max(peak, rss());
        if (m.type === 'pretrain/metrics') last = m.points.at(-1)!.total;
      },
      undefined,
      streamedDataset(set.meta, cache, MICRO.imgSize),
    );
    await run.run(async () => false);
    run.dispose();
    const s = cache.stats();
    const report = {
      datasetMiB: +(set.meta.bytes / MiB).toFixed(1),
      images,
      chunks: set.meta.chunks,
      cacheMiB: CHUNK_CACHE_BYTES / MiB,
      cachePeakMiB: +(s.peakBytes / MiB).toFixed(1),
      chunkReads: s.reads,
      cacheHits: s.hits,
      steps: run.step,
      imagesSeen: run.step * 64,
      lastLoss: last,
      seconds: +((performance.now() - t0) / 1000).toFixed(1),
      rssBaseMiB: +(base / MiB).toFixed(0),
      rssPeakGrowthMiB: +((peak - base) / MiB).toFixed(0),
      tensors: tf.memory().numTensors,
    };
    console.log(`streamed-big ${JSON.stringify(report)}`);
    expect(run.status).toBe('done');
    expect(s.peakBytes).toBeLessThanOrEqual(CHUNK_CACHE_BYTES);
    // The dataset is 1 GiB; what the process grows by is the cache and the model, not the dataset.
    expect(peak - base).toBeLessThan(CHUNK_CACHE_BYTES + 256 * MiB);
  }, 900_000);
});
