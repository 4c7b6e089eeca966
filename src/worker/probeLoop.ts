// The loops of one evaluation, shared by the probes and fine-tuning: the frozen encoder's outputs for
// a split (cached once), and the linear and attentive probes trained side by side, each to its budget.
import * as tf from '@tensorflow/tfjs';
import { BatchLoader, fixedBatch } from '../data/loader';
import type { LabelledDataset, Split } from '../data/shapes';
import type { Cae } from '../model/cae';
import { probeFeatures } from '../model/probes';
import { logisticReadout } from '../train/logistic';
import { Rng } from '../model/random';
import type { ProbeSpec } from '../protocol/messages';
import type { ProbePair } from '../train/probeTrainer';
import { DEFAULT_PLATEAU, lossFit, Plateau, type TrainingFit } from '../train/convergence';
import type { Post } from './pretrainRun';

/** Images per encoder call when features are computed for a whole split. */
const CHUNK = 64;

/** What an evaluation loop needs of its run: the spec, the stop flag, and the way out. */
export interface EvalContext {
  readonly spec: ProbeSpec;
  readonly stopping: boolean;
  readonly post: Post;
  /** What runs now, in words, and how far its readout is (epochs or steps done of its most). */
  progress(text: string, stage?: { done: number; total: number } | null): void;
}

/** Which seed a loop runs, whether it streams its curve (first seed, probed encoder), its label. */
export interface LoopOptions {
  readonly seed: number;
  readonly live: boolean;
  readonly label: string;
}

export interface Encoded {
  /** Encoder outputs [n, T, D]. */
  readonly x: tf.Tensor3D;
  readonly y: Int32Array;
}

/** Encoder outputs for the first n fixed images of a split, computed in chunks. */
export async function encodeSplit(model: Cae, ds: LabelledDataset, split: Split, n: number): Promise<Encoded> {
  const parts: tf.Tensor3D[] = [];
  const y = new Int32Array(n);
  try {
    for (let start = 0; start < n; start += CHUNK) {
      const idx = Array.from({ length: Math.min(CHUNK, n - start) }, (_, i) => start + i);
      const b = await fixedBatch(ds, idx, split);
      y.set(b.labels, start);
      parts.push(tf.tidy(() => model.encodeAll(tf.tensor4d(b.images, [b.batch, 3, b.size, b.size]))));
    }
  } catch (e) {
    tf.dispose(parts); // a streamed read failed (a chunk gone from storage): no tensor outlives it
    throw e;
  }
  const x = tf.concat(parts) as tf.Tensor3D;
  tf.dispose(parts);
  return { x, y };
}

/** Lets a stop request (a message) in between steps. */
export const yieldToMessages = () => new Promise((res) => setTimeout(res, 0));

/** A trained probe's final test top-1 and how its training ended. */
export interface ProbeOutcome {
  readonly acc: number;
  readonly fit: TrainingFit;
}

/**
 * Trains the asked probes side by side on cached features (or features of augmented batches): the
 * attentive probe until the plateau rule says its training loss has converged (rate at its peak after
 * a one-epoch warmup, dropped on each plateau), the linear probe of the official recipe for the
 * spec's epochs (warmup then cosine). Returns each one's final test top-1 and fit. Streams per-epoch
 * points when `live`; the test split is read only for that curve and at the end, never to decide.
 */
