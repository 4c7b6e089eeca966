// An imported dataset read from its stored chunks on demand, through a bounded ChunkCache, instead of
// loaded whole: what lets a dataset larger than the worker's memory train. The images and their order
// are those of the same dataset held in memory (src/testing/storedDataset.ts, the tests' oracle); only where the bytes wait differs.
import type { ChunkCache } from './chunkCache';
import type { LabelledDataset, Sample, Split } from './shapes';
import { chunkSample, storedFields, type DatasetChunk, type DatasetMeta } from './stored';

/** Hands each image of `indices` to `each` with its position: through the cache when the dataset streams. */
export async function readSamples(
  ds: LabelledDataset,
  split: Split,
  indices: readonly number[],
  each: (position: number, sample: Sample) => void,
): Promise<void> {
  if (ds.read) return ds.read(split, indices, each);
  indices.forEach((index, p) => each(p, ds.sample(split, index)));
}

/** A stored dataset whose chunks come through `cache`; batches are `imgSize` px. */
export function streamedDataset(meta: DatasetMeta, cache: ChunkCache, imgSize: number): LabelledDataset {
  const R = meta.storedSize;
  const plane = 3 * R * R;
  const per = meta.imagesPerChunk;
  const total = meta.trainSize + meta.valSize;
  /** Index among all stored images (train first, then val), range-checked. */
  const globalIndex = (split: Split, index: number) => {
    const n = split === 'train' ? meta.trainSize : meta.valSize;
    if (!(Number.isInteger(index) && index >= 0 && index < n)) throw new Error(`${meta.name}: ${split} index ${index} out of range [0, ${n})`);
    return split === 'train' ? index : meta.trainSize + index;
  };
  // A chunk that is not what the summary promises (a store edited or cut short) is named, not misread.
  const checked = (ci: number, c: DatasetChunk) => {
    const count = Math.min(per, total - ci * per);
    if (c.labels.length !== count || c.pixels.length !== count * plane)
      throw new Error(`${meta.name}: stored chunk ${ci} holds ${c.labels.length} images where ${count} were expected; delete the dataset and import it again`);
    return c;
  };
  return {
    ...storedFields(meta, imgSize),
    sample(split, index) {
      const g = globalIndex(split, index);
      const c = cache.peek(Math.floor(g / per));
      if (!c) throw new Error(`${meta.name} streams from storage: its ${split} image ${index} is not in memory; read it with readSamples`);
      return chunkSample(checked(Math.floor(g / per), c), g % per, plane);
    },
    async read(split, indices, each) {
      const byChunk = new Map<number, number[]>();
      indices.forEach((index, p) => {
        const ci = Math.floor(globalIndex(split, index) / per);
        const list = byChunk.get(ci);
        if (list) list.push(p);
        else byChunk.set(ci, [p]);
      });
      // Chunks already kept first: reading a missing one may evict them before their turn otherwise.
      // One chunk at a time, so a batch adds at most one chunk to memory beyond the cache's bound.
      const order = [...byChunk.keys()].sort((a, b) => Number(cache.has(b)) - Number(cache.has(a)) || a - b);
      for (const ci of order) {
        const c = checked(ci, await cache.get(ci));
        for (const p of byChunk.get(ci)!) each(p, chunkSample(c, globalIndex(split, indices[p]!) % per, plane));
      }
    },
  };
}
