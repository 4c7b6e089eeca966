// The tokenizer against its PyTorch twin (pytorch/dvae.py, written from the same spec), both ways:
// `dvae-tiny.safetensors` (pytorch/make_dvae_fixtures.py) holds PyTorch's weights, input, Gumbel noise,
// logits, loss terms and gradients, checked here; `dvae-notebook.safetensors` holds the notebook's
// weights and outputs, checked by pytorch/tests/test_dvae.py (CAE_WRITE_FIXTURES=1 rewrites it).
import * as tf from '@tensorflow/tfjs';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Dvae } from './dvae';
import type { DvaeConfig } from './dvaeConfig';
import { dvaeFromFile, dvaeMetadata, dvaeTensors } from './dvaeWeights';
import { Rng } from './random';
import { readSafetensors, type StFile, writeSafetensors } from './safetensors';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../pytorch/tests/fixtures');
const read = (f: string) => readSafetensors(new Uint8Array(readFileSync(resolve(DIR, f))));

const tensorOf = (file: StFile, name: string): tf.Tensor => {
  const t = file.tensors.get(name);
  if (!t) throw new Error(`fixture has no "${name}"`);
  return tf.tensor(t.data as Float32Array, [...t.shape], t.dtype === 'I32' ? 'int32' : 'float32');
};

/** The fixture's weights alone (the strict loader refuses the inputs and outputs riding along). */
const EXTRAS = ['input', 'gumbel', 'logits', 'codes', 'hard_decode'];
const weightsOnly = (file: StFile): StFile => ({
  ...file,
  tensors: new Map([...file.tensors].filter(([n]) => !EXTRAS.includes(n) && !n.startsWith('grad.'))),
});

/** max |a − b| ≤ tol · max(1, max |b|): relative to the reference tensor's scale. */
function expectClose(name: string, a: tf.Tensor, b: tf.Tensor, tol = 1e-5): void {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(a.shape, name).toEqual(b.shape);
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < y.length; i++) {
    diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
    scale = Math.max(scale, Math.abs(y[i]!));
  }
  expect(diff, `${name}: max difference ${diff} at scale ${scale}`).toBeLessThanOrEqual(tol * scale);
}

describe('d-VAE parity with pytorch/dvae.py', () => {
  const file = read('dvae-tiny.safetensors');
  const temperature = Number(file.metadata.temperature);
  const klWeight = Number(file.metadata.klWeight);
  const losses = JSON.parse(file.metadata.losses!) as { total: number; reconstruction: number; kl: number };

  it('forward, codes, hard decoding and loss terms match PyTorch', () => {
    const model = dvaeFromFile(weightsOnly(file)); // PyTorch's weights, through the notebook's strict loader
    const x = tensorOf(file, 'input') as tf.Tensor4D;
    const gumbel = tensorOf(file, 'gumbel') as tf.Tensor3D;
    const l = model.loss(x, { gumbel, temperature }, klWeight);
    expectClose('logits', l.logits, tensorOf(file, 'logits'));
    const codes = model.codes(x);
    expect(Array.from(codes.dataSync())).toEqual(Array.from(tensorOf(file, 'codes').dataSync()));
    expectClose('hard decode', model.decodeCodes(codes), tensorOf(file, 'hard_decode'));
    expect(l.total.dataSync()[0]).toBeCloseTo(losses.total, 5);
    expect(l.reconstruction.dataSync()[0]).toBeCloseTo(losses.reconstruction, 5);
    expect(l.kl.dataSync()[0]).toBeCloseTo(losses.kl, 5);
    model.dispose();
  });

  it('gradients of the total loss match PyTorch for every parameter', () => {
    const model = dvaeFromFile(weightsOnly(file));
    const x = tensorOf(file, 'input') as tf.Tensor4D;
    const gumbel = tensorOf(file, 'gumbel') as tf.Tensor3D;
    const { grads } = tf.variableGrads(() => model.loss(x, { gumbel, temperature }, klWeight).total, model.trainableVars());
    for (const s of model.specs) expectClose(`grad ${s.name}`, grads[model.vars.get(s.name)!.name]!, tensorOf(file, `grad.${s.name}`));
    model.dispose();
  });

  it('the committed notebook export is what this code computes (PyTorch checks it from its side)', async () => {
    const config: DvaeConfig = { imgSize: 16, downsample: 8, vocabSize: 12, hiddenDim: 3, blocksPerGroup: 1 };
    const model = new Dvae(config, 31);
    const rng = new Rng(5);
    const x = tf.tensor4d(
      Float32Array.from({ length: 2 * 3 * 256 }, () => rng.next()),
      [2, 3, 16, 16],
    );
    const logits = model.logits(x);
    const hard = model.reconstruct(x);
    if (process.env.CAE_WRITE_FIXTURES === '1') {
      const tensors = await dvaeTensors(model);
      tensors.push(['input', { dtype: 'F32', shape: x.shape, data: x.dataSync() as Float32Array }]);
      tensors.push(['logits', { dtype: 'F32', shape: logits.shape, data: logits.dataSync() as Float32Array }]);
      tensors.push(['hard_decode', { dtype: 'F32', shape: hard.shape, data: hard.dataSync() as Float32Array }]);
      writeFileSync(resolve(DIR, 'dvae-notebook.safetensors'), writeSafetensors(tensors, dvaeMetadata(config)));
    }
    const saved = read('dvae-notebook.safetensors');
    expectClose('notebook logits', logits, tensorOf(saved, 'logits'));
    expectClose('notebook input', x, tensorOf(saved, 'input'));
    tf.dispose([x, logits, hard]);
    model.dispose();
  });
});
