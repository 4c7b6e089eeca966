// CIFAR-10's binary version (https://www.cs.toronto.edu/~kriz/cifar.html): each record is one label
// byte and 3072 pixel bytes, 1024 R then 1024 G then 1024 B, row-major 32×32: exactly the planar RGB
// layout imported datasets are stored in, so a record's pixels are copied as they are. A batch file
// (30 MB) is read in pieces of whole records, never whole (../data/datasetImport.ts).

export const CIFAR_SIZE = 32;
export const CIFAR_PIXELS = 3 * CIFAR_SIZE * CIFAR_SIZE;
export const CIFAR_RECORD = 1 + CIFAR_PIXELS;

/** The part a chosen file plays: a training batch, the test batch (our val split), the class names. */
export type CifarRole = 'train' | 'val' | 'meta' | 'other';

export function cifarRole(name: string): CifarRole {
  const base = name.split('/').pop()!.toLowerCase();
  if (/^data_batch_\d+\.bin$/.test(base)) return 'train';
  if (base === 'test_batch.bin') return 'val';
  if (base === 'batches.meta.txt') return 'meta';
  return 'other';
}

/** Class names, one a line; blank lines (the file ends with some) are dropped. */
export function parseCifarMeta(text: string): string[] {
  const names = text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length < 2) throw new Error('batches.meta.txt should name one class a line, and names fewer than two');
  return names;
}

export interface CifarBatch {
  readonly count: number;
  readonly labels: Uint8Array;
  /** Record i's planar RGB pixels. */
  pixels(i: number): Uint8Array;
}

/** Why a file of `length` bytes is not a CIFAR-10 batch, or null: checked from its size, before reading it. */
export function cifarLengthProblem(length: number): string | null {
  if (length > 0 && length % CIFAR_RECORD === 0) return null;
  const hint = length > 0 && length % (CIFAR_RECORD + 1) === 0 ? ' (it looks like CIFAR-100, two label bytes a record, which is not supported)' : '';
  return `its length, ${length} bytes, is not a whole number of ${CIFAR_RECORD}-byte CIFAR-10 records${hint}`;
}

/** Checks a run of whole records (the first being record `first` of its file); throws on a label past the classes. */
export function parseCifarRecords(bytes: Uint8Array, classes: number, first = 0): CifarBatch {
  const count = Math.floor(bytes.length / CIFAR_RECORD);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const l = bytes[i * CIFAR_RECORD]!;
    if (l >= classes) throw new Error(`record ${first + i} has label ${l}, but batches.meta.txt names only ${classes} classes`);
    labels[i] = l;
  }
  return { count, labels, pixels: (i) => bytes.subarray(i * CIFAR_RECORD + 1, (i + 1) * CIFAR_RECORD) };
}

/** Checks a whole batch file's length and labels; throws a readable reason when it is not CIFAR-10. */
export function parseCifarBatch(bytes: Uint8Array, classes: number): CifarBatch {
  const problem = cifarLengthProblem(bytes.length);
  if (problem) throw new Error(problem);
  return parseCifarRecords(bytes, classes);
}
