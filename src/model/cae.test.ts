import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { patternImages } from '../testing/batches';
import { Cae } from './cae';
import { type CaeConfig, numMasked, validateConfig } from './config';
import { batchMasks } from './masking';
import { maskIndices } from './masks';
import { caeParamSpecs } from './params';
import { MICRO, PRESETS, PRESET_IDS, preset } from './presets';
import { sincos2d } from './posembed';
import { Rng } from './random';

describe('config and presets', () => {
  it('has the five presets, all valid and frozen', () => {
    expect(PRESET_IDS).toEqual(['micro', 'mini', 'vit-tiny-p4-32', 'vit-s-p8-64', 'vit-s-p16-224', 'vit-b-p16-224']);
    for (const id of PRESET_IDS) {
      expect(() => validateConfig(preset(id))).not.toThrow();
      expect(Object.isFrozen(preset(id))).toBe(true);
    }
    expect(PRESETS['vit-s-p16-224']).toMatchObject({ embedDim: 384, depth: 12, numHeads: 12, regressorDepth: 4, decoderDepth: 4, alignWeight: 2 });
    expect(numMasked(PRESETS['vit-s-p16-224'])).toBe(98);
    expect(() => preset('vit-h')).toThrow(/unknown preset "vit-h"/);
  });

  it('explains what is wrong with a config', () => {
    const bad = (patch: Partial<CaeConfig>) => () => validateConfig({ ...MICRO, ...patch });
    expect(bad({ patchSize: 7 })).toThrow(/patchSize 7 must divide imgSize 32/);
    expect(bad({ embedDim: 66 })).toThrow(/divisible by 4/);
    expect(bad({ numHeads: 5 })).toThrow(/divisible by numHeads 5/);
    expect(bad({ maskRatio: 1 })).toThrow(/maskRatio 1 must mask at least one and keep at least one/);
    expect(bad({ dropPathRate: 1 })).toThrow(/dropPathRate/);
    expect(bad({ target: 'token', vocabSize: 0 })).toThrow(/vocabSize/);
  });
});

describe('position embeddings', () => {
  it('puts the row first: [sin rω, cos rω, sin cω, cos cω], CLS row zero', () => {
    const pe = sincos2d(4, 8, true); // k = 2, ω = [1, 0.01]
    expect(Array.from(pe.subarray(0, 8))).toEqual(new Array(8).fill(0));
    const row = (r: number, c: number) => Array.from(pe.subarray((1 + r * 4 + c) * 8, (2 + r * 4 + c) * 8));
    const want = (r: number, c: number) => [
      Math.sin(r),
      Math.sin(r * 0.01),
      Math.cos(r),
      Math.cos(r * 0.01),
      Math.sin(c),
      Math.sin(c * 0.01),
      Math.cos(c),
      Math.cos(c * 0.01),
    ];
    row(2, 3).forEach((v, i) => expect(v).toBeCloseTo(want(2, 3)[i]!, 6));
  });
});

describe('the CAE forward pass', () => {
  const B = 2;

  it('produces the documented shapes and a normalized pixel target', () => {
    const model = new Cae(MICRO, 1);
    const images = patternImages(B, 32, 1);
    const masks = maskIndices(batchMasks(MICRO, new Rng(1), B), B, 16);
    tf.tidy(() => {
      const out = model.predict(images, masks);
      expect(out.encoderVisible.shape).toEqual([B, 1 + 8, 32]);
      expect(out.latentPredict.shape).toEqual([B, 8, 32]);
      expect(out.logits.shape).toEqual([B * 8, 192]);
      expect(model.latentTarget(images, masks).shape).toEqual([B, 8, 32]);
      const t = model.pixelTarget(images, masks.masked);
      expect(t.shape).toEqual([B * 8, 192]);
      const { mean, variance } = tf.moments(t, -1);
      expect(Math.max(...Array.from(mean.abs().dataSync()))).toBeLessThan(1e-4);
      expect(Array.from(variance.dataSync()).every((v) => Math.abs(v - 1) < 1e-2)).toBe(true);
      expect(model.encodeAll(images).shape).toEqual([B, 17, 32]);
      expect(model.reconstructAll(images).shape).toEqual([B * 16, 192]);
    });
    images.dispose();
    model.dispose();
  });

  it('with Dd ≠ D, projects encoder output and target through Linear + LayerNorm and trains them', () => {
    const config: CaeConfig = { ...MICRO, decoderEmbedDim: 48, decoderNumHeads: 2 };
    const names = caeParamSpecs(config).map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'encoder_to_regresser.weight',
        'encoder_to_regresser.bias',
        'encoder_to_regresser_norm.weight',
        'encoder_to_regresser_norm.bias',
      ]),
    );
    const model = new Cae(config, 2);
    const images = patternImages(B, 32, 2);
    const masks = maskIndices(batchMasks(config, new Rng(2), B), B, 16);
    tf.tidy(() => {
      const target = model.latentTarget(images, masks);
      expect(target.shape).toEqual([B, 8, 48]);
      // The target is the projected encoder output on the masked patches, CLS dropped.
      const direct = model.project(model.encode(images, masks.masked).slice([0, 1, 0], [-1, -1, -1]) as tf.Tensor3D);
      expect(tf.max(tf.abs(direct.sub(target))).dataSync()[0]).toBe(0);
      const vars = model.trainableVars();
      const { grads } = tf.variableGrads(
        () => model.loss(model.predict(images, masks), { kind: 'pixel', values: model.pixelTarget(images, masks.masked) }, target).total,
        vars,
      );
      const proj = vars[names.indexOf('encoder_to_regresser.weight')]!;
      expect(tf.sum(tf.abs(grads[proj.name]!)).dataSync()[0]).toBeGreaterThan(0);
    });
    images.dispose();
    model.dispose();
  });

  it('the same seed gives the same initial weights', async () => {
    const a = new Cae(MICRO, 9);
    const b = new Cae(MICRO, 9);
    const c = new Cae(MICRO, 10);
    const w = (m: Cae) => m.vars.get('encoder.blocks.0.mlp.fc1.weight')!.data();
    expect(await w(a)).toEqual(await w(b));
    expect(await w(a)).not.toEqual(await w(c));
    // Official init: xavier-uniform bound √(6/(fan_in+fan_out)), tokens cut at ±0.02, γ = 0.1.
    const fc1 = await w(a);
    expect(Math.max(...Array.from(fc1, Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / (32 + 128)));
    expect(Math.max(...Array.from(await a.vars.get('encoder.cls_token')!.data(), Math.abs))).toBeLessThanOrEqual(0.02);
    expect(Array.from(await a.vars.get('encoder.blocks.1.gamma_2')!.data())).toEqual(new Array(32).fill(Math.fround(0.1)));
    for (const m of [a, b, c]) m.dispose();
  });
});
