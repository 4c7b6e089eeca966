// The images a probe trains and validates on when they are fewer than a dataset holds: the first n
// of a seeded permutation of each split, so a small probe still sees every class (imports are stored
// in class order) and the same seed picks the same images.
import { Rng } from '../model/random';
import type { LabelledDataset, Split } from './shapes';

export function seededSubset(ds: LabelledDataset, sizes: { train: number; val: number }, seed: number): LabelledDataset {
  const pick = (n: number, take: number, salt: number) =>
    take >= n ? null : new Rng((seed * 2_654_435_761 + salt) >>> 0).shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, take);
  const train = pick(ds.trainSize, sizes.train, 1);
  const val = pick(ds.valSize, sizes.val, 2);
  const source = (split: Split, index: number): number => {
    const map = split === 'train' ? train : val;
    const n = map ? map.length : split === 'train' ? ds.trainSize : ds.valSize;
    if (!(index >= 0 && index < n)) throw new Error(`${ds.name}: ${split} index ${index} out of range [0, ${n})`);
    return map ? map[index]! : index;
  };
  const { read } = ds;
  const patchLabels = ds.patchLabels?.bind(ds);
  return {
    ...ds,
    trainSize: train?.length ?? ds.trainSize,
    valSize: val?.length ?? ds.valSize,
    sample: (split, index) => ds.sample(split, source(split, index)),
    // A streamed dataset's reads go through with the indices mapped (a plain spread would pass them as they are).
    read:
      read &&
      ((split, indices, each) =>
        read.call(
          ds,
          split,
          indices.map((i) => source(split, i)),
          each,
        )),
    ...(patchLabels ? { patchLabels: (split: Split, index: number, patch: number) => patchLabels(split, source(split, index), patch) } : {}),
  };
}
