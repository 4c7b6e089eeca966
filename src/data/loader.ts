// Batches for pretraining: a seeded permutation per epoch, the official augmentation per sample, and
// ImageNet normalization. Its whole state is one number (samples consumed), so resuming a run
// replays exactly the same data order and augmentations.
import { Rng } from '../model/random';
import { augment, normalizeImageNet, resizeCrop } from './augment';
import type { LabelledDataset, Split } from './shapes';

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

  /** The next training batch. */
  next(): ImageBatch {
    const { imgSize: S, trainSize } = this.dataset;
    const R = this.dataset.sampleSize ?? S;
    const B = this.batchSize;
    const images = new Float32Array(B * 3 * S * S);
    const labels = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const pos = this.cursor + b;
      const index = this.order(Math.floor(pos / trainSize))[pos % trainSize]!;
      const sample = this.dataset.sample('train', index);
      // One generator per sample position: augmentations do not depend on how batches were cut.
      const img = this.augmentation ? augment(new Rng((this.seed ^ 0xa5a5a5a5) + pos * 7919), sample.image, R, R, S) : toSize(sample.image, R, S);
      images.set(normalizeImageNet(img), b * 3 * S * S);
      labels[b] = sample.label;
    }
    this.cursor += B;
    return { images, labels, batch: B, size: S };
  }
}

/** A whole square image resized to S (a copy: callers normalize it in place). */
function toSize(img: Float32Array, R: number, S: number): Float32Array {
  return R === S ? img.slice() : resizeCrop(img, R, R, { top: 0, left: 0, height: R, width: R }, S);
}

/** A fixed, unaugmented batch of images (validation views, cached probe features). */
export function fixedBatch(dataset: LabelledDataset, indices: readonly number[], split: Split = 'val'): ImageBatch {
  const S = dataset.imgSize;
  const images = new Float32Array(indices.length * 3 * S * S);
  const labels = new Int32Array(indices.length);
  indices.forEach((index, b) => {
    const s = dataset.sample(split, index);
    images.set(normalizeImageNet(toSize(s.image, dataset.sampleSize ?? S, S)), b * 3 * S * S);
    labels[b] = s.label;
  });
  return { images, labels, batch: indices.length, size: S };
}
