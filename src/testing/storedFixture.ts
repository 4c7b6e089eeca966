// An imported dataset held in memory for tests: colour-coded classes through the real import
// pipeline, with a stand-in decoder (Node has no image decoder) and chunks kept in an array.
import { importImageFolder, type DecodeImage } from '../data/datasetImport';
import type { LabelledDataset } from '../data/shapes';
import type { DatasetChunk } from '../data/stored';
import { storedDataset } from './storedDataset';
import { Rng } from '../model/random';

/** "Decodes" [r, g, b, seed] into a noisy square of that colour. */
const decode: DecodeImage = async (bytes, size) => {
  const rng = new Rng(bytes[3]!);
  const out = new Uint8Array(3 * size * size);
  for (let c = 0; c < 3; c++) for (let i = 0; i < size * size; i++) out[c * size * size + i] = Math.max(0, Math.min(255, bytes[c]! + rng.randint(-40, 40)));
  return out;
};

const COLOURS = [
  [220, 30, 30],
  [30, 200, 40],
  [40, 40, 230],
] as const;

/** `perClass` images in each of three classes (or one unlabelled folder), stored at `storedSize`. */
export async function colourDataset(o: { perClass: number; storedSize: number; imgSize: number; labelled?: boolean }): Promise<LabelledDataset> {
  const files = COLOURS.flatMap((rgb, k) =>
    Array.from({ length: o.perClass }, (_, i) => ({
      path: o.labelled === false ? `set/${k}-${i}.png` : `set/c${k}/${i}.png`,
      bytes: async () => Uint8Array.from([...rgb, k * 100 + i]),
    })),
  );
  const chunks: DatasetChunk[] = [];
  const r = await importImageFolder('colours', files, { valShare: 0.25, seed: 0, storedSize: o.storedSize }, decode, {
    put: async (c) => void chunks.push(c),
    progress: () => undefined,
    cancelled: () => false,
  });
  return storedDataset({ ...r, id: 'colours', name: 'colours', source: 'folder', status: 'ready', createdAt: 0 }, chunks, o.imgSize);
}
