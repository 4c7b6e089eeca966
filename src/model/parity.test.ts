// Parity with the official PyTorch CAE: every output, loss and gradient the fixtures list, for every
// fixture pair in the fixtures folder ($CAE_FIXTURES_DIR or ../shared/fixtures/cae-official).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fixtureNames, fixturesDir, loadFixture } from '../testing/fixtures';
import { Cae } from './cae';
import { readModelCheckpoint } from './checkpoint';
import { numPatches } from './config';
import { maskIndices } from './masks';
import { attentiveBlock } from './probes';
import type { StTensor } from './safetensors';
import { loadModelWeights } from './weights';

/** max |a − b| / max(1, max |b|): 1e-4 is "absolute or relative" in the fixtures' README. */
function outputError(actual: ArrayLike<number>, expected: StTensor): number {
  expect(actual.length).toBe(expected.data.length);
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < actual.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected.data[i]!));
    scale = Math.max(scale, Math.abs(expected.data[i]!));
  }
  return diff / scale;
}

function maxAbs(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, Math.abs(xs[i]!));
  return m;
}

/**
 * max |a − b| / max |b|: the gradients' tolerance is relative to the tensor's largest magnitude.
 * `floor` bounds that scale from below for tensors whose true gradient is zero: the regressor's
 * norm1_k.bias shifts every key by the same vector, softmax ignores such a shift, and both sides
 * then hold float32 round-off (~1e-9) that no faithful implementation reproduces bit for bit.
 */
function gradError(actual: ArrayLike<number>, expected: StTensor, floor: number): number {
  expect(actual.length).toBe(expected.data.length);
  let diff = 0;
  for (let i = 0; i < actual.length; i++) diff = Math.max(diff, Math.abs(actual[i]! - expected.data[i]!));
  return diff / Math.max(maxAbs(expected.data), floor);
}

const names = fixtureNames();

describe('parity with the official CAE', () => {
  it('finds fixtures', () => {
    expect(names.length, `no fixture pairs in ${fixturesDir()}`).toBeGreaterThan(0);
  });

  for (const name of names) {
    it(`${name}: outputs, losses and gradients match`, async () => {
      const fx = loadFixture(name);
      const { config, file } = readModelCheckpoint(fx.weightsBytes);
      const model = new Cae(config, 0);
      loadModelWeights(model, file);
      const io = (k: string): StTensor => {
        const t = fx.io.tensors.get(k);
        if (!t) throw new Error(`fixture ${name} lacks ${k}`);
        return t;
      };
      const img = io('input.images');
      const images = tf.tensor4d(img.data as Float32Array, img.shape as [number, number, number, number]);
      const B = img.shape[0]!;
      const masks = maskIndices(io('input.bool_masked_pos').data, B, numPatches(config));
      const labels = tf.tensor1d(io('input.labels').data as Int32Array, 'int32');
      const errors: Record<string, number> = {};
      const check = async (key: string, t: tf.Tensor) => {
        errors[key] = outputError(await t.data(), io(key));
      };

      const before = tf.memory().numTensors;
      const latentTarget = model.latentTarget(images, masks);
      const encoderAll = model.encodeAll(images);
      const fwd = tf.tidy(() => {
        const out = model.predict(images, masks);
        const l = model.loss(out, { kind: 'token', labels }, latentTarget);
        return { ...out, total: l.total, reconstruction: l.reconstruction, alignment: l.alignment! };
      });
      await check('output.encoder_visible', fwd.encoderVisible);
      await check('output.latent_predict', fwd.latentPredict);
      await check('output.latent_target', latentTarget);
      await check('output.logits', fwd.logits);
      await check('output.encoder_all_patches', encoderAll);
      await check('loss.reconstruction', fwd.reconstruction);
      await check('loss.total', fwd.total);
      await check('loss.alignment', fwd.alignment); // unweighted MSE; loss.total adds it with λ = 2

      const probeParams = (n: string) => {
        const t = fx.weights.tensors.get(n);
        if (!t) throw new Error(`fixture ${name} lacks ${n}`);
        return tf.tensor(t.data as Float32Array, [...t.shape]);
      };
      const probe = tf.tidy(() => attentiveBlock(encoderAll, probeParams, config.numHeads));
      await check('output.attentive_probe', probe);
      tf.dispose([fwd.encoderVisible, fwd.latentPredict, fwd.logits, fwd.total, fwd.reconstruction, fwd.alignment, probe, encoderAll]);

      const vars = model.trainableVars();
      const { value, grads } = tf.variableGrads(() => model.loss(model.predict(images, masks), { kind: 'token', labels }, latentTarget).total, vars);
      const gradNames = [...fx.io.tensors.keys()].filter((k) => k.startsWith('grad.'));
      const trainable = model.specs.filter((s) => s.trainable).map((s) => s.name);
      expect(gradNames.map((k) => k.slice(5)).sort()).toEqual([...trainable].sort());
      const floor = 1e-4 * Math.max(...gradNames.map((k) => maxAbs(io(k).data)));
      let worstGrad = 0;
      let worstName = '';
      let worstNonzero = 0; // among tensors whose true gradient is not zero
      for (const [i, s] of trainable.entries()) {
        const e = gradError(await grads[vars[i]!.name]!.data(), io(`grad.${s}`), floor);
        if (e > worstGrad) [worstGrad, worstName] = [e, s];
        if (maxAbs(io(`grad.${s}`).data) >= floor) worstNonzero = Math.max(worstNonzero, e);
      }
      tf.dispose([value, latentTarget, images, labels, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before - 2); // images and labels were made before `before`
      console.log(
        `parity ${name}: ${JSON.stringify(errors)} worst gradient ${worstGrad.toExponential(2)} (${worstName}), worst among non-zero gradients ${worstNonzero.toExponential(2)}`,
      );
      for (const [k, e] of Object.entries(errors)) expect(e, k).toBeLessThan(1e-4);
      expect(worstGrad, worstName).toBeLessThan(1e-3);
      model.dispose();
    });
  }
});
