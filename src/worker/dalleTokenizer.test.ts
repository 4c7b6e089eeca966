// DALL-E's converted encoder (pytorch/convert_dalle.py) in the worker: read from the bytes the page
// sends (the fixture PyTorch wrote), chosen as a token-target run's tokenizer, and refused in words
// where a view would decode its codes (it has no decoder).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { normalizeImageNet } from '../data/augment';
import { builtinDataset } from '../data/shapes';
import { BatchLoader } from '../data/loader';
import { Cae } from '../model/cae';
import { DalleEncoder } from '../model/dalleEncoder';
import { MICRO } from '../model/presets';

import { tokenizerPixels } from '../model/tokenTargets';
import type { RunSpec } from '../protocol/messages';
import { dalleEncoderFile } from '../testing/dalleFixture';
import { runRecordingTokens } from '../testing/tokenRunSpy';
import { defaultTrainConfig } from '../train/defaults';
import { readTokenizer } from './tokenizerCheckpoint';
import { tokenLabView } from './tokenLab';
import { tokenReconView } from './tokenReconView';

const ds = () => builtinDataset('shapes-easy', 3, 32, { train: 64, val: 8 });

describe("DALL-E's converted encoder in the worker (CPU backend)", () => {
  it('reads as an encoder-only tokenizer of kind dalle-encoder', () => {
    const { tokenizer, step } = readTokenizer(dalleEncoderFile());
    expect(tokenizer).toBeInstanceOf(DalleEncoder);
    expect(tokenizer.config).toEqual({ kind: 'dalle-encoder', imgSize: 32, downsample: 8, vocabSize: 32, hiddenDim: 8, blocksPerGroup: 2 });
    expect(step).toBe(0);
    tokenizer.dispose();
  });

  it("gives a token-target run its targets (the batch's argmax codes), and no decoded live view", async () => {
    const tokenizer = readTokenizer(dalleEncoderFile()).tokenizer;
    const spec: RunSpec = {
      id: 'dalle-run',
      presetId: 'micro',
      model: { ...MICRO, target: 'token', vocabSize: 32 },
      tokenizer: { id: 'tok-file-dalle', model: tokenizer.config, step: 0 },
      train: { ...defaultTrainConfig('micro', 5), batchSize: 4, totalSteps: 2, warmupSteps: 1 },
      dataset: 'shapes-easy',
      checkpointEvery: 50,
      createdAt: 0,
    };
    const b = await new BatchLoader(ds(), 4, spec.train.seed).next();
    const expected = tf.tidy(() => Array.from(tokenizer.codes(tokenizerPixels(tf.tensor4d(b.images, [4, 3, 32, 32]), 32)).dataSync()));
    const { msgs, seen, tensorsChange } = await runRecordingTokens(spec, ds(), tokenizer);
    expect(tensorsChange).toBe(-tokenizer.specs.length);
    expect(msgs.flatMap((m) => (m.type === 'pretrain/status' ? [m.status] : []))).toEqual(['running', 'done']);
    expect(seen.length).toBe(2);
    expect(Array.from(seen[0]!)).toEqual(expected);
    expect(msgs.some((m) => m.type === 'pretrain/recon')).toBe(false); // nothing to decode the codes with
  });

  it('gives the lab its token map and predicted codes, and says it has no decoder where a view would decode', async () => {
    const tokenizer = readTokenizer(dalleEncoderFile()).tokenizer;
    const model = new Cae({ ...MICRO, target: 'token', vocabSize: 32 }, 4);
    const image = Float32Array.from({ length: 3 * 32 * 32 }, (_, i) => (Math.sin(i * 0.37) + 1) / 2);
    const mask = Uint8Array.from({ length: 16 }, (_, k) => (k % 3 === 0 ? 1 : 0));
    const before = tf.memory().numTensors;
    const view = await tokenLabView(tokenizer, 'tok-file-dalle', model, image, mask);
    expect(tf.memory().numTensors).toBe(before);
    // The map is the encoder's own codes of this image (as a batch gives it: normalized, then back to [0, 1]).
    const codes = tf.tidy(() => tokenizer.codes(tokenizerPixels(tf.tensor4d(normalizeImageNet(image.slice()), [1, 3, 32, 32]), 32)));
    expect(Array.from(view.codes)).toEqual(Array.from(await codes.data()));
    codes.dispose();
    expect(view.tokenMap.length).toBe(32 * 32 * 4);
    expect([view.decoded, view.predicted]).toEqual([null, null]);
    expect(view.noDecoder).toMatch(/DALL-E's encoder .* has no decoder/);
    // The token model's predictions: a code for each masked patch (−1 elsewhere) and their exact share.
    expect(Array.from(view.predictedCodes!).map((c, k) => (mask[k] ? c >= 0 && c < 32 : c === -1))).toEqual(Array(16).fill(true));
    expect(view.exact).toBeGreaterThanOrEqual(0);
    expect(view.exact).toBeLessThanOrEqual(1);
    const val = { images: Float32Array.from({ length: 3 * 32 * 32 }, () => 0.1), labels: new Int32Array(1), batch: 1 };
    expect(await tokenReconView(model, tokenizer, val as never, mask, 0)).toBeNull();
    model.dispose();
    tokenizer.dispose();
  });
});
