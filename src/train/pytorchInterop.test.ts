// The notebook's side of the PyTorch round trip (pytorch/, `npm run test:pytorch` runs the Python side).
// Fixtures in pytorch/tests/fixtures: `browser-tiny.safetensors` (a run checkpoint written here, with
// moments and step), `pixel-loss.json` (inputs and the notebook's losses on them), `encoder-tiny.pth`
// (the encoder export) and `pytorch-tiny.safetensors` (written by pytorch/train.py from browser-tiny).
// CAE_WRITE_FIXTURES=1 rewrites the first three; CAE_PYTORCH_CKPT points at a fresh Python-written file.
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Cae } from '../model/cae';
import { readModelCheckpoint } from '../model/checkpoint';
import type { CaeConfig } from '../model/config';
import { batchMasks } from '../model/masking';
import { maskIndices } from '../model/masks';
import { caeParamSpecs } from '../model/params';
import { MICRO } from '../model/presets';
import { Rng } from '../model/random';
import { modelFromCheckpoint, weightsMismatch } from '../model/weights';
import { patternImages } from '../testing/batches';
import { assertCheckpointFinite, loadCheckpoint, saveCheckpoint } from './checkpoint';
import { PAPER_TRAIN, type TrainConfig } from './config';
import { encoderPth } from './downstream';
import { randomResizedCropBox, resizeCrop } from '../data/augment';
import { CaeTrainer } from './trainer';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../pytorch/tests/fixtures');
const at = (f: string) => resolve(DIR, f);
// A copy: a Node Buffer's slice() is a view, which the reader's slice().buffer would misread.
const read = (f: string) => new Uint8Array(readFileSync(f));
const WRITE = process.env.CAE_WRITE_FIXTURES === '1';

/** Small, but with every branch: a projection (Dd ≠ D), drop path, layer scale, block masks. */
export const TINY: CaeConfig = {
  ...MICRO,
  imgSize: 16,
  patchSize: 4,
  embedDim: 32,
  depth: 2,
  numHeads: 2,
  decoderEmbedDim: 24,
  regressorDepth: 1,
  decoderDepth: 1,
  decoderNumHeads: 2,
  dropPathRate: 0.1,
  maskMinPatches: 2,
};
const TRAIN: TrainConfig = { ...PAPER_TRAIN, seed: 3, batchSize: 4, totalSteps: 20, warmupSteps: 2, baseLr: 1e-3, baseBatch: 4 };

interface PixelCase {
  readonly shape: number[];
  readonly images: number[];
  readonly mask: number[];
  readonly reconstruction: number;
  readonly alignment: number;
  readonly total: number;
}

/** The notebook's losses (no drop path) for images and a [B·N] mask under a model. */
function notebookLosses(model: Cae, images: tf.Tensor4D, mask: Uint8Array) {
  return tf.tidy(() => {
    const masks = maskIndices(mask, images.shape[0], (TINY.imgSize / TINY.patchSize) ** 2);
    const target = { kind: 'pixel' as const, values: model.pixelTarget(images, masks.masked) };
    const l = model.loss(model.predict(images, masks), target, model.latentTarget(images, masks));
    return { reconstruction: l.reconstruction.dataSync()[0]!, alignment: l.alignment!.dataSync()[0]!, total: l.total.dataSync()[0]! };
  });
}

/** Records every uniform the augmentation draws, so PyTorch can replay the same stream. */
class RecordingRng extends Rng {
  readonly drawn: number[] = [];
  override next(): number {
    const u = super.next();
    this.drawn.push(u);
    return u;
  }
}

/** Crop boxes, flips and resampled crops of one stored image, with the uniforms behind them. */
function augmentCase() {
  const [R, S] = [13, 8];
  const rng = new Rng(21);
  const image = Float32Array.from({ length: 3 * R * R }, () => rng.next());
  const rec = new RecordingRng(8);
  const cases = Array.from({ length: 6 }, () => {
    const box = randomResizedCropBox(rec, R, R);
    const flip = rec.next() < 0.5;
    return { box, flip, out: Array.from(resizeCrop(image, R, R, box, S, flip)) };
  });
  return { R, S, image: Array.from(image), uniforms: rec.drawn, cases };
}

