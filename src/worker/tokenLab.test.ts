import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { normalizeImageNet } from '../data/augment';
import { Cae } from '../model/cae';
import { Dvae } from '../model/dvae';
import { maskIndices } from '../model/masks';
import { MICRO } from '../model/presets';
import { tokenizerPixels } from '../model/tokenTargets';
import { tokenLabView } from './tokenLab';
import { tokenReconView } from './tokenReconView';

const tokConfig = { imgSize: 32, downsample: 8, vocabSize: 16, hiddenDim: 4, blocksPerGroup: 1 };

function picture(): Float32Array {
  const x = new Float32Array(3 * 32 * 32);
  for (let i = 0; i < x.length; i++) x[i] = (Math.sin(i * 0.37) + 1) / 2;
  return x;
}

describe('the lab’s token panels (CPU backend)', () => {
  it('shows the tokenizer’s codes, and a token model’s predicted codes with the share predicted exactly', async () => {
    const tokenizer = new Dvae(tokConfig, 2);
    const model = new Cae({ ...MICRO, target: 'token', vocabSize: 16 }, 4);
    const image = picture();
    const mask = Uint8Array.from({ length: 16 }, (_, k) => (k % 3 === 0 ? 1 : 0)); // 6 masked
    const before = tf.memory().numTensors;
    const v = await tokenLabView(tokenizer, 'tok-t', model, image, mask);
    expect(tf.memory().numTensors).toBe(before);
    // The codes are the tokenizer's argmax on the same image, computed here independently.
    const x = normalizeImageNet(image.slice());
    const codes = tf.tidy(() => tokenizer.codes(tokenizerPixels(tf.tensor4d(x, [1, 3, 32, 32]), 32)).dataSync());
    expect(Array.from(v.codes)).toEqual(Array.from(codes));
    expect([v.grid, v.tokenMap.length, v.decoded!.length, v.predicted!.length, v.noDecoder]).toEqual([4, 32 * 32 * 4, 32 * 32 * 4, 32 * 32 * 4, null]);
    const masks = maskIndices(mask, 1, 16);
    const predicted = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(x, [1, 3, 32, 32]), masks).logits, -1).dataSync());
    let exact = 0;
    Array.from(predicted).forEach((id, j) => {
      const k = masks.masked.local[j]!;
      expect(v.predictedCodes![k]).toBe(id);
      if (id === codes[k]) exact++;
    });
    expect(v.exact).toBeCloseTo(exact / 6, 12);
    expect(Array.from(v.predictedCodes!).filter((c) => c >= 0).length).toBe(6);
    tokenizer.dispose();
    model.dispose();
  });

  it('shows no prediction for a pixel model, and refuses a tokenizer of another grid in words', async () => {
    const tokenizer = new Dvae(tokConfig, 2);
    const pixel = new Cae(MICRO, 4);
    const mask = Uint8Array.from({ length: 16 }, (_, k) => (k < 8 ? 1 : 0));
    const v = await tokenLabView(tokenizer, 'tok-t', pixel, picture(), mask);
    expect([v.predicted, v.predictedCodes, v.exact]).toEqual([null, null, null]);
    const other = new Dvae({ ...tokConfig, downsample: 4 }, 2);
    await expect(tokenLabView(other, 'tok-o', pixel, picture(), mask)).rejects.toThrow(/does not fit this model: .*8×8 grid/);
    tokenizer.dispose();
    other.dispose();
    pixel.dispose();
  });

  it('the live view of a token run decodes the same predicted and true codes as the lab', async () => {
    const tokenizer = new Dvae(tokConfig, 2);
    const model = new Cae({ ...MICRO, target: 'token', vocabSize: 16 }, 4);
    const image = picture();
    const mask = Uint8Array.from({ length: 32 }, (_, k) => ((k % 16) % 3 === 0 ? 1 : 0)); // two images, 6 masked each
    const x = normalizeImageNet(image.slice());
    const val = { batch: 2, size: 32, images: Float32Array.from([...x, ...x]), labels: [0, 0] };
    const before = tf.memory().numTensors;
    const live = (await tokenReconView(model, tokenizer, val as never, mask, 7))!;
    expect(tf.memory().numTensors).toBe(before);
    const lab = await tokenLabView(tokenizer, 'tok-t', model, image, mask.subarray(0, 16));
    const first = (a: Uint8ClampedArray) => Array.from(a.subarray(0, 32 * 32 * 4));
    expect(first(live.recon)).toEqual(Array.from(lab.predicted!));
    expect(first(live.composite)).toEqual(Array.from(lab.decoded!));
    expect([live.step, live.count, live.size]).toEqual([7, 2, 32]);
    tokenizer.dispose();
    model.dispose();
  });
});
