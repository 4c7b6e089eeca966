// DALL-E's encoder in the notebook against pytorch/dalle_encoder.py (the published architecture,
// written from its definition): `dalle-encoder-tiny.safetensors` (pytorch/make_dalle_fixtures.py)
// holds a randomly initialized encoder converted by pytorch/convert_dalle.py, an input, and
// PyTorch's logits and codes. Also: the encoder as a token-target tokenizer for ViT-S/16-224.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeImageNet } from '../data/augment';
import { DalleEncoder } from './dalleEncoder';
import { DALLE_ENCODER_112, type DalleEncoderConfig, validateDalleEncoderConfig } from './dalleEncoderConfig';
import { dalleEncoderParamSpecs } from './dalleEncoderParams';
import { tokenizerMismatch } from './dvaeConfig';
import { dvaeFromFile } from './dvaeWeights';
import { numel } from './params';
import { MICRO, VIT_S_P16_224 } from './presets';
import { Rng } from './random';
import { readSafetensors, type StFile } from './safetensors';
import { dalleEncoderFromFile, noDecoderReason, tokenizerFromFile } from './tokenizer';
import { tokenTargets } from './tokenTargets';

const FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), '../../pytorch/tests/fixtures/dalle-encoder-tiny.safetensors');
const file = readSafetensors(new Uint8Array(readFileSync(FIXTURE)));
const EXTRAS = ['input', 'logits', 'codes'];
const weightsOnly = (f: StFile): StFile => ({ ...f, tensors: new Map([...f.tensors].filter(([n]) => !EXTRAS.includes(n))) });
const tensorOf = (name: string): tf.Tensor => {
  const t = file.tensors.get(name)!;
  return tf.tensor(t.data as Float32Array, [...t.shape], t.dtype === 'I32' ? 'int32' : 'float32');
};

/** The CAE's view of pixels [B, 3, S, S] in [0, 1]: each image ImageNet-normalized. */
function normalized(x: Float32Array, B: number): Float32Array {
  const n = x.length / B;
  const out = new Float32Array(x.length);
  for (let b = 0; b < B; b++) out.set(normalizeImageNet(x.slice(b * n, (b + 1) * n)), b * n);
  return out;
}

describe("DALL-E's encoder against pytorch/dalle_encoder.py", () => {
  it('the converted file gives PyTorch logits within 1e-5 (relative) and the same codes', () => {
    const before = tf.memory().numTensors;
    const enc = tokenizerFromFile(weightsOnly(file));
    expect(enc).toBeInstanceOf(DalleEncoder);
    const x = tensorOf('input') as tf.Tensor4D;
    const logits = enc.logits(x);
    const want = tensorOf('logits');
    expect(logits.shape).toEqual(want.shape);
    const [a, b] = [logits.dataSync(), want.dataSync()];
    let diff = 0;
    let scale = 1;
    for (let i = 0; i < b.length; i++) {
      diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
      scale = Math.max(scale, Math.abs(b[i]!));
    }
    expect(diff, `max |Δ| ${diff} at scale ${scale}`).toBeLessThanOrEqual(1e-5 * scale);
    const codes = enc.codes(x);
    const wantCodes = tensorOf('codes');
    expect(Array.from(codes.dataSync())).toEqual(Array.from(wantCodes.dataSync()));
    tf.dispose([x, logits, want, codes, wantCodes]);
    enc.dispose();
    expect(tf.memory().numTensors).toBe(before); // no tensor leaks from loading, logits or codes
  });

  it("gives token targets from the CAE's normalized batch: the fixture's codes", async () => {
    const enc = dalleEncoderFromFile(weightsOnly(file));
    const x = file.tensors.get('input')!;
    const batch = tf.tensor4d(normalized(x.data as Float32Array, x.shape[0]!), x.shape as [number, number, number, number]);
    const before = tf.memory().numTensors;
    const tokens = await tokenTargets(enc, batch);
    expect(tf.memory().numTensors).toBe(before);
    const wantCodes = tensorOf('codes');
    expect(Array.from(tokens)).toEqual(Array.from(wantCodes.dataSync()));
    tf.dispose([batch, wantCodes]);
    enc.dispose();
  });

  it('reads only files of its kind, strictly, and leaves nothing allocated when one does not fit', () => {
    expect(() => dvaeFromFile(weightsOnly(file))).toThrow(/kind "dalle-encoder", not the notebook's d-VAE/);
    const partial = weightsOnly(file);
    const tensors = new Map(partial.tensors);
    tensors.delete('encoder.groups.2.blocks.0.conv3.bias');
    const before = tf.memory().numTensors;
    expect(() => dalleEncoderFromFile({ ...partial, tensors })).toThrow(/missing tensor "encoder.groups.2.blocks.0.conv3.bias"/);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => dalleEncoderFromFile({ ...partial, metadata: { 'dvae.model': '{"imgSize":32}' } })).toThrow(/no kind "dalle-encoder"/);
    expect(() => validateDalleEncoderConfig({ ...DALLE_ENCODER_112, downsample: 4 } as unknown as DalleEncoderConfig)).toThrow(/downsamples by 8/);
  });
});

describe("DALL-E's encoder as the tokenizer of ViT-S/16-224 (CAE*)", () => {
  it('the published size has the published parameters: 74 tensors, 53 786 240 values', () => {
    const specs = dalleEncoderParamSpecs(DALLE_ENCODER_112);
    expect(specs.length).toBe(74);
    expect(specs.reduce((n, s) => n + numel(s.shape), 0)).toBe(53_786_240);
    const shape = (n: string) => specs.find((s) => s.name === n)?.shape;
    expect(shape('encoder.groups.1.blocks.0.id.weight')).toEqual([512, 256, 1, 1]);
    expect(shape('encoder.groups.3.blocks.1.conv1.weight')).toEqual([512, 2048, 3, 3]);
    expect(shape('encoder.output.weight')).toEqual([8192, 2048, 1, 1]);
  });

  it('fits ViT-S/16 at 224 px (14×14 codes of a 112-px crop), is refused elsewhere with the reason', () => {
    expect(tokenizerMismatch(DALLE_ENCODER_112, VIT_S_P16_224)).toBeNull();
    expect(tokenizerMismatch(DALLE_ENCODER_112, { ...MICRO, target: 'token', vocabSize: 8192 })).toMatch(
      /14×14 grid of codes \(112 px \/ 8\), but the model has 4×4 patches/,
    );
  });

  it('a 112-px encoder gives 196 codes per 224-px CAE image (the crop resized), and no decoder', async () => {
    const enc = new DalleEncoder({ ...DALLE_ENCODER_112, hiddenDim: 4, blocksPerGroup: 1, vocabSize: 16 }, 3);
    const rng = new Rng(2);
    const batch = tf.tensor4d(
      normalized(
        Float32Array.from({ length: 3 * 224 * 224 }, () => rng.next()),
        1,
      ),
      [1, 3, 224, 224],
    );
    const before = tf.memory().numTensors;
    const tokens = await tokenTargets(enc, batch);
    expect(tf.memory().numTensors).toBe(before);
    expect(tokens.length).toBe(196);
    expect(tokens.every((t) => t >= 0 && t < 16)).toBe(true);
    expect(noDecoderReason(enc)).toMatch(/has no decoder/);
    expect(() => enc.logits(batch as tf.Tensor4D)).toThrow(/reads images \[B, 3, 112, 112\]/);
    batch.dispose();
    enc.dispose();
  });
});
