// Importing a dataset: files in, stored chunks and a summary out. Pure but for two injected pieces,
// the image decoder (the browser's, in the worker) and where chunks go (IndexedDB, or an array in
// tests). A file that cannot be read or decoded is skipped with its reason; nothing else stops.
import { readImageHeader } from './imageHeader';
import { planImport } from './imagePolicy';
import { CIFAR_PIXELS, CIFAR_RECORD, CIFAR_SIZE, cifarLengthProblem, cifarRole, parseCifarMeta, parseCifarRecords } from './cifar';
import { planImageFolder, type Skipped } from './imageFolder';
import type { Split } from './shapes';
import { ChunkWriter, MAX_SKIPPED_LISTED, thumbnail, type DatasetMeta, type PutChunk } from './stored';
import { formatBytes } from './zip';

/**
 * Decodes an encoded image to planar uint8 RGB [3, size, size]: the centre square, resized. `fit`, when
 * the header showed a large image, asks the decoder for a bitmap of that size first.
 */
export type DecodeImage = (bytes: Uint8Array, size: number, fit?: { readonly width: number; readonly height: number } | null) => Promise<Uint8Array>;

/** A file to import: a File from a picker or a drop, or an entry of a zip. */
export interface SourceFile {
  readonly path: string;
  /** Its size in bytes when known before reading it (a File's, a zip entry's declared size). */
  readonly size?: number;
  bytes(): Promise<Uint8Array>;
  /** Bytes [start, end) alone, when the file can be read in pieces (a File, through Blob.slice). */
  slice?(start: number, end: number): Promise<Uint8Array>;
}

const MiB = 1024 * 1024;
/**
 * Largest image file an import reads: it is held whole to be decoded, in the worker that also trains.
 * The zip reader's limit for one entry (ZIP_LIMITS.maxEntryBytes), so a folder and a zip agree.
 */
export const MAX_IMAGE_FILE_BYTES = 256 * MiB;
/** batches.meta.txt names ten classes in ~60 bytes; anything this large is not it. */
const MAX_META_BYTES = 64 * 1024;
/** CIFAR records read at once: 3 MB, so a batch file of any size costs the worker that much. */
const CIFAR_PIECE_RECORDS = 1024;

/** Reads a file's bytes [start, end): a slice where it can, else from its whole bytes read once. */
function ranges(f: SourceFile): { size(): Promise<number>; read(start: number, end: number): Promise<Uint8Array> } {
  let whole: Promise<Uint8Array> | null = null;
  const all = () => (whole ??= f.bytes());
  return {
    size: async () => f.size ?? (await all()).length,
    read: async (start, end) => (f.slice ? f.slice(start, end) : (await all()).subarray(start, end)),
  };
}

export interface ImportHooks {
  readonly put: PutChunk;
  /** Files (or CIFAR records) done of the total, and how many were skipped so far. */
  progress(done: number, total: number, skipped: number): void;
  readonly cancelled: () => boolean;
}

export class ImportCancelled extends Error {
  constructor() {
    super('the import was cancelled');
  }
}

/** What an import adds to the id, name, source and time the caller knows. */
export type ImportResult = Omit<DatasetMeta, 'id' | 'name' | 'source' | 'status' | 'createdAt'>;

const PREVIEW_SIZE = 32;
const PREVIEW_MAX = 24;

/** Counts per class and split, and a few thumbnails per class, gathered as images are written. */
export class Tally {
  readonly counts: { train: number[]; val: number[] };
  private readonly thumbs: { rgba: Uint8ClampedArray; label: number }[] = [];
  private readonly perClass: number;

  constructor(
    readonly classes: readonly string[],
    readonly storedSize: number,
  ) {
    const k = Math.max(1, classes.length);
    this.counts = { train: new Array<number>(k).fill(0), val: new Array<number>(k).fill(0) };
    this.perClass = Math.max(1, Math.min(4, Math.floor(PREVIEW_MAX / k)));
  }

  add(px: Uint8Array, label: number, split: Split): void {
    const k = Math.max(0, label);
    this.counts[split][k]!++;
    if (this.thumbs.length < PREVIEW_MAX && this.thumbs.filter((t) => Math.max(0, t.label) === k).length < this.perClass)
      this.thumbs.push({ rgba: thumbnail(px, this.storedSize, Math.min(PREVIEW_SIZE, this.storedSize)), label });
  }

