// Does the tokenizer learn on real data? A short run on the embedded shapes-easy set (as the
// notebook streams it: seeded order, augmentation, ImageNet normalization). Minutes on a CPU, so it
// runs only when asked: CAE_DVAE_LEARN=1 npx vitest run src/train/dvaeLearning.test.ts
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BatchLoader, fixedBatch } from '../data/loader';
import { Dvae } from '../model/dvae';
import { DVAE_MICRO, type DvaeConfig } from '../model/dvaeConfig';
import { tokenizerPixels } from '../model/tokenTargets';
import { useFastCpuConv } from '../testing/fastCpuConv';
import { nodeDataset } from '../testing/nodeDatasets';
import { CodebookUsage } from './codebookUsage';
import { dvaeTrainConfig } from './dvaeSchedule';
import { DvaeTrainer } from './dvaeTrainer';

const STEPS = Number(process.env.CAE_DVAE_STEPS ?? 300);
const SMALL: DvaeConfig = { imgSize: 16, downsample: 4, vocabSize: 64, hiddenDim: 4, blocksPerGroup: 1 };
/** CAE_DVAE_PRESET=micro runs the micro preset's tokenizer (32 px, K = 256) instead. */
const CONFIG: DvaeConfig = process.env.CAE_DVAE_PRESET === 'micro' ? DVAE_MICRO : SMALL;

describe.runIf(process.env.CAE_DVAE_LEARN)('d-VAE on shapes-easy', () => {
  it('reconstruction through the hard codes improves and the codes stay in use', async () => {
    useFastCpuConv();
    const seed = 0;
    const B = Number(process.env.CAE_DVAE_BATCH ?? 16);
    const data = await nodeDataset('shapes-easy', seed, CONFIG.imgSize);
    const loader = new BatchLoader(data, B, seed);
    const val = await fixedBatch(
      data,
      Array.from({ length: 64 }, (_, i) => i),
    );
    const valImages = tf.tensor4d(val.images, [64, 3, CONFIG.imgSize, CONFIG.imgSize]);
    const model = new Dvae(CONFIG, seed);
    // Overrides for trying the recipe: CAE_DVAE_LR (baseLr at batch 64), CAE_DVAE_KL (β), CAE_DVAE_TAU (share of the run τ anneals over).
    const base = dvaeTrainConfig(STEPS, { seed, batchSize: B });
    const env = (name: string, v: number) => (process.env[name] ? Number(process.env[name]) : v);
    const tempAnnealSteps = Math.max(1, Math.round(env('CAE_DVAE_TAU', base.tempAnnealSteps / STEPS) * STEPS));
    const train = { ...base, baseLr: env('CAE_DVAE_LR', base.baseLr), klWeight: env('CAE_DVAE_KL', base.klWeight), tempAnnealSteps };
    const trainer = new DvaeTrainer(model, train);
    const hardError = async () => {
      const e = tf.tidy(() => {
        const x = tokenizerPixels(valImages, CONFIG.imgSize);
        return tf.mean(tf.squaredDifference(model.reconstruct(x), x));
      });
      const v = (await e.data())[0]!;
      e.dispose();
      return v;
    };
    const before = await hardError();
    const usage = new CodebookUsage(CONFIG.vocabSize, 20);
    const t0 = performance.now();
    for (let s = 0; s < STEPS; s++) {
      const b = await loader.next();
      const images = tf.tensor4d(b.images, [B, 3, CONFIG.imgSize, CONFIG.imgSize]);
      const r = await trainer.trainStep({ images });
      images.dispose();
      usage.add(r.codes);
      if (s % 50 === 0 || s === STEPS - 1)
        console.log(
          `step ${s}: recon ${r.reconstruction.toFixed(4)} kl ${r.kl.toFixed(3)} τ ${r.temperature.toFixed(3)} β ${r.klWeight.toExponential(1)} batch ppl ${r.perplexity.toFixed(1)} window ppl ${usage.stats().perplexity.toFixed(1)} dead ${usage.stats().deadCodes}`,
        );
    }
    const seconds = (performance.now() - t0) / 1000;
    const after = await hardError();
    const u = usage.stats();
    console.log(
      `d-VAE ${JSON.stringify(CONFIG)} baseLr ${train.baseLr} β ${train.klWeight} τ anneal ${train.tempAnnealSteps} steps, batch ${B}, ${STEPS} steps in ${seconds.toFixed(0)} s (${((STEPS * B) / seconds).toFixed(1)} img/s, tfjs CPU): hard-code MSE on 64 val images ${before.toFixed(4)} → ${after.toFixed(4)}; perplexity over the last 20 batches ${u.perplexity.toFixed(1)} of ${CONFIG.vocabSize}, dead codes ${u.deadCodes}`,
    );
    expect(after).toBeLessThan(0.5 * before);
    expect(u.perplexity).toBeGreaterThan(4);
    valImages.dispose();
    trainer.dispose();
    model.dispose();
  }, 3_600_000);
});
