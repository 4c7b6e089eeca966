// A dataset whose training images turn to NaN from a given batch on (read in order), for tests of
// what a run does when its loss stops being finite.
import type { LabelledDataset } from '../data/shapes';

/** `ds`, whose training samples are NaN from the `nanFrom`-th batch of `batchSize` read on. */
export function nanFromBatch(ds: LabelledDataset, batchSize: number, nanFrom: number): LabelledDataset {
  let read = 0;
  return {
    ...ds,
    sample: (split, i) => {
      const s = ds.sample(split, i);
      if (split !== 'train' || read++ < nanFrom * batchSize) return s;
      return { ...s, image: new Float32Array(s.image.length).fill(NaN) };
    },
  };
}
