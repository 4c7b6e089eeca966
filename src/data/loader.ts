// Batches for pretraining: a seeded permutation per epoch, the official augmentation per sample, and
// ImageNet normalization. Its whole state is one number (samples consumed), so resuming a run
// replays exactly the same data order and augmentations. Batches are read asynchronously, so a
// streamed dataset's chunks can come from storage (./streamed.ts).
import { Rng } from '../model/random';
import { augment, normalizeImageNet, resizeCrop } from './augment';
import type { LabelledDataset, Split } from './shapes';
import { readSamples } from './streamed';

export interface ImageBatch {
  /** Normalized images [B, 3, S, S]. */
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly batch: number;
  readonly size: number;
}

export class BatchLoader {
  /** Training samples consumed so far: the loader's whole resumable state. */
  cursor = 0;
  private permEpoch = -1;
  private perm: number[] = [];
  /** The batch read ahead, and the cursor it starts at (a cursor moved since makes it stale). */
  private ahead: { at: number; batch: Promise<ImageBatch> } | null = null;

  constructor(
    readonly dataset: LabelledDataset,
    readonly batchSize: number,
    readonly seed: number,
    readonly augmentation = true,
  ) {}

  private order(epoch: number): number[] {
    if (epoch !== this.permEpoch) {
      this.perm = new Rng((this.seed * 1_000_003 + epoch) >>> 0).shuffle(Array.from({ length: this.dataset.trainSize }, (_, i) => i));
      this.permEpoch = epoch;
    }
    return this.perm;
  }

  /**
   * The next training batch. With `readAhead`, the batch after it starts reading at once (a streamed
   * dataset's chunks come from storage while the caller's GPU step runs). The batch is a function of
   * the seed and the cursor alone, so reading ahead, or a cache of any size, never changes the data.
   * One call at a time: the cursor moves when a batch is handed out.
   */
  async next(readAhead = false): Promise<ImageBatch> {
    const at = this.cursor;
    const pending = this.ahead?.at === at ? this.ahead.batch : this.batchAt(at);
    this.ahead = null;
    const batch = await pending;
    this.cursor = at + this.batchSize;
    if (readAhead) {
      const b = this.batchAt(this.cursor);
      b.catch(() => undefined); // its failure surfaces when it is taken, not as an unhandled rejection
      this.ahead = { at: this.cursor, batch: b };
    }
    return batch;
  }

  /** The batch that starts at training sample `at`. */
  private async batchAt(at: number): Promise<ImageBatch> {
    const { imgSize: S, trainSize } = this.dataset;
    const R = this.dataset.sampleSize ?? S;
    const B = this.batchSize;
    const images = new Float32Array(B * 3 * S * S);
    const labels = new Int32Array(B);
    // The permutation is read now: a later batch's epoch must not replace it while chunks load.
    const indices = Array.from({ length: B }, (_, b) => this.order(Math.floor((at + b) / trainSize))[(at + b) % trainSize]!);
    await readSamples(this.dataset, 'train', indices, (b, sample) => {
      const pos = at + b;
      // One generator per sample position: augmentations do not depend on how batches were cut.
      const img = this.augmentation ? augment(new Rng((this.seed ^ 0xa5a5a5a5) + pos * 7919), sample.image, R, R, S) : toSize(sample.image, R, S);
      images.set(normalizeImageNet(img), b * 3 * S * S);
      labels[b] = sample.label;
    });
    return { images, labels, batch: B, size: S };
  }
}

/** A whole square image resized to S (a copy: callers normalize it in place). */
export function toSize(img: Float32Array, R: number, S: number): Float32Array {
  return R === S ? img.slice() : resizeCrop(img, R, R, { top: 0, left: 0, height: R, width: R }, S);
}

/** A fixed, unaugmented batch of images (validation views, cached probe features). */
export async function fixedBatch(dataset: LabelledDataset, indices: readonly number[], split: Split = 'val'): Promise<ImageBatch> {
  const S = dataset.imgSize;
  const images = new Float32Array(indices.length * 3 * S * S);
  const labels = new Int32Array(indices.length);
  await readSamples(dataset, split, indices, (b, s) => {
    images.set(normalizeImageNet(toSize(s.image, dataset.sampleSize ?? S, S)), b * 3 * S * S);
    labels[b] = s.label;
  });
  return { images, labels, batch: indices.length, size: S };
}
