// The worker's datasets: imports (decode, keep in IndexedDB, report progress, cancel) and the
// dataset a run asks for by id (the shapes sets are generated, Fashion-MNIST is fetched once and
// cached by ./fashionFetch.ts; an import streams from IndexedDB through a chunk cache of
// CHUNK_CACHE_BYTES, kept while runs use that dataset).
import { ChunkCache, CHUNK_CACHE_BYTES } from '../data/chunkCache';
import { chunkReader, deleteDataset, getDatasetMeta, putDatasetChunk, putDatasetMeta } from '../data/datasetDb';
import { importLock, withLock } from '../data/locks';
import { ImportCancelled, importCifar10, importImageFolder, type ImportResult, type SourceFile } from '../data/datasetImport';
import { importIdx } from '../data/idxImport';
import { FASHION_MNIST_ID } from '../data/fashionMnist';
import { builtinDataset, isBuiltinDataset, type LabelledDataset } from '../data/shapes';
import type { DatasetMeta } from '../data/stored';
import { streamedDataset } from '../data/streamed';
import { readZip } from '../data/zip';
import type { ToWorker } from '../protocol/messages';
import { decodeImage } from './decodeImage';
import { fashionMnist } from './fashionFetch';
import type { Post } from './pretrainRun';

const PROGRESS_EVERY_MS = 150;
/** How often an import's progress is written to its summary (for the report if it is cut short). */
const KEEP_PROGRESS_EVERY_MS = 1000;

/** Imports in flight, by id, with their cancel flags. */
const cancelled = new Map<string, boolean>();
/**
 * The imported dataset last asked for, with its cache, shared by the runs on it. Asking for another
 * drops this one's chunks; a run still training on it refills its cache up to the same bound, so the
 * worker holds at most one cache per dataset in use (a pretraining run and an evaluation at most).
 */
let open: { meta: DatasetMeta; cache: ChunkCache; close(): void } | null = null;

/** The cache's size for datasets opened from now on: CHUNK_CACHE_BYTES but in tests. */
let cacheBytes = CHUNK_CACHE_BYTES;

/** Fault hook: each imported chunk's write waits this long first, as on a slow disk (0: no wait). */
let writeDelayMs = 0;
export function setWriteDelayForTest(ms: number): void {
  writeDelayMs = ms;
}

export function setChunkCacheBytes(bytes: number): void {
  if (!(bytes > 0)) throw new Error(`a chunk cache needs a positive size, got ${bytes} bytes`);
  cacheBytes = bytes;
  if (open) forgetDataset(open.meta.id);
}

/** The dataset named in a run's config, with batches at `imgSize`. */
export async function datasetFor(id: string, seed: number, imgSize: number, sizes?: { train: number; val: number }): Promise<LabelledDataset> {
  if (isBuiltinDataset(id)) return builtinDataset(id, seed, imgSize, sizes);
  if (id === FASHION_MNIST_ID) return fashionMnist(imgSize);
  if (open?.meta.id !== id) {
    forgetDataset(open?.meta.id ?? ''); // let the previous one's chunks go before reading the next
    const meta = await getDatasetMeta(id);
    if (!meta || meta.status !== 'ready') throw new Error(`the dataset ${id} is not kept in this browser any more; import it again or choose another`);
    const reader = chunkReader(id);
    open = { meta, cache: new ChunkCache(cacheBytes, reader.read), close: reader.close };
  }
  return streamedDataset(open.meta, open.cache, imgSize);
}

export function forgetDataset(id: string): void {
  if (open?.meta.id !== id) return;
  open.cache.clear();
  open.close();
  open = null;
}

export function cancelImport(id: string): void {
  if (cancelled.has(id)) cancelled.set(id, true);
}

/** A chosen file, read lazily: whole (an image, after its size is checked) or in slices (a CIFAR batch). */
const fromBlob = (path: string, file: Blob): SourceFile => ({
  path,
  size: file.size,
  bytes: async () => new Uint8Array(await file.arrayBuffer()),
  slice: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()),
});

