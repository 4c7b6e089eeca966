// Fine-tuning one encoder end to end on a seed's labelled images (all, or a seeded few-labels share)
// and its final validation top-1; from a random-init encoder this is the supervised baseline.
import * as tf from '@tensorflow/tfjs';
import { BatchLoader, fixedBatch, type ImageBatch } from '../data/loader';
import type { LabelledDataset } from '../data/shapes';
import { seededSubset } from '../data/subset';
import type { Cae } from '../model/cae';
import { FineTuner } from '../train/fineTune';
import { type EvalContext, type LoopOptions, yieldToMessages } from './probeLoop';

/** The labelled share of the training images (a seeded subset), at least as many as there are classes. */
export function labelledSubset(ds: LabelledDataset, fraction: number, seed: number): LabelledDataset {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`the labelled share must be in (0, 1], got ${fraction}`);
  const take = Math.max(ds.classes.length, Math.round(ds.trainSize * fraction));
  return take >= ds.trainSize ? ds : seededSubset(ds, { train: take, val: ds.valSize }, seed ^ 0x1abe1);
}

export async function fineTune(ctx: EvalContext, model: Cae, all: LabelledDataset, o: LoopOptions): Promise<number> {
  const s = ctx.spec;
  const e = s.evaluation;
  const B = e.fineTune.batchSize;
  const ds = labelledSubset(all, e.fineTune.labelFraction, o.seed);
  // The budget is in steps: epochs of the whole training split, whatever share of it is labelled. In
  // epochs of the labelled share, 10 % of the labels got a tenth of the steps, too few for a model
  // trained from scratch to leave chance, so the comparison was with an untrained model.
  const stepsPerEpoch = Math.max(1, Math.ceil(all.trainSize / B));
  const totalSteps = Math.max(1, e.fineTuneEpochs * stepsPerEpoch);
  const warmupSteps = Math.min(totalSteps - 1, Math.round(e.fineTuneWarmupEpochs * stepsPerEpoch));
  // With fewer labelled images than a batch, the batch is all of them, and the lr is scaled to it.
  const batch = Math.min(B, ds.trainSize);
  const tuner = new FineTuner(model, ds.classes.length, { ...e.fineTune, batchSize: batch, seed: o.seed, totalSteps, warmupSteps });
  const loader = new BatchLoader(ds, batch, o.seed ^ 0xf1e, e.fineTuneAugment);
  const val = await valBatches(ds);
  let acc = 0;
  try {
    for (let epoch = 0; epoch < e.fineTuneEpochs && !ctx.stopping; epoch++) {
      ctx.progress(`${o.label} · fine-tuning on ${ds.trainSize} labelled images, step ${epoch * stepsPerEpoch} of ${totalSteps}`, {
        done: epoch * stepsPerEpoch,
        total: totalSteps,
      });
      let loss = 0;
      for (let k = 0; k < stepsPerEpoch && !ctx.stopping; k++) {
        const b = await loader.next(true);
        const images = tf.tensor4d(b.images, [b.batch, 3, b.size, b.size]);
        try {
          loss += (await tuner.train(images, b.labels)).loss;
        } finally {
          images.dispose();
        }
        await yieldToMessages();
      }
      acc = (await correct(tuner, val)) / ds.valSize;
      if (o.live) ctx.post({ type: 'probe/ft-epoch', id: s.id, point: { epoch: epoch + 1, loss: loss / stepsPerEpoch, acc } });
    }
  } finally {
    tuner.dispose();
  }
  return acc;
}

/** Correct predictions on the validation batches. */
async function correct(tuner: FineTuner, batches: () => AsyncIterable<ImageBatch>): Promise<number> {
  let n = 0;
  for await (const b of batches()) {
    const images = tf.tensor4d(b.images, [b.batch, 3, b.size, b.size]);
    n += await tuner.correct(images, b.labels);
    images.dispose();
  }
  return n;
}

/** Bytes of rendered validation images a fine-tuning run keeps between epochs. */
export const KEPT_VAL_BYTES = 128 * 1024 * 1024;

/**
 * The whole validation split as fixed batches of 64: rendered once and kept when they take at most
 * KEPT_VAL_BYTES (re-rendering every epoch was slow), else rendered afresh each epoch, one batch at a
 * time, so a large validation split (a big import at a large preset) cannot fill the worker's memory.
 */
export async function valBatches(ds: LabelledDataset, keepBytes = KEPT_VAL_BYTES): Promise<() => AsyncIterable<ImageBatch>> {
  async function* render(): AsyncGenerator<ImageBatch> {
    for (let start = 0; start < ds.valSize; start += 64)
      yield await fixedBatch(
        ds,
        Array.from({ length: Math.min(64, ds.valSize - start) }, (_, i) => start + i),
      );
  }
  if (ds.valSize * 3 * ds.imgSize * ds.imgSize * 4 > keepBytes) return render;
  const kept: ImageBatch[] = [];
  for await (const b of render()) kept.push(b);
  return async function* () {
    yield* kept;
  };
}
