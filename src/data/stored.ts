// An imported dataset as it is kept: square uint8 planar RGB images [3, R, R] at one stored side R,
// in chunks of whole images (no single huge record), training images first, then validation
// images. Batches are made from it at the preset's size through the usual augmentation.
import { resizeCrop } from './augment';
import type { Skipped } from './imageFolder';
import type { LabelledDataset, Sample } from './shapes';

/** The summary of an imported dataset: everything but its pixels (small; the page lists these). */
export interface DatasetMeta {
  readonly id: string;
  readonly name: string;
  readonly source: 'folder' | 'zip' | 'cifar10' | 'idx';
  /** 'importing' until every chunk is written; an import a reload cut short is deleted at start. */
  readonly status: 'importing' | 'ready';
  /** While importing: files (or records) done of the total, kept now and then so an import cut short can say how far it came. */
  readonly progress?: { readonly done: number; readonly total: number };
  /** Side of the stored square images, px. */
  readonly storedSize: number;
  /** Class names; empty for an unlabelled set (pretraining only). */
  readonly classes: readonly string[];
  readonly trainSize: number;
  readonly valSize: number;
  /** Images per class, per split (one entry for an unlabelled set). */
  readonly counts: { readonly train: readonly number[]; readonly val: readonly number[] };
  /** How the split was made: train/ and val/ folders, the CIFAR or IDX files, or the seed. */
  readonly split: { readonly by: 'folders' | 'files' } | { readonly by: 'seed'; readonly valShare: number; readonly seed: number };
  readonly imagesPerChunk: number;
  readonly chunks: number;
  /** Bytes of pixels and labels kept. */
  readonly bytes: number;
  /** Files that were left out, with why (the first MAX_SKIPPED_LISTED), and how many there were. */
  readonly skipped: readonly Skipped[];
  readonly skippedCount: number;
  /** A few RGBA thumbnails with their labels, for the panel. */
  readonly preview: { readonly size: number; readonly count: number; readonly rgba: Uint8ClampedArray; readonly labels: readonly number[] };
  readonly createdAt: number;
}

export interface DatasetChunk {
  readonly datasetId: string;
  readonly index: number;
  /** count images, [count, 3, R, R] uint8. */
  readonly pixels: Uint8Array;
  /** count labels, -1 where unlabelled. */
  readonly labels: Int16Array;
}

export const MAX_SKIPPED_LISTED = 200;
/** Target bytes per chunk record. */
const CHUNK_BYTES = 2 << 20;
export const imagesPerChunk = (storedSize: number) => Math.max(1, Math.floor(CHUNK_BYTES / (3 * storedSize * storedSize)));
export const isLabelled = (m: Pick<DatasetMeta, 'classes'>) => m.classes.length > 0;

/** The fields every dataset of stored images shares: its name, sizes and classes. */
export function storedFields(meta: DatasetMeta, imgSize: number): Omit<LabelledDataset, 'sample'> {
  return { name: meta.name, imgSize, sampleSize: meta.storedSize, classes: meta.classes, trainSize: meta.trainSize, valSize: meta.valSize };
}

/** Image k of a chunk as RGB in [0, 1] (a new array: the chunk is shared). */
export function chunkSample(c: DatasetChunk, k: number, plane: number): Sample {
  const px = c.pixels.subarray(k * plane, (k + 1) * plane);
  const image = new Float32Array(plane);
  for (let i = 0; i < plane; i++) image[i] = px[i]! / 255;
  return { image, label: c.labels[k]! };
}

/** A square RGBA thumbnail of a planar uint8 image, resampled bilinearly. */
export function thumbnail(px: Uint8Array, R: number, T: number): Uint8ClampedArray {
  const f = new Float32Array(px.length);
  for (let i = 0; i < px.length; i++) f[i] = px[i]! / 255;
  const small = T === R ? f : resizeCrop(f, R, R, { top: 0, left: 0, height: R, width: R }, T);
  const out = new Uint8ClampedArray(T * T * 4);
  for (let i = 0; i < T * T; i++) {
    for (let c = 0; c < 3; c++) out[i * 4 + c] = Math.round(small[c * T * T + i]! * 255);
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Where chunks go: IndexedDB in the worker, an array in tests. */
export type PutChunk = (chunk: DatasetChunk) => Promise<void>;

/** Gathers images into chunks of whole images and hands each full chunk to `put`. */
export class ChunkWriter {
  readonly perChunk: number;
  private pixels: Uint8Array;
  private labels: Int16Array;
  private fill = 0;
  chunks = 0;
  count = 0;

  constructor(
    private readonly datasetId: string,
    readonly storedSize: number,
    private readonly put: PutChunk,
  ) {
    this.perChunk = imagesPerChunk(storedSize);
    this.pixels = new Uint8Array(this.perChunk * 3 * storedSize * storedSize);
    this.labels = new Int16Array(this.perChunk);
  }

  async add(px: Uint8Array, label: number): Promise<void> {
    const plane = 3 * this.storedSize * this.storedSize;
    if (px.length !== plane) throw new Error(`an image of ${px.length} bytes where ${plane} were expected`);
    this.pixels.set(px, this.fill * plane);
    this.labels[this.fill] = label;
    this.fill++;
    this.count++;
    if (this.fill === this.perChunk) await this.flush();
  }

  /** Writes the partial last chunk (trimmed to its images). */
  async flush(): Promise<void> {
    if (this.fill === 0) return;
    const plane = 3 * this.storedSize * this.storedSize;
    await this.put({ datasetId: this.datasetId, index: this.chunks, pixels: this.pixels.slice(0, this.fill * plane), labels: this.labels.slice(0, this.fill) });
    this.chunks++;
    this.fill = 0;
  }

  get bytes(): number {
    return this.count * (3 * this.storedSize * this.storedSize + 2);
  }
}
