import { describe, expect, it } from 'vitest';
import { syntheticStored } from '../testing/streamedFixture';
import { ChunkCache, chunkBytes, cacheNote } from './chunkCache';
import { BatchLoader, fixedBatch } from './loader';
import { storedDataset } from '../testing/storedDataset';
import { streamedDataset } from './streamed';
import { seededSubset } from './subset';

const set = syntheticStored({ train: 190, val: 30, storedSize: 8, perChunk: 10 }); // 22 chunks of 1 940 bytes
const CHUNK = chunkBytes(set.chunk(0));

/** A cache over the synthetic store that counts the store's reads. */
function cacheOf(chunks: number) {
  const reads: number[] = [];
  const cache = new ChunkCache(chunks * CHUNK, async (i) => {
    reads.push(i);
    await new Promise((r) => setTimeout(r, 0)); // a read from storage answers later
    return set.chunk(i);
  });
  return { cache, reads };
}

describe('the chunk cache', () => {
  it('keeps the most recently used chunks within its bound and reads the rest again', async () => {
    const { cache, reads } = cacheOf(3);
    for (const i of [0, 1, 2, 0, 3, 1]) await cache.get(i);
    // 3 evicted 1 (0 had been used since), so 1 was read again, evicting 2.
    expect(reads).toEqual([0, 1, 2, 3, 1]);
    expect([cache.has(0), cache.has(2), cache.has(3), cache.has(1)]).toEqual([true, false, true, true]);
    const s = cache.stats();
    expect(s.peakBytes).toBe(3 * CHUNK);
    expect([s.hits, s.reads, s.chunks]).toEqual([1, 5, 3]);
  });

  it('reads a chunk once however many ask for it meanwhile, and keeps no failed read', async () => {
    let fail = true;
    let n = 0;
    const cache = new ChunkCache(10 * CHUNK, async (i) => {
      n++;
      await new Promise((r) => setTimeout(r, 0));
      if (fail) throw new Error('storage said no');
      return set.chunk(i);
    });
    await expect(Promise.all([cache.get(4), cache.get(4)])).rejects.toThrow(/storage said no/);
    expect(n).toBe(1);
    fail = false;
    const [a, b] = await Promise.all([cache.get(4), cache.get(4)]);
    expect(a).toBe(b);
    expect(n).toBe(2);
  });

  it('never holds more than its bound, even for a chunk larger than all of it', async () => {
    const cache = new ChunkCache(CHUNK - 1, async (i) => set.chunk(i));
    expect((await cache.get(0)).labels.length).toBe(10);
    expect(cache.stats()).toMatchObject({ bytes: 0, chunks: 0 });
    expect(() => new ChunkCache(0, async (i) => set.chunk(i))).toThrow(/positive size/);
  });

  it('says in the data panel whether a dataset fits or streams', () => {
    expect(cacheNote(100 << 20)).toMatch(/256 MiB chunk cache; it fits whole/);
    expect(cacheNote(1024 << 20)).toMatch(/batches stream from storage \(about 25 % of it stays in memory\)/);
  });
});

describe('a dataset streamed from its chunks', () => {
  const inMemory = storedDataset(set.meta, set.all(), 8);

  it('gives the same batches as the dataset held whole, for the same seed, whatever the cache size', async () => {
    const epochs = 3;
    const steps = Math.ceil((epochs * 190) / 16);
    const whole = new BatchLoader(inMemory, 16, 7);
    const expected = [];
    for (let k = 0; k < steps; k++) expected.push(await whole.next());
    for (const cacheChunks of [2, 22]) {
      const { cache, reads } = cacheOf(cacheChunks);
      const loader = new BatchLoader(streamedDataset(set.meta, cache, 8), 16, 7);
      for (let k = 0; k < steps; k++) {
        const b = await loader.next(k % 3 !== 2); // reading ahead or not changes nothing
        expect(Array.from(b.labels)).toEqual(Array.from(expected[k]!.labels));
        expect(b.images).toEqual(expected[k]!.images);
      }
      const s = cache.stats();
      expect(s.peakBytes).toBeLessThanOrEqual(cacheChunks * CHUNK);
      // A cache that holds everything reads each training chunk once; one of 2 chunks reads them again and again.
      if (cacheChunks === 22) expect(new Set(reads).size).toBe(reads.length);
      else expect(reads.length).toBeGreaterThan(5 * 19);
    }
  });

  it('gives the same fixed batches and seeded subsets, which map their indices before reading', async () => {
    const { cache } = cacheOf(2);
    const streamed = streamedDataset(set.meta, cache, 8);
    expect((await fixedBatch(streamed, [29, 0, 17])).images).toEqual((await fixedBatch(inMemory, [29, 0, 17])).images);
    const [a, b] = [seededSubset(streamed, { train: 40, val: 10 }, 3), seededSubset(inMemory, { train: 40, val: 10 }, 3)];
    expect((await fixedBatch(a!, [0, 5, 39], 'train')).images).toEqual((await fixedBatch(b!, [0, 5, 39], 'train')).images);
    expect(Array.from((await fixedBatch(a!, [9], 'val')).labels)).toEqual(Array.from((await fixedBatch(b!, [9], 'val')).labels));
  });

  it('answers `sample` from the cache only, and names an index out of range or a damaged chunk', async () => {
    const { cache } = cacheOf(2);
    const streamed = streamedDataset(set.meta, cache, 8);
    expect(() => streamed.sample('train', 3)).toThrow(/streams from storage: its train image 3 is not in memory/);
    await cache.get(0);
    expect(streamed.sample('train', 3)).toEqual(inMemory.sample('train', 3));
    await expect(fixedBatch(streamed, [30])).rejects.toThrow(/val index 30 out of range \[0, 30\)/);
    const short = new ChunkCache(CHUNK * 4, async (i) => ({ ...set.chunk(i), labels: new Int16Array(3) }));
    await expect(fixedBatch(streamedDataset(set.meta, short, 8), [0])).rejects.toThrow(/stored chunk 19 holds 3 images where 10 were expected/);
  });

  it('streams a dataset 64 times its cache with the worker memory bounded by the cache', async () => {
    // 40 000 images at 16 px: 30.7 MB stored, through a 480 KB cache (64 chunks of 100 images).
    const big = syntheticStored({ train: 39_000, val: 1_000, storedSize: 16, perChunk: 100 });
    const one = chunkBytes(big.chunk(0));
    let reads = 0;
    const cache = new ChunkCache(Math.floor(big.meta.bytes / 64), async (i) => (reads++, big.chunk(i)));
    const loader = new BatchLoader(streamedDataset(big.meta, cache, 16), 64, 1);
    const seen = new Set<number>();
    for (let k = 0; k < 60; k++) for (const l of (await loader.next(true)).labels) seen.add(l);
    expect(seen).toEqual(new Set([0, 1, 2]));
    expect(cache.stats().peakBytes).toBeLessThanOrEqual(cache.capacityBytes);
    expect(cache.capacityBytes).toBeGreaterThanOrEqual(one);
    expect(reads).toBeGreaterThan(60 * 40); // nearly every image's chunk came from the store
  });
});
