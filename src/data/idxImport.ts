// Importing IDX files (MNIST, Fashion-MNIST, KMNIST, EMNIST): an images file and its labels file for
// training, and optionally the test pair, which becomes the val split; without it the seeded
// per-class split holds out the validation share. Images are kept at their native side (28 px),
// grayscale copied into the three planes of the stored RGB layout, and resized to the preset's size
// by the batches like any import. Files are streamed (./idx.ts), never held whole: memory stays at
// the labels (a byte an image), a piece and a chunk.
import { ImportCancelled, result, Tally, type ImportHooks, type ImportResult } from './datasetImport';
import { FASHION_MNIST_CLASSES, grayToRgb, KMNIST_CLASSES } from './fashionMnist';
import { IdxCancelled, openIdx, readIdxWhole, type IdxLimits } from './idx';
import type { Skipped } from './imageFolder';
import type { Split } from './shapes';
import { seededLabelSplit } from './split';
import { ChunkWriter } from './stored';

/** A chosen file: a File in the worker, a Blob in tests. */
export interface IdxSource {
  readonly path: string;
  readonly file: Blob;
}

export interface IdxRole {
  readonly split: 'train' | 'test';
  readonly kind: 'images' | 'labels';
}

/**
 * The part a file plays, from its name as the family ships it: train-images-idx3-ubyte(.gz),
 * t10k-labels-idx1-ubyte, emnist-letters-test-images-idx3-ubyte…; null for any other file.
 */
export function idxRole(path: string): IdxRole | null {
  const base = path.split('/').pop()!.toLowerCase();
  if (!/idx[13]|ubyte/.test(base)) return null;
  const kind = /idx3|images/.test(base) ? 'images' : /idx1|labels/.test(base) ? 'labels' : null;
  if (!kind) return null;
  return { split: /t10k|test/.test(base) ? 'test' : 'train', kind };
}

/** EMNIST's files hold each image transposed; nothing in the file says so, only its name (emnist-…). */
export const isEmnist = (paths: readonly string[]) => paths.some((p) => /emnist/i.test(p));

/**
 * Class names. IDX labels are numbers only, so the names come from the dataset the paths name
 * (Fashion-MNIST, KMNIST, EMNIST Letters) when its class count matches; otherwise the numbers, which
 * are the digits of MNIST and EMNIST Digits.
 */
export function idxClassNames(paths: readonly string[], k: number): string[] {
  const all = paths.join(' ').toLowerCase();
  if (/fashion/.test(all) && k === FASHION_MNIST_CLASSES.length) return [...FASHION_MNIST_CLASSES];
  if (/kmnist/.test(all) && k === KMNIST_CLASSES.length) return [...KMNIST_CLASSES];
  // EMNIST Letters labels 1–26 (A/a … Z/z); 0 is unused.
  if (/emnist/.test(all) && /letters/.test(all) && k === 27) return ['(unused 0)', ...Array.from({ length: 26 }, (_, i) => String.fromCharCode(65 + i))];
  return Array.from({ length: k }, (_, i) => String(i));
}

/** A dataset's name from its files' paths. */
export function idxDatasetName(paths: readonly string[]): string {
  const all = paths.join(' ').toLowerCase();
  const emnist = /emnist-(\w+)-/.exec(all);
  if (emnist) return `EMNIST ${emnist[1]}`;
  if (/fashion/.test(all)) return 'Fashion-MNIST';
  if (/kmnist/.test(all)) return 'KMNIST';
  return /mnist/.test(all) ? 'MNIST' : 'IDX images';
}

export interface IdxImportOptions {
  /** Share of each class held out for validation when there is no test pair, in [0, 1). */
  readonly valShare: number;
  readonly seed: number;
  /** Swap rows and columns (EMNIST); unset: when a path names EMNIST. */
  readonly transpose?: boolean;
  /** Overrides of IDX_LIMITS (tests use small ones). */
  readonly limits?: Partial<IdxLimits>;
}

/** Images read at once: 784 KiB at 28 px. */
const PIECE_ITEMS = 1024;

interface Pair {
  readonly split: Split;
  readonly images: IdxSource;
  readonly labels: IdxSource;
}

/** Prefixes a file's path to the reason it could not be read; a cancel stays a cancel. */
function about(f: IdxSource, e: unknown): Error {
  if (e instanceof IdxCancelled || e instanceof ImportCancelled) return new ImportCancelled();
  return new Error(`${f.path}: ${(e as Error).message}`, { cause: e });
}

