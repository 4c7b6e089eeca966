// The live view of a token-target run (issue 24): for fixed validation images and a fixed mask, the
// image, its visible patches, the model's predicted codes of the masked patches (visible ones keep
// their true codes) decoded by the tokenizer, and the true codes decoded: BEiT/CAE's way of showing
// what a token model predicts. Read-only; every tensor disposed before returning.
import * as tf from '@tensorflow/tfjs';
import { denormalizeImageNet } from '../data/augment';
import type { ImageBatch } from '../data/loader';
import { toRgba, writePatch } from '../data/patches';
import type { Cae } from '../model/cae';
import { numPatches } from '../model/config';
import { Dvae } from '../model/dvae';
import { maskIndices } from '../model/masks';
import { GREY, blankPanels } from './reconView';
import type { Tokenizer } from '../model/tokenizer';
import { tokenizerPixels } from '../model/tokenTargets';
import type { ReconView } from '../protocol/messages';

/**
 * The panels, or null where the tokenizer reads another size than the model (its decodings would not
 * line up) or cannot decode at all (DALL-E's converted encoder has no decoder).
 */
export async function tokenReconView(model: Cae, tokenizer: Tokenizer, val: ImageBatch, mask: Uint8Array, step: number): Promise<ReconView | null> {
  const c = model.config;
  const S = c.imgSize;
  if (!(tokenizer instanceof Dvae) || tokenizer.config.imgSize !== S) return null;
  const K = val.batch;
  const N = numPatches(c);
  const masks = maskIndices(mask, K, N);
  const [predicted, truth] = tf.tidy(() => {
    const x = tf.tensor4d(val.images, [K, 3, S, S]);
    const codes = tokenizer.codes(tokenizerPixels(x, S)); // [K, N]
    const ids = tf.argMax(model.predict(x, masks).logits, -1).toInt(); // [K·Nm]
    // Each masked patch's true code replaced by the predicted one: a scatter over the flat [K·N] codes.
    const at = tf.tensor1d(Int32Array.from(masks.masked.flat), 'int32');
    const hit = tf.scatterND(at.expandDims(1), tf.onesLike(ids), [K * N]);
    const mixed = codes
      .reshape([-1])
      .mul(tf.scalar(1, 'int32').sub(hit))
      .add(tf.scatterND(at.expandDims(1), ids, [K * N]));
    const decode = (z: tf.Tensor) => tokenizer.decodeCodes(z.reshape([K, N]) as tf.Tensor2D).clipByValue(0, 1);
    return [decode(mixed), decode(codes)];
  });
  const [p, t] = await Promise.all([predicted.data(), truth.data()]).finally(() => tf.dispose([predicted, truth]));
  const plane = 3 * S * S;
  const out = blankPanels(K, S);
  const ps = c.patchSize;
  const grey = new Float32Array(ps * ps * 3).fill(GREY);
  for (let b = 0; b < K; b++) {
    const shown = denormalizeImageNet(val.images.subarray(b * plane, (b + 1) * plane));
    const masked = shown.slice();
    for (let j = 0; j < masks.masked.perImage; j++) writePatch(masked, S, ps, masks.masked.local[b * masks.masked.perImage + j]!, grey);
    out.original.set(toRgba(shown, S), b * S * S * 4);
    out.masked.set(toRgba(masked, S), b * S * S * 4);
    out.recon.set(toRgba((p as Float32Array).subarray(b * plane, (b + 1) * plane), S), b * S * S * 4);
    out.composite.set(toRgba((t as Float32Array).subarray(b * plane, (b + 1) * plane), S), b * S * S * 4);
  }
  return { step, size: S, count: K, ...out };
}
