import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Dvae } from './dvae';
import { DVAE_DALLE_112, DVAE_MICRO, type DvaeConfig, dvaeConfigFor, dvaeTokens, tokenizerMismatch, validateDvaeConfig } from './dvaeConfig';
import { GumbelNoise } from './gumbel';
import { MICRO, VIT_S_P16_224 } from './presets';
import { normalizeImageNet } from '../data/augment';
import { Rng } from './random';
import { tokenTargets } from './tokenTargets';

const TINY: DvaeConfig = { imgSize: 8, downsample: 4, vocabSize: 5, hiddenDim: 2, blocksPerGroup: 1 };

/** Pixels in [0, 1], [B, 3, S, S], from a seed. */
function pixels(B: number, S: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: B * 3 * S * S }, () => rng.next());
}

describe('d-VAE config', () => {
  it('refuses configs that make no sense, in words', () => {
    expect(() => validateDvaeConfig({ ...DVAE_MICRO, downsample: 6 })).toThrow(/power of two/);
    expect(() => validateDvaeConfig({ ...DVAE_MICRO, downsample: 64 })).toThrow(/must divide imgSize 32/);
    expect(() => validateDvaeConfig({ ...DVAE_MICRO, vocabSize: 1 })).toThrow(/vocabSize must be an integer ≥ 2/);
  });

  it('fits a CAE only with the same grid and vocabulary, and says why not', () => {
    const cae = { ...MICRO, target: 'token' as const, vocabSize: 256 };
    expect(tokenizerMismatch(DVAE_MICRO, cae)).toBeNull();
    expect(tokenizerMismatch({ ...DVAE_MICRO, downsample: 4 }, cae)).toMatch(/8×8 grid of codes .* 4×4 patches/);
    expect(tokenizerMismatch(DVAE_MICRO, { ...cae, vocabSize: 8192 })).toMatch(/256 codes, but the model's token head predicts 8192/);
    // DALL-E's tokenizer reads 112-px crops for 224-px models: 14×14 codes, 14×14 patches.
    expect(tokenizerMismatch(DVAE_DALLE_112, VIT_S_P16_224)).toBeNull();
    expect(dvaeConfigFor(MICRO, { vocabSize: 64, hiddenDim: 4 })).toMatchObject({ imgSize: 32, downsample: 8 });
  });
});

describe('Dvae', () => {
  it('maps images to one row of logits per patch and decodes codes back to images', () => {
    const m = new Dvae(DVAE_MICRO, 1);
    const x = tf.tensor4d(pixels(2, 32, 1), [2, 3, 32, 32]);
    const logits = m.logits(x);
    expect(logits.shape).toEqual([2, dvaeTokens(DVAE_MICRO), 256]);
    const codes = m.codes(x);
    expect(codes.shape).toEqual([2, 16]);
    expect(codes.dtype).toBe('int32');
    const img = m.decodeCodes(codes);
    expect(img.shape).toEqual([2, 3, 32, 32]);
    expect(() => m.logits(tf.zeros([1, 3, 16, 16]) as tf.Tensor4D)).toThrow(/reads images \[B, 3, 32, 32\]/);
    tf.dispose([x, logits, codes, img]);
    m.dispose();
  });

  it('draws the same weights from the same seed and other weights from another', async () => {
    const [a, b, c] = [new Dvae(TINY, 7), new Dvae(TINY, 7), new Dvae(TINY, 8)];
    const w = (m: Dvae) => m.vars.get('encoder.input.weight')!.dataSync();
    expect(Array.from(w(a))).toEqual(Array.from(w(b)));
    expect(Array.from(w(a))).not.toEqual(Array.from(w(c)));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('KL to the uniform prior: 0 for flat logits, log K for a certain code, and the closed form between', () => {
    const m = new Dvae(TINY, 1);
    const K = TINY.vocabSize;
    const flat = tf.zeros([1, 2, K]) as tf.Tensor3D;
    expect(m.klToUniform(flat).dataSync()[0]).toBeCloseTo(0, 6);
    const sure = tf.tensor3d([[[100, 0, 0, 0, 0]]]);
    expect(m.klToUniform(sure).dataSync()[0]).toBeCloseTo(Math.log(K), 4);
    const l = [0.3, -1.2, 2, 0.1, -0.4];
    const z = l.reduce((s, v) => s + Math.exp(v), 0);
    const q = l.map((v) => Math.exp(v) / z);
    const closed = q.reduce((s, qi) => s + qi * Math.log(qi * K), 0);
    expect(m.klToUniform(tf.tensor3d([[l]])).dataSync()[0]).toBeCloseTo(closed, 6);
    tf.dispose([flat, sure]);
    m.dispose();
  });

  it('seeded Gumbel noise: the same seed gives the same samples, another seed others', () => {
    const a = new GumbelNoise(3).sample(1000);
    expect(Array.from(new GumbelNoise(3).sample(1000))).toEqual(Array.from(a));
    const b = new GumbelNoise(4).sample(1000);
    expect(a.filter((v, i) => v === b[i]).length).toBe(0);
    // The standard Gumbel's mean is the Euler–Mascheroni constant, its variance π²/6.
    const big = new GumbelNoise(5).sample(200_000);
    const mean = big.reduce((s, v) => s + v, 0) / big.length;
    const variance = big.reduce((s, v) => s + (v - mean) ** 2, 0) / big.length;
    expect(mean).toBeCloseTo(0.5772, 1);
    expect(variance).toBeCloseTo(Math.PI ** 2 / 6, 1);
    // A stream resumed from its state continues where it was.
    const g = new GumbelNoise(9);
    g.sample(10);
    const resumed = new GumbelNoise(g.state());
    expect(Array.from(resumed.sample(5))).toEqual(Array.from(g.sample(5)));
  });

  it('the loss is reconstruction + β·KL, and at low temperature the relaxation is the hard code', () => {
    const m = new Dvae(TINY, 2);
    const x = tf.tensor4d(pixels(2, 8, 2), [2, 3, 8, 8]);
    const gumbel = tf.zeros([2, 4, 5]) as tf.Tensor3D;
    const l = m.loss(x, { gumbel, temperature: 1 }, 0.25);
    const [t, r, k] = [l.total, l.reconstruction, l.kl].map((s) => s.dataSync()[0]!);
    expect(t).toBeCloseTo(r! + 0.25 * k!, 6);
    // τ → 0 with no noise: softmax(logits/τ) is the one-hot argmax, so the decoding is the hard one.
    const cold = m.decode(m.relax(l.logits, { gumbel, temperature: 1e-4 }));
    const hard = m.decodeCodes(m.codes(x));
    expect(
      Array.from(cold.dataSync())
        .map((v, i) => Math.abs(v - hard.dataSync()[i]!))
        .every((d) => d < 1e-5),
    ).toBe(true);
    tf.dispose([x, gumbel, l.total, l.reconstruction, l.kl, l.logits, cold, hard]);
    m.dispose();
  });

  it('token targets equal the argmax codes computed independently on the same crop', async () => {
    const m = new Dvae(DVAE_MICRO, 4);
    // At init every cell picks the same code; sharper output weights make the codes vary by cell.
    const w = m.vars.get('encoder.output.weight')!;
    w.assign(w.mul(50));
    const B = 3;
    // Each 8-px cell one random colour, so that cells differ.
    const cells = pixels(B, 4, 11);
    const raw = Float32Array.from({ length: B * 3 * 1024 }, (_, i) => {
      const [bc, y, x] = [Math.floor(i / 1024), Math.floor(i / 32) % 32, i % 32];
      return cells[bc * 16 + Math.floor(y / 8) * 4 + Math.floor(x / 8)]!;
    });
    // The CAE's batch: ImageNet-normalized, [B, 3, 32, 32].
    const norm = new Float32Array(raw.length);
    for (let b = 0; b < B; b++) norm.set(normalizeImageNet(raw.slice(b * 3 * 1024, (b + 1) * 3 * 1024)), b * 3 * 1024);
    const batch = tf.tensor4d(norm, [B, 3, 32, 32]);
    const tokens = await tokenTargets(m, batch);
    // Independently: logits of the raw pixels, argmax by hand, image by image, row-major cells.
    const logits = m.logits(tf.tensor4d(raw, [B, 3, 32, 32]));
    const L = logits.dataSync();
    const K = 256;
    const want = Int32Array.from({ length: B * 16 }, (_, i) => {
      let best = 0;
      for (let k = 1; k < K; k++) if (L[i * K + k]! > L[i * K + best]!) best = k;
      return best;
    });
    expect(tokens).toEqual(want);
    expect(new Set(tokens).size).toBeGreaterThan(1);
    // A 64-px batch is resized to the tokenizer's 32 px first.
    const big = tf.image.resizeBilinear(batch.transpose([0, 2, 3, 1]) as tf.Tensor4D, [64, 64]).transpose([0, 3, 1, 2]) as tf.Tensor4D;
    expect((await tokenTargets(m, big)).length).toBe(B * 16);
    tf.dispose([batch, logits, big]);
    m.dispose();
  });

  it('frees every tensor it makes', () => {
    const m = new Dvae(TINY, 1);
    const x = tf.tensor4d(pixels(2, 8, 2), [2, 3, 8, 8]);
    const before = tf.memory().numTensors;
    tf.dispose(m.reconstruct(x));
    tf.dispose(m.logits(x));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    m.dispose();
  });
});
