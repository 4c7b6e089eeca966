// The embedded datasets in Node (unit tests, bench/probe.ts): the shapes sets are generated as in the
// worker; Fashion-MNIST is read from the same files the browser fetches (public/datasets/fashion-mnist/)
// through the same fashionMnistDataset, so the split and the pixels match the notebook's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_MNIST, FASHION_MNIST_ID, fashionMnistDataset } from '../data/fashionMnist';
import { builtinDataset, isBuiltinDataset, type LabelledDataset } from '../data/shapes';

/** The folder holding the files, from the repository root (bench and vitest run there). */
export const fashionMnistDir = (root = process.cwd()) => join(root, 'public', FASHION_MNIST.dir);

const blob = (path: string) => new Blob([readFileSync(path)]);

/** Fashion-MNIST (8 000 train / 2 000 val) with batches at `imgSize` px. */
export function loadFashionMnist(imgSize: number, root?: string): Promise<LabelledDataset> {
  const dir = fashionMnistDir(root);
  return fashionMnistDataset(blob(join(dir, FASHION_MNIST.images)), blob(join(dir, FASHION_MNIST.labels)), imgSize);
}

/** An embedded dataset by id, as the worker's datasetFor gives it: 'shapes-easy', 'shapes' or 'fashion-mnist'. */
export async function nodeDataset(id: string, seed: number, imgSize: number): Promise<LabelledDataset> {
  if (id === FASHION_MNIST_ID) return loadFashionMnist(imgSize);
  if (isBuiltinDataset(id)) return builtinDataset(id, seed, imgSize);
  throw new Error(`"${id}" is not an embedded dataset (shapes-easy, shapes, ${FASHION_MNIST_ID})`);
}

/**
 * The dataset ProbeRun takes, as the worker hands it over: none for a shapes set (the probe draws
 * one per seed itself), the loaded dataset otherwise.
 */
export const nodeProbeDataset = async (id: string, imgSize: number): Promise<LabelledDataset | undefined> =>
  isBuiltinDataset(id) ? undefined : nodeDataset(id, 0, imgSize);