export async function trainProbes(
  ctx: EvalContext,
  model: Cae,
  probes: ProbePair,
  ds: LabelledDataset,
  val: Encoded,
  cached: Encoded | null,
  o: LoopOptions,
  which: { readonly linear: boolean; readonly attentive: boolean },
): Promise<{ linear?: ProbeOutcome; attentive?: ProbeOutcome }> {
  const s = ctx.spec;
  const B = s.probe.batchSize;
  const n = ds.trainSize;
  const stepsPerEpoch = Math.max(1, Math.floor(n / B));
  const loader = new BatchLoader(ds, B, o.seed, true);
  const plateau = new Plateau(s.evaluation.plateau ?? DEFAULT_PLATEAU);
  const linLosses: number[] = [];
  const attPeak = probes.peakRates(B).attentive;
  let linActive = which.linear;
  let attActive = which.attentive;
  let linFit: TrainingFit | null = null;
  let attFit: TrainingFit | null = null;
  // Correct answers on the test images after the last epoch, when the live curve already counted them.
  let counted: { linear: number; attentive: number } | null = null;
  for (let epoch = 0; (linActive || attActive) && !ctx.stopping; epoch++) {
    const att = attActive ? `attentive probe epoch ${epoch + 1} (until converged, at most ${plateau.rule.maxEpochs})` : '';
    const lin = linActive ? `linear probe epoch ${epoch + 1} of ${s.epochs}` : '';
    // ATT runs until converged: its most is the epoch cap, so its share is a lower bound.
    const most = Math.max(attActive ? plateau.rule.maxEpochs : 0, linActive ? s.epochs : 0);
    ctx.progress(`${o.label} · ${[att, lin].filter(Boolean).join(', ')}`, { done: epoch, total: most });
    const order = new Rng(o.seed * 31 + epoch).shuffle(Array.from({ length: n }, (_, i) => i));
    let linSum = 0;
    let attSum = 0;
    for (let k = 0; k < stepsPerEpoch && !ctx.stopping; k++) {
      const { x, y } = cached ? gatherBatch(cached, order.slice(k * B, (k + 1) * B)) : await augmentedBatch(model, loader);
      const official = probes.scheduledRates(x.shape[0]);
      const warm = Math.min(1, (epoch * stepsPerEpoch + k + 1) / stepsPerEpoch);
      const r = await probes.train(x, y, { linear: linActive ? official.linear : null, attentive: attActive ? attPeak * warm * plateau.scale : null });
      x.dispose();
      linSum += r.linearLoss;
      attSum += r.attentiveLoss;
      await yieldToMessages();
    }
    if (ctx.stopping) break;
    const linLoss = linActive ? linSum / stepsPerEpoch : null;
    const attLoss = attActive ? attSum / stepsPerEpoch : null;
    if (linLoss !== null) {
      linLosses.push(linLoss);
      if (linLosses.length >= s.epochs) {
        linActive = false;
        linFit = lossFit(linLosses, plateau.rule.window, false); // a fixed budget: nothing checked convergence
      }
    }
    if (attLoss !== null) {
      const action = plateau.observe(attLoss);
      if (action === 'converged' || action === 'cap') {
        attActive = false;
        attFit = plateau.summary(action === 'converged');
      }
    }
    counted = null;
    if (o.live) {
      const acc = (counted = await probes.correct(val.x, val.y));
      ctx.post({
        type: 'probe/epoch',
        id: s.id,
        point: {
          epoch: epoch + 1,
          linearLoss: linLoss,
          attentiveLoss: attLoss,
          linearAcc: linLoss === null ? null : acc.linear / val.y.length,
          attentiveAcc: attLoss === null ? null : acc.attentive / val.y.length,
        },
      });
    }
  }
  if (ctx.stopping) return {};
  const acc = counted ?? (await probes.correct(val.x, val.y));
  return {
    ...(which.linear && linFit ? { linear: { acc: acc.linear / val.y.length, fit: linFit } } : {}),
    ...(which.attentive && attFit ? { attentive: { acc: acc.attentive / val.y.length, fit: attFit } } : {}),
  };
}

/**
 * LIN as a converged logistic regression on the pooled frozen features (CLS or mean of the patches):
 * standardized with the training statistics, L2 chosen by 5-fold cross-validation on the training
 * images, refitted on all of them, read on the test images.
 */
export async function linearReadout(train: Encoded, test: Encoded, classes: number, pooling: 'cls' | 'mean'): Promise<{ acc: number; fit: TrainingFit }> {
  const [tr, te] = [train.x, test.x].map((x) => tf.tidy(() => probeFeatures(x, pooling)));
  const d = tr!.shape[1];
  const [xtr, xte] = [(await tr!.data()) as Float32Array, (await te!.data()) as Float32Array];
  tf.dispose([tr!, te!]);
  const r = await logisticReadout({ x: xtr, y: train.y }, { x: xte, y: test.y }, d, classes, yieldToMessages);
  return { acc: r.top1, fit: { epochs: r.fit.iterations, finalLoss: r.fit.loss, slope: NaN, converged: r.fit.converged, l2: r.l2, unit: 'iterations' } };
}

function gatherBatch(cache: Encoded, idx: number[]): Encoded {
  return { x: tf.tidy(() => tf.gather(cache.x, tf.tensor1d(idx, 'int32')) as tf.Tensor3D), y: Int32Array.from(idx, (i) => cache.y[i]!) };
}

async function augmentedBatch(model: Cae, loader: BatchLoader): Promise<Encoded> {
  const b = await loader.next(true);
  return { x: tf.tidy(() => model.encodeAll(tf.tensor4d(b.images, [b.batch, 3, b.size, b.size]))), y: b.labels };
}
