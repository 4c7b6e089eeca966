// Token targets for a CAE batch: the tokenizer's hard codes of the same augmented crop the encoder
// sees. The official code (Atten4Vis/CAE, RandomResizedCropAndInterpolationWithTwoPic) gives the
// tokenizer that crop at its own input size; here the crop is resized bilinearly when the sizes differ.
import * as tf from '@tensorflow/tfjs';
import { IMAGENET_MEAN, IMAGENET_STD } from '../data/augment';
import type { TokenEncoder } from './tokenizer';

/**
 * The CAE's ImageNet-normalized batch [B, 3, H, W] as the tokenizer's pixels [B, 3, S, S] in
 * [0, 1]: normalization undone, then resized to S (bilinear, half-pixel centres) if H ≠ S.
 */
export function tokenizerPixels(images: tf.Tensor4D, size: number): tf.Tensor4D {
  return tf.tidy(() => {
    const mean = tf.tensor4d([...IMAGENET_MEAN], [1, 3, 1, 1]);
    const std = tf.tensor4d([...IMAGENET_STD], [1, 3, 1, 1]);
    const x = images.mul(std).add(mean) as tf.Tensor4D;
    if (images.shape[2] === size && images.shape[3] === size) return x;
    const nhwc = tf.image.resizeBilinear(x.transpose([0, 2, 3, 1]) as tf.Tensor4D, [size, size], false, true);
    return nhwc.transpose([0, 3, 1, 2]);
  });
}

/**
 * The codes a token-target step predicts, laid out as `Batch.tokens` expects: image after image,
 * each image's N codes in patch order (row-major), [B·N] int32. No gradient; reads back once.
 * Any kind of tokenizer: the notebook's d-VAE or DALL-E's converted encoder (tokenizer.ts).
 */
export async function tokenTargets(tokenizer: TokenEncoder, images: tf.Tensor4D): Promise<Int32Array> {
  const codes = tf.tidy(() => tokenizer.codes(tokenizerPixels(images, tokenizer.config.imgSize)).reshape([-1]));
  try {
    return (await codes.data()) as Int32Array;
  } finally {
    codes.dispose();
  }
}
