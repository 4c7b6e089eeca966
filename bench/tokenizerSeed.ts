// The tokenizer half of `bench:probe --target token`: train this seed's d-VAE tokenizer on the
// pretraining images (no labels, as the paper's "CAE" row trains its d-VAE) with the worker's own
// code (BatchLoader, DvaeTrainer), or read one saved earlier, and report its cost and quality so the
// tokenizer's training is counted in the experiment's budget.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { arg } from './cli';
import { BatchLoader } from '../src/data/loader';
import { Dvae } from '../src/model/dvae';
import { type DvaeConfig, dvaeConfigFor } from '../src/model/dvaeConfig';
import type { CaeConfig } from '../src/model/config';
import type { LabelledDataset } from '../src/data/shapes';
import { nodeDataset } from '../src/testing/nodeDatasets';
import { CodebookUsage } from '../src/train/codebookUsage';
import { DVAE_BUDGET, type DvaeTrainConfig, dvaeTrainConfig } from '../src/train/dvaeSchedule';
import { DvaeTrainer } from '../src/train/dvaeTrainer';
import { dvaeFromFile } from '../src/model/dvaeWeights';
import { readSafetensors } from '../src/model/safetensors';
import { saveDvaeCheckpoint } from '../src/train/dvaeCheckpoint';

const num = (name: string, fallback: number) => Number(arg(name, String(fallback)));

/** What the tokenizer cost and how well it codes, one JSON line per seed. */
export interface TokenizerLine {
  readonly phase: 'tokenizer';
  readonly seed: number;
  readonly dataset: string;
  readonly backend: string;
  readonly config: DvaeConfig;
  readonly file: string | null;
  readonly steps: number;
  readonly batch: number;
  /** The recipe's rate (at 64 images) and KL weight β. */
  readonly baseLr: number;
  readonly klWeight: number;
  readonly seconds: number;
  readonly imgPerSec: number;
  /** Means over the last 5 % of the steps (at the annealed temperature). */
  readonly reconstruction: number;
  readonly kl: number;
  /** Hard-code usage over the last 5 % of the steps. */
  readonly perplexity: number;
  readonly deadCodes: number;
}

/** The tokenizer's shape for a CAE preset: one code per patch, `--tok-k` codes, `--tok-width` wide. */
export function tokenizerConfig(model: CaeConfig): DvaeConfig {
  return dvaeConfigFor(model, { vocabSize: num('tok-k', 256), hiddenDim: num('tok-width', 8) });
}

/** The recipe's knobs from the command line: `--tok-lr` (at 64 images) and `--tok-beta`, else the defaults. */
export function tokenizerRecipe(steps: number, seed: number, batch: number, over: { baseLr?: number; klWeight?: number } = {}): DvaeTrainConfig {
  const flag = (name: string) => (arg(name, '') === '' ? undefined : Number(arg(name, '')));
  return dvaeTrainConfig(steps, { seed, batchSize: batch, baseLr: over.baseLr ?? flag('tok-lr'), klWeight: over.klWeight ?? flag('tok-beta') });
}

/**
 * Trains a tokenizer of `config` with `train` on `dataset`'s training images, as the worker does
 * (BatchLoader, DvaeTrainer), and says what it cost and how it ended: losses over the last 5 % of
 * the steps, hard-code usage over the same window. The caller disposes the tokenizer.
 */
export async function trainTokenizer(config: DvaeConfig, train: DvaeTrainConfig, dataset: LabelledDataset, seed: number) {
  const { totalSteps: steps, batchSize: batch } = train;
  const tokenizer = new Dvae(config, seed);
  const trainer = new DvaeTrainer(tokenizer, train);
  // Its own data order (seed + 7919): the same images as pretraining, not the same batches.
  const loader = new BatchLoader(dataset, batch, seed + 7919);
  const tail = Math.max(1, Math.round(steps / 20));
  const usage = new CodebookUsage(config.vocabSize, tail);
  let rec = 0;
  let kl = 0;
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    const b = await loader.next(true);
    const images = tf.tensor4d(b.images, [batch, 3, b.size, b.size]);
    const r = await trainer.trainStep({ images });
    images.dispose();
    usage.add(r.codes);
    if (s >= steps - tail) {
      rec += r.reconstruction / tail;
      kl += r.kl / tail;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const u = usage.stats();
  const bytes = await saveDvaeCheckpoint(trainer);
  trainer.dispose();
  return {
    tokenizer,
    bytes,
    seconds: Math.round(seconds),
    imgPerSec: Math.round((steps * batch) / seconds),
    reconstruction: round(rec, 5),
    kl: round(kl, 4),
    perplexity: round(u.perplexity, 1),
    deadCodes: u.deadCodes,
  };
}

/** This seed's tokenizer: read from `--tokenizer FILE` ({seed} in it reads each seed's own) or trained here. */
export async function seedTokenizer(
  model: CaeConfig,
  dataset: string,
  seed: number,
): Promise<{ tokenizer: Dvae; line: TokenizerLine | null; bytes: Uint8Array | null }> {
  const file = arg('tokenizer', '').replaceAll('{seed}', String(seed));
  if (file) return { tokenizer: dvaeFromFile(readSafetensors(new Uint8Array(readFileSync(file)))), line: null, bytes: null };
  const config = tokenizerConfig(model);
  const train = tokenizerRecipe(num('tok-steps', DVAE_BUDGET.totalSteps), seed, num('tok-batch', DVAE_BUDGET.batchSize));
  const { tokenizer, bytes, ...done } = await trainTokenizer(config, train, await nodeDataset(dataset, seed, model.imgSize), seed);
  const line: TokenizerLine = {
    phase: 'tokenizer',
    seed,
    dataset,
    backend: tf.getBackend(),
    config,
    file: null,
    steps: train.totalSteps,
    batch: train.batchSize,
    baseLr: train.baseLr,
    klWeight: train.klWeight,
    ...done,
  };
  return { tokenizer, line, bytes };
}

export const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
