// The encoder→regressor projection used when Dd ≠ D (official modeling_cae.py: encoder_to_regresser,
// then encoder_to_regresser_norm, a LayerNorm with eps 1e-6) against Linear + LayerNorm computed here
// in plain JS from the weights. Checked on project() itself and where it is used: the alignment
// target Z̄m and the regressor's input Zv in predict. The parity fixtures all have Dd = D, so without
// this a projection that lost its LayerNorm would go unnoticed.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { patternImages } from '../testing/batches';
import { maxRelDiff, uniformValues } from '../testing/compare';
import { Cae } from './cae';
import { type CaeConfig } from './config';
import { maskIndices } from './masks';
import { MICRO } from './presets';
import { Rng } from './random';

const config: CaeConfig = { ...MICRO, decoderEmbedDim: 48, decoderNumHeads: 2 }; // D 32 → Dd 48
const [D, Dd] = [32, 48];

/** Linear(D, Dd) then LayerNorm(Dd) (biased variance, eps 1e-6) on rows z: [R·D] → [R·Dd], float64. */
function projectByHand(z: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>): Float64Array {
  const R = z.length / D;
  const out = new Float64Array(R * Dd);
  for (let r = 0; r < R; r++) {
    const y = Array.from({ length: Dd }, (_, o) => {
      let s = bias[o]!;
      for (let i = 0; i < D; i++) s += z[r * D + i]! * w[o * D + i]!; // W stored [out, in]
      return s;
    });
    const mean = y.reduce((s, v) => s + v, 0) / Dd;
    const variance = y.reduce((s, v) => s + (v - mean) ** 2, 0) / Dd;
    y.forEach((v, o) => (out[r * Dd + o] = ((v - mean) / Math.sqrt(variance + 1e-6)) * gamma[o]! + beta[o]!));
  }
  return out;
}

describe('encoder→regressor projection (Dd ≠ D)', () => {
  const model = new Cae(config, 3);
  const rng = new Rng(4);
  // Bias and LayerNorm affine away from their initial 0/1, so each one matters.
  const set = (name: string, values: Float32Array) => tf.tidy(() => model.vars.get(name)!.assign(tf.tensor1d(values)));
  set('encoder_to_regresser.bias', uniformValues(Dd, rng));
  set(
    'encoder_to_regresser_norm.weight',
    uniformValues(Dd, rng, 0.5).map((v) => 1 + v),
  );
  set('encoder_to_regresser_norm.bias', uniformValues(Dd, rng));
  const weight = async (name: string) => model.vars.get(name)!.data();
  const byHand = async (z: ArrayLike<number>) =>
    projectByHand(
      z,
      await weight('encoder_to_regresser.weight'),
      await weight('encoder_to_regresser.bias'),
      await weight('encoder_to_regresser_norm.weight'),
      await weight('encoder_to_regresser_norm.bias'),
    );

  it('project(z) is Linear(D, Dd) followed by LayerNorm(Dd)', async () => {
    const z = uniformValues(2 * 3 * D, rng, 2); // [B=2, n=3, D]
    const y = tf.tidy(() => model.project(tf.tensor3d(z, [2, 3, D]))); // [2, 3, Dd]
    expect(y.shape).toEqual([2, 3, Dd]);
    const err = maxRelDiff(await y.data(), await byHand(z));
    y.dispose();
    expect(err, 'project(z) vs Linear + LayerNorm by hand').toBeLessThan(1e-5);
  });

  it('the alignment target and the regressor input are projected encoder outputs', async () => {
    const B = 2;
    const images = patternImages(B, 32, 5);
    const masks = maskIndices([1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0], B, 16); // Nm 8 each
    // Z̄m: the encoder on CLS + masked patches, CLS dropped, then projected: [B, Nm, Dd].
    const encMasked = tf.tidy(() => model.encode(images, masks.masked).slice([0, 1, 0], [-1, -1, -1])); // [B, Nm, D]
    const target = model.latentTarget(images, masks);
    expect(target.shape).toEqual([B, 8, Dd]);
    expect(maxRelDiff(await target.data(), await byHand(await encMasked.data())), 'latentTarget vs projection by hand').toBeLessThan(1e-5);
    // Zm from predict equals the regressor run on the hand-projected visible tokens (CLS dropped).
    const out = tf.tidy(() => ({ ...model.predict(images, masks) }));
    const zv = (await byHand(await out.encoderVisible.data())).filter((_, i) => Math.floor(i / Dd) % 9 !== 0); // [B, Nv, Dd]
    const regressed = tf.tidy(() => model.regress(tf.tensor3d(Float32Array.from(zv), [B, 8, Dd]), masks)); // [B, Nm, Dd]
    expect(maxRelDiff(await out.latentPredict.data(), await regressed.data()), 'predict Zm vs regress(projection by hand)').toBeLessThan(1e-4);
    tf.dispose([images, encMasked, target, out.encoderVisible, out.latentPredict, out.logits, regressed]);
    model.dispose();
  });
});
