import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Cae } from '../model/cae';
import type { CaeConfig } from '../model/config';
import { Dvae } from '../model/dvae';
import { type DvaeConfig, tokenizerMismatch } from '../model/dvaeConfig';
import { maskIndices } from '../model/masks';
import { MICRO } from '../model/presets';
import { tokenTargets } from '../model/tokenTargets';
import { patternImages } from '../testing/batches';
import { PAPER_TRAIN, type TrainConfig } from './config';
import { CaeTrainer } from './trainer';

// A 16-px tokenizer with 4-px cells gives micro's 4×4 grid (its 32-px crops are resized to 16).
const TOKENIZER: DvaeConfig = { imgSize: 16, downsample: 4, vocabSize: 16, hiddenDim: 2, blocksPerGroup: 1 };
const CAE: CaeConfig = { ...MICRO, target: 'token', vocabSize: 16 };
const TRAIN: TrainConfig = { ...PAPER_TRAIN, seed: 2, batchSize: 2, baseBatch: 2, totalSteps: 10, warmupSteps: 1 };

describe('token-target CAE step with tokenizer codes', () => {
  it('the tokenizer fits the preset', () => expect(tokenizerMismatch(TOKENIZER, CAE)).toBeNull());

  it("its loss is the cross-entropy of the masked patches' codes, computed by hand", async () => {
    const tokenizer = new Dvae(TOKENIZER, 3);
    const w = tokenizer.vars.get('encoder.output.weight')!;
    w.assign(w.mul(50)); // codes that differ between cells
    const model = new Cae(CAE, 1);
    const images = patternImages(2, 32, 4);
    const tokens = await tokenTargets(tokenizer, images);
    expect(tokens.length).toBe(2 * 16);
    const mask = new Uint8Array(32);
    [1, 4, 6, 11, 13, 15].forEach((i) => (mask[i] = 1));
    [16 + 0, 16 + 2, 16 + 5, 16 + 9, 16 + 12, 16 + 14].forEach((i) => (mask[i] = 1));
    // By hand: the model's logits for the masked patches (before the step changes it), log-softmax, mean −log p(code).
    const masks = maskIndices(mask, 2, 16);
    const logits = model.predict(images, masks).logits; // [B·Nm, V]
    const L = logits.dataSync();
    const V = 16;
    let ce = 0;
    masks.masked.flat.forEach((flat, r) => {
      const row = Array.from(L.slice(r * V, (r + 1) * V));
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      ce += lse - row[tokens[flat]!]!;
    });
    ce /= masks.masked.flat.length;
    const trainer = new CaeTrainer(model, TRAIN);
    const r = await trainer.trainStep({ images, tokens, mask });
    expect(r.reconstruction).toBeCloseTo(ce, 5);
    tf.dispose([images, logits]);
    trainer.dispose();
    model.dispose();
    tokenizer.dispose();
  });

  it('holds the same number of tensors after N steps (targets from the tokenizer each step)', async () => {
    const tokenizer = new Dvae(TOKENIZER, 3);
    const model = new Cae(CAE, 1);
    const trainer = new CaeTrainer(model, TRAIN);
    const images = patternImages(2, 32, 5);
    const step = async () => trainer.trainStep({ images, tokens: await tokenTargets(tokenizer, images) });
    await step();
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) await step();
    expect(tf.memory().numTensors).toBe(after1);
    images.dispose();
    trainer.dispose();
    model.dispose();
    tokenizer.dispose();
  });
});