/**
 * Runs one import to its end; whatever happens, a failed import leaves nothing behind. It holds the
 * import's lock throughout, so another tab's worker starting meanwhile sees it is owned and keeps it.
 */
export function runImport(msg: Extract<ToWorker, { type: 'data/import' }>, post: Post): Promise<void> {
  return withLock(importLock(msg.id), () => importHoldingLock(msg, post));
}

async function importHoldingLock(msg: Extract<ToWorker, { type: 'data/import' }>, post: Post): Promise<void> {
  const { id, name, kind } = msg;
  cancelled.set(id, false);
  const placeholder: DatasetMeta = {
    id,
    name,
    source: kind,
    status: 'importing',
    storedSize: msg.options.storedSize,
    classes: [],
    trainSize: 0,
    valSize: 0,
    counts: { train: [], val: [] },
    split: { by: 'files' },
    imagesPerChunk: 1,
    chunks: 0,
    bytes: 0,
    skipped: [],
    skippedCount: 0,
    preview: { size: 0, count: 0, rgba: new Uint8ClampedArray(0), labels: [] },
    createdAt: Date.now(),
  };
  let last = 0;
  let lastKept = 0;
  /** The progress writes, in order; awaited before the final summary so none lands after it. */
  let keeping = Promise.resolve();
  const hooks = {
    put: (c: Parameters<typeof putDatasetChunk>[0]) =>
      writeDelayMs > 0 ? new Promise((r) => setTimeout(r, writeDelayMs)).then(() => putDatasetChunk(c)) : putDatasetChunk(c),
    cancelled: () => cancelled.get(id) === true,
    progress(done: number, total: number, skipped: number) {
      const now = performance.now();
      if (now - last < PROGRESS_EVERY_MS && done < total) return;
      last = now;
      post({ type: 'data/progress', id, done, total, skipped });
      // Not awaited, and rarely: only an import cut short reads it (see deleteUnfinishedImports).
      if (now - lastKept > KEEP_PROGRESS_EVERY_MS) {
        lastKept = now;
        keeping = keeping.then(() => putDatasetMeta({ ...placeholder, progress: { done, total } })).catch(() => undefined);
      }
    },
  };
  try {
    // Written first, so an import a reload cuts short is found and removed at the next start.
    await putDatasetMeta(placeholder);
    let result: ImportResult;
    if (kind === 'idx')
      result = await importIdx(id, msg.files, { valShare: msg.options.valShare, seed: msg.options.seed, transpose: msg.options.idxTranspose }, hooks);
    else if (kind === 'cifar10')
      result = await importCifar10(
        id,
        msg.files.map((f) => fromBlob(f.path, f.file)),
        hooks,
      );
    else {
      let files = msg.files.map((f) => fromBlob(f.path, f.file));
      if (kind === 'zip') {
        const zip = msg.files[0]!;
        try {
          // The cancel flag reaches inside the listing and inside each entry's inflation.
          files = await readZip(zip.file, { cancelled: hooks.cancelled });
        } catch (e) {
          if (hooks.cancelled()) throw new ImportCancelled();
          throw new Error(`${zip.path} cannot be read: ${(e as Error).message}`, { cause: e });
        }
      }
      result = await importImageFolder(id, files, msg.options, decodeImage, hooks);
    }
    const meta: DatasetMeta = { ...placeholder, ...result, status: 'ready' };
    await keeping;
    await putDatasetMeta(meta);
    post({ type: 'data/imported', meta });
  } catch (e) {
    const wasCancelled = e instanceof ImportCancelled;
    try {
      await keeping;
      await deleteDataset(id);
    } catch {
      // The next start removes it: its summary still says 'importing'.
    }
    const full = (e as DOMException)?.name === 'QuotaExceededError';
    const why = wasCancelled
      ? 'The import was cancelled; nothing was kept.'
      : full
        ? "This browser's storage is full, so the dataset was not kept. Delete datasets or runs, or import at a smaller stored size."
        : `Could not import ${name}: ${(e as Error).message}. Nothing was kept.`;
    post({ type: 'data/failed', id, message: why, cancelled: wasCancelled });
  } finally {
    cancelled.delete(id);
  }
}