async function writeFixtures(): Promise<void> {
  writeFileSync(at('augment.json'), JSON.stringify(augmentCase()) + '\n');
  const model = new Cae(TINY, 1);
  const trainer = new CaeTrainer(model, TRAIN);
  for (let s = 0; s < 2; s++) {
    const images = patternImages(4, TINY.imgSize, 10 + s);
    await trainer.trainStep({ images });
    images.dispose();
  }
  const ckpt = await saveCheckpoint(trainer);
  writeFileSync(at('browser-tiny.safetensors'), ckpt);
  const images = patternImages(3, TINY.imgSize, 99);
  const mask = batchMasks(TINY, new Rng(5), 3);
  const losses = notebookLosses(model, images, mask);
  const c: PixelCase = { shape: images.shape, images: Array.from(images.dataSync()), mask: Array.from(mask), ...losses };
  writeFileSync(at('pixel-loss.json'), JSON.stringify(c) + '\n');
  const { config, file } = readModelCheckpoint(ckpt);
  writeFileSync(at('encoder-tiny.pth'), encoderPth(file, config));
  images.dispose();
  trainer.dispose();
  model.dispose();
}

describe('PyTorch interop fixtures', () => {
  it('the committed pixel-loss case is what the notebook computes from browser-tiny', async () => {
    if (WRITE) await writeFixtures();
    const c = JSON.parse(readFileSync(at('pixel-loss.json'), 'utf8')) as PixelCase;
    const model = modelFromCheckpoint(readModelCheckpoint(read(at('browser-tiny.safetensors'))));
    const images = tf.tensor4d(c.images, c.shape as [number, number, number, number]);
    const l = notebookLosses(model, images, Uint8Array.from(c.mask));
    expect(Math.abs(l.total - c.total)).toBeLessThan(1e-6);
    expect(Math.abs(l.reconstruction - c.reconstruction)).toBeLessThan(1e-6);
    images.dispose();
    model.dispose();
  });

  it('the committed augmentation case is what the notebook draws and resamples', () => {
    expect(JSON.parse(readFileSync(at('augment.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(augmentCase())));
  });

  it('the committed encoder export is what encoderPth writes for browser-tiny', () => {
    const { config, file } = readModelCheckpoint(read(at('browser-tiny.safetensors')));
    expect(Buffer.from(encoderPth(file, config)).equals(readFileSync(at('encoder-tiny.pth')))).toBe(true);
  });

  const pyCkpt = process.env.CAE_PYTORCH_CKPT ?? at('pytorch-tiny.safetensors');
  it.skipIf(!existsSync(pyCkpt))('a checkpoint written by pytorch/ imports as an encoder and resumes with its moments and step', () => {
    const bytes = read(pyCkpt);
    const { config, file } = readModelCheckpoint(bytes);
    // The worker's import path: names and shapes against the parameter table, then finiteness.
    expect(weightsMismatch({ specs: caeParamSpecs(config), config }, file)).toBeNull();
    assertCheckpointFinite(file, config);
    const run = loadCheckpoint(bytes);
    expect(run.resumed).toBe(true);
    const check = JSON.parse(run.extra.check!) as { step: number; total: number };
    expect(run.trainer.step).toBe(check.step);
    expect(run.trainer.optimizer.t).toBe(check.step);
    // The same weights compute the same loss here as in PyTorch, on the committed inputs.
    const c = JSON.parse(readFileSync(at('pixel-loss.json'), 'utf8')) as PixelCase;
    const images = tf.tensor4d(c.images, c.shape as [number, number, number, number]);
    const l = notebookLosses(run.model, images, Uint8Array.from(c.mask));
    console.log(`round trip: |notebook − PyTorch| loss with the PyTorch-trained weights = ${Math.abs(l.total - check.total)}`);
    expect(Math.abs(l.total - check.total)).toBeLessThan(1e-5);
    images.dispose();
    run.trainer.dispose();
    run.model.dispose();
  });
});
