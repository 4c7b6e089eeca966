// The image lab's token panels (issue 24, BEiT/CAE's way of showing a token model): the image's
// codes under a tokenizer as a map of colours, the tokenizer's own reconstruction from them, and for
// a token-target model its predicted codes of the masked patches decoded through the tokenizer's
// decoder (visible patches keep their true codes) beside the true codes' decoding, with the share
// of masked patches whose code was predicted exactly. A tokenizer without a decoder gives all but the
// decodings. Read-only; every tensor disposed before returning.
import * as tf from '@tensorflow/tfjs';
import { normalizeImageNet } from '../data/augment';
import { tokenMapRgba } from '../data/labPanels';
import { toRgba } from '../data/patches';
import type { Cae } from '../model/cae';
import { grid, numPatches } from '../model/config';
import { Dvae } from '../model/dvae';
import { dvaeGrid, tokenizerMismatch } from '../model/dvaeConfig';
import { maskIndices } from '../model/masks';
import { type Tokenizer, noDecoderReason } from '../model/tokenizer';
import { tokenizerPixels } from '../model/tokenTargets';
import type { TokenLabView } from '../protocol/messages';

async function readInts(t: tf.Tensor): Promise<Int32Array> {
  try {
    return Int32Array.from(await t.data());
  } finally {
    t.dispose();
  }
}

async function decodeRgba(tokenizer: Dvae, codes: Int32Array): Promise<Uint8ClampedArray> {
  const S = tokenizer.config.imgSize;
  const t = tf.tidy(() => tokenizer.decodeCodes(tf.tensor2d(codes, [1, codes.length], 'int32')).clipByValue(0, 1));
  try {
    return toRgba((await t.data()) as Float32Array, S);
  } finally {
    t.dispose();
  }
}

/**
 * The token panels for `image01` ([3, S, S] in [0, 1] at the model's size) under `mask` ([g²]).
 * `model` predicts codes only when it is a token-target model whose grid and K fit the tokenizer.
 */
export async function tokenLabView(tokenizer: Tokenizer, label: string, model: Cae, image01: Float32Array, mask: Uint8Array): Promise<TokenLabView> {
  const c = model.config;
  const S = c.imgSize;
  const g = dvaeGrid(tokenizer.config);
  const why = tokenizerMismatch({ ...tokenizer.config, vocabSize: c.vocabSize }, c);
  if (why) throw new Error(`the tokenizer ${label} does not fit this model: ${why}`);
  // An encoder-only tokenizer (DALL-E's converted encoder) still gives the map, the predicted codes
  // and their exact share; only the decoded panels are missing, and the view says why.
  const decoder = tokenizer instanceof Dvae ? tokenizer : null;
  const decode = (codes: Int32Array) => (decoder ? decodeRgba(decoder, codes) : null);
  const N = numPatches(c);
  const img = normalizeImageNet(image01.slice());
  const codes = await readInts(tf.tidy(() => tokenizer.codes(tokenizerPixels(tf.tensor4d(img, [1, 3, S, S]), tokenizer.config.imgSize)).reshape([-1])));
  const p = S / grid(c);
  const base = {
    tokenizer: label,
    grid: g,
    codes,
    tokenMap: tokenMapRgba(codes, g, p),
    size: tokenizer.config.imgSize,
    decoded: await decode(codes),
    noDecoder: noDecoderReason(tokenizer),
  };
  let nm = 0;
  for (const m of mask) nm += m ? 1 : 0;
  const predicts = c.target === 'token' && c.vocabSize === tokenizer.config.vocabSize && nm >= 1 && nm < N;
  if (!predicts) return { ...base, predictedCodes: null, predicted: null, exact: null };
  const masks = maskIndices(mask, 1, N);
  const ids = await readInts(tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(img, [1, 3, S, S]), masks).logits, -1)));
  const predictedCodes = new Int32Array(N).fill(-1);
  const mixed = codes.slice();
  let exact = 0;
  ids.forEach((id, j) => {
    const k = masks.masked.local[j]!;
    predictedCodes[k] = id;
    mixed[k] = id;
    if (id === codes[k]) exact++;
  });
  return { ...base, predictedCodes, predicted: await decode(mixed), exact: exact / nm };
}
