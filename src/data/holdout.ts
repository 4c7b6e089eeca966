// A validation split carved from a dataset's training images, so settings can be chosen on images
// the reported (test) split never contributes to: a seeded permutation of the training split gives
// `val` images to validate on and the next `train` images to train on (fewer when the split holds
// fewer). The dataset's own held-out split is not touched.
import { Rng } from '../model/random';
import type { LabelledDataset, Split } from './shapes';

export function validationFromTraining(ds: LabelledDataset, sizes: { train: number; val: number }, seed: number): LabelledDataset {
  const n = ds.trainSize;
  if (n < 2) throw new Error(`${ds.name} has ${n} training images: too few to carve a validation split from`);
  const perm = new Rng((seed * 2_654_435_761 + 7) >>> 0).shuffle(Array.from({ length: n }, (_, i) => i));
  const valCount = Math.min(sizes.val, Math.floor(n / 5) || 1, n - 1);
  const maps: Record<Split, number[]> = { val: perm.slice(0, valCount), train: perm.slice(valCount, valCount + sizes.train) };
  const source = (split: Split, index: number): number => {
    const map = maps[split];
    if (!(index >= 0 && index < map.length)) throw new Error(`${ds.name}: ${split} index ${index} out of range [0, ${map.length})`);
    return map[index]!;
  };
  const { read } = ds;
  const patchLabels = ds.patchLabels?.bind(ds);
  return {
    ...ds,
    trainSize: maps.train.length,
    valSize: maps.val.length,
    // Both splits read the source's training images.
    sample: (split, index) => ds.sample('train', source(split, index)),
    read:
      read &&
      ((split, indices, each) =>
        read.call(
          ds,
          'train',
          indices.map((i) => source(split, i)),
          each,
        )),
    ...(patchLabels ? { patchLabels: (split: Split, index: number, patch: number) => patchLabels('train', source(split, index), patch) } : {}),
  };
}
