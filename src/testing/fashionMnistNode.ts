// Fashion-MNIST's embedded test split in Node (unit tests, bench/probe.ts): the same files the
// browser fetches (public/datasets/fashion-mnist/), through the same fashionMnistDataset, so the
// split and the pixels match the notebook's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_MNIST, fashionMnistDataset } from '../data/fashionMnist';
import type { LabelledDataset } from '../data/shapes';

/** The folder holding the files, from the repository root (bench and vitest run there). */
export const fashionMnistDir = (root = process.cwd()) => join(root, 'public', FASHION_MNIST.dir);

const blob = (path: string) => new Blob([readFileSync(path)]);

/** Fashion-MNIST (8 000 train / 2 000 val) with batches at `imgSize` px. */
export function loadFashionMnist(imgSize: number, root?: string): Promise<LabelledDataset> {
  const dir = fashionMnistDir(root);
  return fashionMnistDataset(blob(join(dir, FASHION_MNIST.images)), blob(join(dir, FASHION_MNIST.labels)), imgSize);
}
