// The loops of one evaluation, shared by the probes and fine-tuning: the frozen encoder's outputs for
// a split (cached once), and the linear and attentive probes trained side by side over epochs.
import * as tf from '@tensorflow/tfjs';
import { BatchLoader, fixedBatch } from '../data/loader';
import type { LabelledDataset, Split } from '../data/shapes';
import type { Cae } from '../model/cae';
import { Rng } from '../model/random';
import type { ProbeSpec } from '../protocol/messages';
import type { ProbePair } from '../train/probeTrainer';
import type { Post } from './pretrainRun';

/** Images per encoder call when features are computed for a whole split. */
const CHUNK = 64;

/** What an evaluation loop needs of its run: the spec, the stop flag, and the way out. */
export interface EvalContext {
  readonly spec: ProbeSpec;
  readonly stopping: boolean;
  readonly post: Post;
  progress(text: string): void;
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

/**
 * Trains both probes for the spec's epochs on cached features (or features of augmented batches)
 * and returns their final validation top-1. Streams per-epoch points when `live`.
 */
export async function trainProbes(
  ctx: EvalContext,
  model: Cae,
  probes: ProbePair,
  ds: LabelledDataset,
  val: Encoded,
  cached: Encoded | null,
  o: LoopOptions,
): Promise<{ linear: number; attentive: number }> {
  const s = ctx.spec;
  const B = s.probe.batchSize;
  const n = ds.trainSize;
  const stepsPerEpoch = Math.max(1, Math.floor(n / B));
  const loader = new BatchLoader(ds, B, o.seed, true);
  let acc = { linear: 0, attentive: 0 };
  for (let epoch = 0; epoch < s.epochs && !ctx.stopping; epoch++) {
    ctx.progress(`${o.label} · probes, epoch ${epoch + 1} of ${s.epochs}`);
    const order = new Rng(o.seed * 31 + epoch).shuffle(Array.from({ length: n }, (_, i) => i));
    let lin = 0;
    let att = 0;
    for (let k = 0; k < stepsPerEpoch && !ctx.stopping; k++) {
      const { x, y } = cached ? gatherBatch(cached, order.slice(k * B, (k + 1) * B)) : await augmentedBatch(model, loader);
      const r = await probes.train(x, y);
      x.dispose();
      lin += r.linearLoss;
      att += r.attentiveLoss;
      await yieldToMessages();
    }
    const ok = await probes.correct(val.x, val.y);
    acc = { linear: ok.linear / val.y.length, attentive: ok.attentive / val.y.length };
    if (o.live)
      ctx.post({
        type: 'probe/epoch',
        id: s.id,
        point: { epoch: epoch + 1, linearLoss: lin / stepsPerEpoch, attentiveLoss: att / stepsPerEpoch, linearAcc: acc.linear, attentiveAcc: acc.attentive },
      });
  }
  return acc;
}

function gatherBatch(cache: Encoded, idx: number[]): Encoded {
  return { x: tf.tidy(() => tf.gather(cache.x, tf.tensor1d(idx, 'int32')) as tf.Tensor3D), y: Int32Array.from(idx, (i) => cache.y[i]!) };
}

async function augmentedBatch(model: Cae, loader: BatchLoader): Promise<Encoded> {
  const b = await loader.next(true);
  return { x: tf.tidy(() => model.encodeAll(tf.tensor4d(b.images, [b.batch, 3, b.size, b.size]))), y: b.labels };
}