  preview(): DatasetMeta['preview'] {
    const size = Math.min(PREVIEW_SIZE, this.storedSize);
    const rgba = new Uint8ClampedArray(this.thumbs.length * size * size * 4);
    this.thumbs.forEach((t, i) => rgba.set(t.rgba, i * size * size * 4));
    return { size, count: this.thumbs.length, rgba, labels: this.thumbs.map((t) => t.label) };
  }
}

/** The import's summary from its writer, tally and skipped files. */
export function result(w: ChunkWriter, t: Tally, skipped: Skipped[], split: DatasetMeta['split']): ImportResult {
  return {
    storedSize: w.storedSize,
    classes: t.classes,
    trainSize: t.counts.train.reduce((a, b) => a + b, 0),
    valSize: t.counts.val.reduce((a, b) => a + b, 0),
    counts: t.counts,
    split,
    imagesPerChunk: w.perChunk,
    chunks: w.chunks,
    bytes: w.bytes,
    skipped: skipped.slice(0, MAX_SKIPPED_LISTED),
    skippedCount: skipped.length,
    preview: t.preview(),
  };
}

export interface FolderOptions {
  /** Share of each class held out when there are no train/ and val/ folders, in [0, 1). */
  readonly valShare: number;
  readonly seed: number;
  /** Side of the stored square images, px. */
  readonly storedSize: number;
  /** IDX imports only: swap each image's rows and columns (EMNIST's files are transposed); unset, by the file name. */
  readonly idxTranspose?: boolean;
}

/** Imports an image folder (or a zip's entries) in the ImageFolder convention. */
export async function importImageFolder(
  datasetId: string,
  files: readonly SourceFile[],
  o: FolderOptions,
  decode: DecodeImage,
  hooks: ImportHooks,
): Promise<ImportResult> {
  if (!(Number.isInteger(o.storedSize) && o.storedSize >= 8 && o.storedSize <= 512))
    throw new Error(`the stored image size must be a whole number of pixels from 8 to 512, got ${o.storedSize}`);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const plan = planImageFolder([...byPath.keys()], o);
  if (plan.files.length === 0)
    throw new Error(
      files.length === 0
        ? 'the folder is empty'
        : `none of its ${files.length} files is an image (${plan.skipped[0]?.path ?? 'only hidden files'}${plan.skipped.length > 1 ? ', …' : ''})`,
    );
  const skipped = [...plan.skipped];
  const w = new ChunkWriter(datasetId, o.storedSize, hooks.put);
  const t = new Tally(plan.classes, o.storedSize);
  const total = plan.files.length;
  for (let i = 0; i < total; i++) {
    if (hooks.cancelled()) throw new ImportCancelled();
    const f = plan.files[i]!;
    let px: Uint8Array;
    let stage = 'read';
    const file = byPath.get(f.path)!;
    if (file.size !== undefined && file.size > MAX_IMAGE_FILE_BYTES) {
      skipped.push({
        path: f.path,
        reason: `refused before reading: ${formatBytes(file.size)} is more than an imported image file may be (${formatBytes(MAX_IMAGE_FILE_BYTES)})`,
      });
      hooks.progress(i + 1, total, skipped.length);
      continue;
    }
    try {
      const bytes = await file.bytes();
      // The lab's policy, from the header alone: nothing too large or broken reaches the decoder.
      const plan = planImport(readImageHeader(bytes));
      if (!plan.ok) {
        skipped.push({ path: f.path, reason: plan.reason });
        hooks.progress(i + 1, total, skipped.length);
        continue;
      }
      stage = 'decoded';
      px = await decode(bytes, o.storedSize, plan.fit);
    } catch (e) {
      // A cancel can surface as the failure of the file being read (a zip entry stops mid-inflation):
      // that is the import ending, not a file to skip.
      if (hooks.cancelled()) throw new ImportCancelled();
      skipped.push({ path: f.path, reason: `could not be ${stage}: ${(e as Error).message}` });
      hooks.progress(i + 1, total, skipped.length);
      continue;
    }
    // The val images follow all training images, as the stored layout wants: the plan sorted them so.
    await w.add(px, f.label);
    t.add(px, f.label, f.split);
    hooks.progress(i + 1, total, skipped.length);
  }
  await w.flush();
  if (w.count === 0) throw new Error(`none of its ${total} images could be decoded (${skipped.at(-1)?.path}: ${skipped.at(-1)?.reason})`);
  return result(w, t, skipped, plan.splitBy === 'folders' ? { by: 'folders' } : { by: 'seed', valShare: o.valShare, seed: o.seed });
}

