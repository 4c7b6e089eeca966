// The notebook's first real dataset: Fashion-MNIST's test split (Xiao, Rasul & Vollgraf 2017,
// arXiv:1708.07747; MIT licence, public/datasets/fashion-mnist/), 10 000 grayscale 28×28 images of
// ten kinds of clothing, 1 000 a class. It is split here by a seeded per-class split into 8 000
// training and 2 000 validation images (800 / 200 a class): the training split is what pretraining
// and the probes learn from, the validation split what they are scored on. The files are fetched
// only when the dataset is chosen (the worker, ../worker/fashionFetch.ts) or read from disk (Node,
// ../testing/nodeDatasets.ts); both hand them to `fashionMnistDataset`, so the pixels and the split
// are the same in the browser and in the bench.
import { readIdxWhole } from './idx';
import type { LabelledDataset, Sample, Split } from './shapes';
import { seededLabelSplit } from './split';

export const FASHION_MNIST_ID = 'fashion-mnist';

export const FASHION_MNIST = {
  id: FASHION_MNIST_ID,
  label: 'Fashion-MNIST (test split, 10 000 images)',
  /** Beside index.html (public/): fetched on first use, then kept by the browser for offline use. */
  dir: 'datasets/fashion-mnist',
  images: 't10k-images-idx3-ubyte.gz',
  labels: 't10k-labels-idx1-ubyte.gz',
  /** The share of each class held out for validation, and the split's seed: 8 000 / 2 000. */
  valShare: 0.2,
  splitSeed: 0,
  trainSize: 8_000,
  valSize: 2_000,
  side: 28,
} as const;

/** Label i's name (the dataset's README). */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/** KMNIST's ten classes (Clanuwat et al. 2018): the hiragana, romanized. */
export const KMNIST_CLASSES = ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo'] as const;

/**
 * Grayscale [side, side] to planar RGB [3, side, side], the stored layout. `transpose` swaps rows and
 * columns: EMNIST's files hold each image transposed (its readme says so), and only the name tells.
 */
export function grayToRgb(gray: Uint8Array, side: number, transpose = false): Uint8Array {
  const plane = side * side;
  const out = new Uint8Array(3 * plane);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const v = gray[transpose ? x * side + y : y * side + x]!;
      const o = y * side + x;
      out[o] = v;
      out[plane + o] = v;
      out[2 * plane + o] = v;
    }
  return out;
}

/** The indices of each split, in file order, from a val mask. */
export function splitIndices(val: Uint8Array): { train: number[]; val: number[] } {
  const out = { train: [] as number[], val: [] as number[] };
  val.forEach((v, i) => out[v ? 'val' : 'train'].push(i));
  return out;
}

/** Fashion-MNIST's files as a dataset whose batches are `imgSize` px (its images stay 28 px: `sampleSize`). */
export async function fashionMnistDataset(images: Blob, labels: Blob, imgSize: number): Promise<LabelledDataset> {
  const F = FASHION_MNIST;
  const [im, lb] = await Promise.all([readIdxWhole(images), readIdxWhole(labels)]);
  const [n, rows, cols] = im.header.dims as [number, number, number];
  const what = `Fashion-MNIST's files (${F.dir}) are not the ones shipped with the notebook`;
  if (im.header.dims.length !== 3 || rows !== F.side || cols !== F.side || lb.header.dims.length !== 1)
    throw new Error(`${what}: images [${im.header.dims.join(', ')}], labels [${lb.header.dims.join(', ')}]`);
  if (lb.values.length !== n) throw new Error(`${what}: ${n} images but ${lb.values.length} labels`);
  const bad = lb.values.findIndex((l) => l >= FASHION_MNIST_CLASSES.length);
  if (bad >= 0) throw new Error(`${what}: item ${bad} has label ${lb.values[bad]}`);
  const split = splitIndices(seededLabelSplit(lb.values, { valShare: F.valShare, seed: F.splitSeed }));
  const plane = F.side * F.side;
  return {
    name: 'Fashion-MNIST',
    imgSize,
    sampleSize: F.side,
    classes: FASHION_MNIST_CLASSES,
    trainSize: split.train.length,
    valSize: split.val.length,
    sample(s: Split, index: number): Sample {
      const which = split[s];
      if (!(index >= 0 && index < which.length)) throw new Error(`Fashion-MNIST: ${s} index ${index} out of range [0, ${which.length})`);
      const i = which[index]!;
      const rgb = grayToRgb(im.values.subarray(i * plane, (i + 1) * plane), F.side);
      const image = new Float32Array(rgb.length);
      for (let k = 0; k < rgb.length; k++) image[k] = rgb[k]! / 255;
      return { image, label: lb.values[i]! };
    },
  };
}
