// A stored dataset made up for tests: a summary and chunks that are pure functions of their index, so a
// test can serve a dataset far larger than its cache (or its memory) without keeping it anywhere.
import type { DatasetChunk, DatasetMeta } from '../data/stored';

export interface Synthetic {
  readonly meta: DatasetMeta;
  /** Chunk i, made afresh on every call (as a read from storage would). */
  chunk(index: number): DatasetChunk;
  /** Every chunk, for the same dataset held whole in memory. */
  all(): DatasetChunk[];
}

export function syntheticStored(o: { train: number; val: number; storedSize: number; perChunk: number; classes?: number }): Synthetic {
  const R = o.storedSize;
  const plane = 3 * R * R;
  const total = o.train + o.val;
  const k = o.classes ?? 3;
  const chunks = Math.ceil(total / o.perChunk);
  const meta: DatasetMeta = {
    id: 'synthetic',
    name: 'synthetic',
    source: 'folder',
    status: 'ready',
    storedSize: R,
    classes: Array.from({ length: k }, (_, i) => `c${i}`),
    trainSize: o.train,
    valSize: o.val,
    counts: { train: [], val: [] },
    split: { by: 'files' },
    imagesPerChunk: o.perChunk,
    chunks,
    bytes: total * (plane + 2),
    skipped: [],
    skippedCount: 0,
    preview: { size: 0, count: 0, rgba: new Uint8ClampedArray(0), labels: [] },
    createdAt: 0,
  };
  const chunk = (index: number): DatasetChunk => {
    if (!(index >= 0 && index < chunks)) throw new Error(`no chunk ${index}`);
    const first = index * o.perChunk;
    const count = Math.min(o.perChunk, total - first);
    const pixels = new Uint8Array(count * plane);
    const labels = new Int16Array(count);
    for (let j = 0; j < count; j++) {
      const g = first + j;
      labels[j] = g % k;
      // Each image its own gradient, its class in the red level: distinct images, learnable labels.
      for (let c = 0; c < 3; c++)
        for (let i = 0; i < R * R; i++)
          pixels[j * plane + c * R * R + i] = (c === 0 ? 60 + 60 * (g % k) : (g * 37 + c * 11 + (i % R) * 5 + Math.floor(i / R) * 3) & 255) & 255;
    }
    return { datasetId: meta.id, index, pixels, labels };
  };
  return { meta, chunk, all: () => Array.from({ length: chunks }, (_, i) => chunk(i)) };
}