/**
 * Imports CIFAR-10 binary batches: data_batch_N.bin for training, test_batch.bin for val. Each file is
 * read in pieces of whole records (Blob slices), twice: once for its labels, so a bad record skips the
 * whole file before any of it is kept, then for its pixels. Memory stays at a piece and a chunk.
 */
export async function importCifar10(datasetId: string, files: readonly SourceFile[], hooks: ImportHooks): Promise<ImportResult> {
  const meta = files.find((f) => cifarRole(f.path) === 'meta');
  if (!meta) throw new Error('batches.meta.txt is missing: choose it together with the .bin batches (it names the classes)');
  if (meta.size !== undefined && meta.size > MAX_META_BYTES)
    throw new Error(`batches.meta.txt is ${formatBytes(meta.size)}; the real one names ten classes in a few dozen bytes`);
  const classes = parseCifarMeta(new TextDecoder().decode(await meta.bytes()));
  const byName = (a: SourceFile, b: SourceFile) => (a.path < b.path ? -1 : 1);
  const train = files.filter((f) => cifarRole(f.path) === 'train').sort(byName);
  const val = files.filter((f) => cifarRole(f.path) === 'val');
  if (train.length === 0) throw new Error('no training batch (data_batch_1.bin … data_batch_5.bin) among the chosen files');
  const skipped: Skipped[] = files
    .filter((f) => cifarRole(f.path) === 'other')
    .map((f) => ({ path: f.path, reason: 'not a CIFAR-10 binary file (data_batch_N.bin, test_batch.bin or batches.meta.txt)' }));
  const w = new ChunkWriter(datasetId, CIFAR_SIZE, hooks.put);
  const t = new Tally(classes, CIFAR_SIZE);
  const batches = [...train.map((f) => [f, 'train'] as const), ...val.slice(0, 1).map((f) => [f, 'val'] as const)];
  const total = batches.length * 10_000; // the usual size; exact counts come from the files
  let done = 0;
  for (const [f, split] of batches) {
    const file = ranges(f);
    const pieces = async function* (): AsyncGenerator<ReturnType<typeof parseCifarRecords>> {
      const count = (await file.size()) / CIFAR_RECORD;
      for (let first = 0; first < count; first += CIFAR_PIECE_RECORDS) {
        if (hooks.cancelled()) throw new ImportCancelled();
        yield parseCifarRecords(await file.read(first * CIFAR_RECORD, Math.min(count, first + CIFAR_PIECE_RECORDS) * CIFAR_RECORD), classes.length, first);
      }
    };
    try {
      const problem = cifarLengthProblem(await file.size());
      if (problem) throw new Error(problem);
      for await (const piece of pieces()) void piece; // the labels pass: it throws on the first bad record
    } catch (e) {
      if (e instanceof ImportCancelled) throw e;
      skipped.push({ path: f.path, reason: (e as Error).message });
      continue;
    }
    for await (const piece of pieces()) {
      for (let i = 0; i < piece.count; i++) {
        if (done % 500 === 0) {
          if (hooks.cancelled()) throw new ImportCancelled();
          hooks.progress(Math.min(done, total), total, skipped.length);
        }
        const px = piece.pixels(i);
        if (px.length !== CIFAR_PIXELS) throw new Error('internal: a CIFAR record of the wrong size');
        await w.add(px, piece.labels[i]!);
        t.add(px, piece.labels[i]!, split);
        done++;
      }
    }
  }
  await w.flush();
  const badTrain = skipped.find((s) => cifarRole(s.path) === 'train');
  if (t.counts.train.every((c) => c === 0)) throw new Error(`no training batch could be read${badTrain ? ` (${badTrain.path}: ${badTrain.reason})` : ''}`);
  hooks.progress(total, total, skipped.length);
  return result(w, t, skipped, { by: 'files' });
}