/** Imports IDX files into stored chunks; throws a readable reason when they do not make a dataset. */
export async function importIdx(datasetId: string, files: readonly IdxSource[], o: IdxImportOptions, hooks: ImportHooks): Promise<ImportResult> {
  const skipped: Skipped[] = [];
  const pick = (split: IdxRole['split'], kind: IdxRole['kind']): IdxSource | undefined => {
    const found = files.filter((f) => idxRole(f.path)?.split === split && idxRole(f.path)?.kind === kind);
    if (found.length > 1) throw new Error(`choose one ${split} ${kind} file, not ${found.length} (${found.map((f) => f.path).join(', ')})`);
    return found[0];
  };
  for (const f of files)
    if (!idxRole(f.path))
      skipped.push({ path: f.path, reason: 'not an IDX file of the MNIST family (…-images-idx3-ubyte or …-labels-idx1-ubyte, gzipped or raw)' });
  const train = { images: pick('train', 'images'), labels: pick('train', 'labels') };
  const test = { images: pick('test', 'images'), labels: pick('test', 'labels') };
  if (!train.images) throw new Error('no training images file (train-images-idx3-ubyte, .gz or raw) among the chosen files');
  if (!train.labels) throw new Error(`no training labels file (train-labels-idx1-ubyte) beside ${train.images.path}: choose both`);
  const pairs: Pair[] = [{ split: 'train', images: train.images, labels: train.labels }];
  if (test.images && test.labels) pairs.push({ split: 'val', images: test.images, labels: test.labels });
  else if (test.images ?? test.labels)
    skipped.push({ path: (test.images ?? test.labels)!.path, reason: 'its test pair is incomplete (choose the images and the labels)' });

  const opts = { limits: o.limits, cancelled: hooks.cancelled };
  let side = 0;
  const labels: Uint8Array[] = [];
  for (const p of pairs) {
    let lb: Uint8Array;
    try {
      const whole = await readIdxWhole(p.labels.file, opts);
      if (whole.header.dims.length !== 1) throw new Error(`it holds images [${whole.header.dims.join(', ')}], not labels`);
      lb = whole.values;
    } catch (e) {
      throw about(p.labels, e);
    }
    let dims: readonly number[];
    try {
      const r = await openIdx(p.images.file, opts);
      dims = r.header.dims;
      await r.close();
    } catch (e) {
      throw about(p.images, e);
    }
    const [n, rows, cols] = dims as [number, number, number];
    if (dims.length !== 3) throw new Error(`${p.images.path}: it holds labels [${dims.join(', ')}], not images`);
    if (n !== lb.length) throw new Error(`${p.images.path} holds ${n} images but ${p.labels.path} holds ${lb.length} labels: they are not a pair`);
    if (rows !== cols) throw new Error(`${p.images.path}: its images are ${rows}×${cols} px; only square images are imported`);
    if (rows < 8) throw new Error(`${p.images.path}: its images are ${rows}×${cols} px; 8 px a side at least are imported`);
    if (side && rows !== side) throw new Error(`${p.images.path}: its images are ${rows} px but the training images are ${side} px`);
    side = rows;
    labels.push(lb);
  }
  const k = labels.reduce((m, lb) => lb.reduce((a, b) => Math.max(a, b), m), 0) + 1;
  if (k < 2) throw new Error('every label is 0: the labels name only one class');
  const paths = files.map((f) => f.path);
  const transpose = o.transpose ?? isEmnist(paths);
  const w = new ChunkWriter(datasetId, side, hooks.put);
  const t = new Tally(idxClassNames(paths, k), side);
  const plane = side * side;
  // Without a test pair, the seeded split; the stored layout wants every training image first.
  const val = pairs.length === 1 ? seededLabelSplit(labels[0]!, o) : null;
  const passes = val
    ? [
        { pair: pairs[0]!, lb: labels[0]!, split: 'train' as const, keep: (i: number) => val[i] === 0 },
        { pair: pairs[0]!, lb: labels[0]!, split: 'val' as const, keep: (i: number) => val[i] === 1 },
      ]
    : pairs.map((pair, j) => ({ pair, lb: labels[j]!, split: pair.split, keep: () => true }));
  const total = labels.reduce((a, lb) => a + lb.length, 0);
  let done = 0;
  for (const pass of passes) {
    try {
      const r = await openIdx(pass.pair.images.file, opts);
      let first = 0;
      for (let piece = await r.next(PIECE_ITEMS); piece; piece = await r.next(PIECE_ITEMS)) {
        for (let j = 0; j < piece.length / plane; j++) {
          const i = first + j;
          if (!pass.keep(i)) continue;
          const px = grayToRgb(piece.subarray(j * plane, (j + 1) * plane), side, transpose);
          await w.add(px, pass.lb[i]!);
          t.add(px, pass.lb[i]!, pass.split);
          if (++done % 500 === 0) hooks.progress(done, total, skipped.length);
        }
        first += piece.length / plane;
        if (hooks.cancelled()) throw new ImportCancelled();
      }
    } catch (e) {
      throw about(pass.pair.images, e);
    }
  }
  await w.flush();
  hooks.progress(total, total, skipped.length);
  return result(w, t, skipped, val ? { by: 'seed', valShare: o.valShare, seed: o.seed } : { by: 'files' });
}
