// Stored images held in memory as a dataset: the test oracle the streamed dataset (src/data/streamed.ts),
// which reads the same chunks through its cache, is checked against.
import type { LabelledDataset, Sample, Split } from '../data/shapes';
import { chunkSample, storedFields, type DatasetChunk, type DatasetMeta } from '../data/stored';

/** Stored images as a dataset whose batches are `imgSize` px; `sample` returns them at the stored side. */
export function storedDataset(meta: DatasetMeta, chunks: readonly DatasetChunk[], imgSize: number): LabelledDataset {
  const R = meta.storedSize;
  const plane = 3 * R * R;
  if (chunks.length !== meta.chunks) throw new Error(`dataset ${meta.name} has ${chunks.length} of its ${meta.chunks} chunks; delete it and import it again`);
  return {
    ...storedFields(meta, imgSize),
    sample(split: Split, index: number): Sample {
      const n = split === 'train' ? meta.trainSize : meta.valSize;
      if (!(index >= 0 && index < n)) throw new Error(`${meta.name}: ${split} index ${index} out of range [0, ${n})`);
      const g = split === 'train' ? index : meta.trainSize + index;
      return chunkSample(chunks[Math.floor(g / meta.imagesPerChunk)]!, g % meta.imagesPerChunk, plane);
    },
  };
}
