// The tokenizer's recipe chosen by a rule on a validation split (issue 24): each recipe of a small
// grid (KL weight β × learning rate) trains the preset's d-VAE on the training images minus a
// validation split carved from them (data/holdout.ts), and is read on that split with no label:
// the hard-code reconstruction MSE (pixels in [0, 1], through the argmax codes, as token targets see
// the image) and the codes' use (perplexity, dead codes). The rule, fixed before any run: the
// lowest validation MSE wins. The reported test split of an experiment is never read here.
//   npm run bench:tokenizer -- --betas 0.01,0.03,0.1,0.3 --lrs 4e-3 --tok-steps 200 --tok-batch 64 --jobs 2
// Flags: --preset (micro), --dataset (shapes-easy), --seed (the choice's seed, 0), --val-images (512),
// --betas, --lrs (at 64 images), --tok-steps, --tok-batch, --tok-k, --tok-width, --jobs.
// One JSON line per recipe, then one `choice` line; `--pick a.jsonl,b.jsonl` applies the rule to lines
// printed earlier (a grid run in parts).
import * as tf from '@tensorflow/tfjs';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { arg, run } from './cli';
import { round, tokenizerConfig, tokenizerRecipe, trainTokenizer } from './tokenizerSeed';
import { validationFromTraining } from '../src/data/holdout';
import { fixedBatch } from '../src/data/loader';
import type { Dvae } from '../src/model/dvae';
import { preset, type PresetId } from '../src/model/presets';
import { registerCaeOps } from '../src/model/register';
import { tokenizerPixels } from '../src/model/tokenTargets';
import { nodeDataset } from '../src/testing/nodeDatasets';
import { useWasmBackend } from '../src/testing/wasmNode';
import { codeCounts, perplexity } from '../src/train/codebookUsage';
import { DVAE_BUDGET } from '../src/train/dvaeSchedule';

const num = (name: string, fallback: number) => Number(arg(name, String(fallback)));
const list = (name: string, fallback: string) => arg(name, fallback).split(',').map(Number);

interface Recipe {
  readonly klWeight: number;
  readonly baseLr: number;
}

/** Validation: per-image hard-code MSE (mean and its SE over images) and the codes' use over the split. */
async function validate(tokenizer: Dvae, images: Float32Array, n: number, size: number) {
  const perImage: number[] = [];
  const codes: number[] = [];
  for (let at = 0; at < n; at += 64) {
    const b = Math.min(64, n - at);
    const chunk = images.subarray(at * 3 * size * size, (at + b) * 3 * size * size);
    const [mse, c] = tf.tidy(() => {
      const px = tokenizerPixels(tf.tensor4d(chunk, [b, 3, size, size]), tokenizer.config.imgSize);
      const err = tf.mean(tf.squaredDifference(tokenizer.reconstruct(px), px), [1, 2, 3]);
      return [err, tokenizer.codes(px)];
    });
    perImage.push(...(await mse.data()));
    codes.push(...(await c.data()));
    tf.dispose([mse, c]);
  }
  const mean = perImage.reduce((a, v) => a + v, 0) / n;
  const sd = Math.sqrt(perImage.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const counts = codeCounts(codes, tokenizer.config.vocabSize);
  return {
    valMse: round(mean, 5),
    valMseSe: round(sd / Math.sqrt(n), 5),
    valPerplexity: round(perplexity(counts), 1),
    valDeadCodes: counts.filter((c) => c === 0).length,
  };
}

/** One recipe, in this process: train on the carved training images, read the carved validation split. */
async function child(recipe: Recipe) {
  await useWasmBackend();
  registerCaeOps(); // the conv filter gradient WASM lacks (model/wasmConvGrad.ts), as the worker registers it
  const presetId = arg('preset', 'micro') as PresetId;
  const model = preset(presetId);
  const dataset = arg('dataset', 'shapes-easy');
  const seed = num('seed', 0);
  const valImages = num('val-images', 512);
  const full = await nodeDataset(dataset, seed, model.imgSize);
  const carved = validationFromTraining(full, { train: full.trainSize, val: valImages }, seed);
  const config = tokenizerConfig(model);
  const train = tokenizerRecipe(num('tok-steps', DVAE_BUDGET.totalSteps), seed, num('tok-batch', DVAE_BUDGET.batchSize), recipe);
  const { tokenizer, bytes: _bytes, ...done } = await trainTokenizer(config, train, carved, seed);
  const val = await fixedBatch(
    carved,
    Array.from({ length: carved.valSize }, (_, i) => i),
    'val',
  );
  const scores = await validate(tokenizer, val.images, val.batch, val.size);
  tokenizer.dispose();
  return {
    phase: 'recipe',
    preset: presetId,
    dataset,
    seed,
    backend: tf.getBackend(),
    config,
    steps: train.totalSteps,
    batch: train.batchSize,
    ...recipe,
    trainImages: carved.trainSize,
    valImages: carved.valSize,
    ...done,
    ...scores,
  };
}

type Line = Awaited<ReturnType<typeof child>>;

function spawnChild(recipe: Recipe): Promise<Line> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [process.argv[1]!, ...process.argv.slice(2), '--child', JSON.stringify(recipe)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"phase":"recipe"'));
      if (code !== 0 || !line) reject(new Error(`recipe ${JSON.stringify(recipe)} failed (exit ${code})\n${out.slice(-2000)}`));
      else resolve(JSON.parse(line) as Line);
    });
  });
}

async function parent(): Promise<void> {
  const recipes = list('lrs', '4e-3').flatMap((baseLr) => list('betas', '0.01,0.03,0.1,0.3').map((klWeight) => ({ klWeight, baseLr })));
  const jobs = Math.max(1, Math.min(recipes.length, num('jobs', availableParallelism())));
  const lines: Line[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < recipes.length) {
        const line = await spawnChild(recipes[next++]!);
        console.log(JSON.stringify(line));
        lines.push(line);
      }
    }),
  );
  console.log(JSON.stringify(choose(lines)));
}

/** The rule: the lowest validation MSE. Its margin over the runner-up is stated in that SE. */
function choose(lines: readonly Line[]) {
  const [best, second] = [...lines].sort((a, b) => a.valMse - b.valMse);
  if (!best) throw new Error('no recipe line to choose from');
  return {
    phase: 'choice',
    rule: 'lowest hard-code MSE on the validation split carved from the training images',
    recipes: lines.length,
    klWeight: best.klWeight,
    baseLr: best.baseLr,
    valMse: best.valMse,
    valPerplexity: best.valPerplexity,
    runnerUp: second ? { klWeight: second.klWeight, baseLr: second.baseLr, valMse: second.valMse } : null,
    marginSe: second ? round((second.valMse - best.valMse) / Math.hypot(best.valMseSe, second.valMseSe), 1) : null,
  };
}

/** `--pick a.jsonl,b.jsonl`: the rule applied to recipe lines printed earlier (a grid run in parts). */
function pick(files: string): void {
  const lines = files
    .split(',')
    .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
    .filter((l) => l.startsWith('{"phase":"recipe"'))
    .map((l) => JSON.parse(l) as Line);
  console.log(JSON.stringify(choose(lines)));
}

const childRecipe = arg('child', '');
run(async () => {
  if (arg('pick', '')) return pick(arg('pick', ''));
  if (childRecipe === '') return parent();
  console.log(JSON.stringify(await child(JSON.parse(childRecipe) as Recipe)));
});
