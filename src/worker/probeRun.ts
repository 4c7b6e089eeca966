// One probing run in the worker: a frozen encoder (a pretraining run's final state, or random init),
// linear and attentive probes trained side by side on the same batches, validation top-1 per epoch,
// and the attention maps that explain the difference (paper Figure 10).
import * as tf from '@tensorflow/tfjs';
import { BatchLoader, fixedBatch, type ImageBatch } from '../data/loader';
import { toRgba } from '../data/patches';
import { denormalizeImageNet } from '../data/augment';
import { shapesDataset, type LabelledDataset } from '../data/shapes';
import { seededSubset } from '../data/subset';
import { Cae } from '../model/cae';
import { grid } from '../model/config';
import { Rng } from '../model/random';
import type { AttentionView, ProbeSpec, RunStatus } from '../protocol/messages';
import { readModelCheckpoint } from '../model/checkpoint';
import { modelFromCheckpoint } from '../model/weights';
import { ProbePair } from '../train/probeTrainer';
import type { Post } from './pretrainRun';

const MAP_IMAGES = 4;
/** Images per encoder call when features are computed for a whole split. */
const CHUNK = 64;

export class ProbeRun {
  status: RunStatus = 'starting';
  private stopRequested = false;
  private readonly features: 'cached' | 'per-batch';

  /** `dataset` is the one `spec.dataset` names, resolved by the worker (shapes by default). */
  constructor(
    readonly spec: ProbeSpec,
    private readonly encoderBytes: Uint8Array | null,
    private readonly post: Post,
    private readonly dataset?: LabelledDataset,
  ) {
    this.features = spec.augment ? 'per-batch' : 'cached';
  }

  stop(): void {
    this.stopRequested = true;
  }

  private setStatus(status: RunStatus, message: string | null = null): void {
    this.status = status;
    this.post({ type: 'probe/status', id: this.spec.id, status, message, features: this.features });
  }

  private encoder(): Cae {
    if (!this.encoderBytes) return new Cae(this.spec.model, this.spec.probe.seed);
    return modelFromCheckpoint(readModelCheckpoint(this.encoderBytes));
  }

  /** Encoder outputs [n, T, D] for fixed images of a split, computed in chunks. */
  private encodeSplit(model: Cae, ds: LabelledDataset, split: 'train' | 'val', n: number): { x: tf.Tensor3D; y: Int32Array } {
    const parts: tf.Tensor3D[] = [];
    const y = new Int32Array(n);
    for (let start = 0; start < n; start += CHUNK) {
      const idx = Array.from({ length: Math.min(CHUNK, n - start) }, (_, i) => start + i);
      const b = fixedBatch(ds, idx, split);
      y.set(b.labels, start);
      parts.push(tf.tidy(() => model.encodeAll(tf.tensor4d(b.images, [b.batch, 3, b.size, b.size]))));
    }
    const x = tf.concat(parts) as tf.Tensor3D;
    tf.dispose(parts);
    return { x, y };
  }

  /** The probe's images: shapes at the asked sizes, or a seeded subset of an imported dataset. */
  private images(): { ds: LabelledDataset; note: string | null } {
    const s = this.spec;
    if (!this.dataset) return { ds: shapesDataset(s.probe.seed, s.model.imgSize, { train: s.trainImages, val: s.valImages }), note: null };
    const all = this.dataset;
    if (all.classes.length === 0) throw new Error(`${all.name} has no labels, and probing needs them; import a folder with one subfolder per class`);
    if (all.valSize === 0) throw new Error(`${all.name} has no validation images; import it again with a validation share above 0`);
    const ds = seededSubset(all, { train: s.trainImages, val: s.valImages }, s.probe.seed);
    if (ds.trainSize < s.probe.batchSize) throw new Error(`${all.name} has ${ds.trainSize} training images, fewer than one probe batch of ${s.probe.batchSize}`);
    const fewer = ds.trainSize < s.trainImages || ds.valSize < s.valImages;
    return { ds, note: fewer ? `${all.name} has ${ds.trainSize} training and ${ds.valSize} validation images; the probes use all of them.` : null };
  }

  async run(): Promise<void> {
    const s = this.spec;
    const { ds, note } = this.images();
    const model = this.encoder();
    const probes = new ProbePair(s.model.embedDim, s.model.numHeads, ds.classes.length, s.probe);
    const B = s.probe.batchSize;
    const trainImages = ds.trainSize;
    const valImages = ds.valSize;
    const stepsPerEpoch = Math.max(1, Math.floor(trainImages / B));
    const val = this.encodeSplit(model, ds, 'val', valImages);
    const cached = s.augment ? null : this.encodeSplit(model, ds, 'train', trainImages);
    const loader = new BatchLoader(ds, B, s.probe.seed, true);
    this.setStatus('running', note);
    try {
      for (let epoch = 0; epoch < s.epochs && !this.stopRequested; epoch++) {
        const order = new Rng(s.probe.seed * 31 + epoch).shuffle(Array.from({ length: trainImages }, (_, i) => i));
        let lin = 0;
        let att = 0;
        for (let k = 0; k < stepsPerEpoch && !this.stopRequested; k++) {
          const { x, y } = cached ? this.cachedBatch(cached, order.slice(k * B, (k + 1) * B)) : this.augmentedBatch(model, loader.next());
          const r = await probes.train(x, y);
          x.dispose();
          lin += r.linearLoss;
          att += r.attentiveLoss;
          await new Promise((res) => setTimeout(res, 0)); // let stop in
        }
        const ok = await probes.correct(val.x, val.y);
        this.post({
          type: 'probe/epoch',
          id: s.id,
          point: { epoch: epoch + 1, linearLoss: lin / stepsPerEpoch, attentiveLoss: att / stepsPerEpoch, linearAcc: ok.linear / valImages, attentiveAcc: ok.attentive / valImages },
        });
      }
      await this.postAttention(model, probes, ds);
      this.setStatus(this.stopRequested ? 'stopped' : 'done');
    } finally {
      tf.dispose([val.x, ...(cached ? [cached.x] : [])]);
      probes.dispose();
      model.dispose();
    }
  }

  private cachedBatch(cache: { x: tf.Tensor3D; y: Int32Array }, idx: number[]): { x: tf.Tensor3D; y: Int32Array } {
    return { x: tf.tidy(() => tf.gather(cache.x, tf.tensor1d(idx, 'int32')) as tf.Tensor3D), y: Int32Array.from(idx, (i) => cache.y[i]!) };
  }

  private augmentedBatch(model: Cae, b: ImageBatch): { x: tf.Tensor3D; y: Int32Array } {
    return { x: tf.tidy(() => model.encodeAll(tf.tensor4d(b.images, [b.batch, 3, b.size, b.size]))), y: b.labels };
  }

  private async postAttention(model: Cae, probes: ProbePair, ds: LabelledDataset): Promise<void> {
    const c = model.config;
    const b = fixedBatch(ds, Array.from({ length: MAP_IMAGES }, (_, i) => (i * 3) % ds.valSize));
    const T = grid(c) ** 2 + 1;
    const [probeMaps, encMaps] = tf.tidy(() => {
      const imgs = tf.tensor4d(b.images, [b.batch, 3, b.size, b.size]);
      const feats = model.encodeAll(imgs);
      const p = probes.attention(feats).slice([0, 0, 1], [-1, -1, T - 1]); // patches only: [K, H, N]
      return [p, model.clsAttention(imgs)];
    });
    const view: AttentionView = {
      size: c.imgSize,
      grid: grid(c),
      count: MAP_IMAGES,
      heads: c.numHeads,
      layers: c.depth,
      images: concatRgba(b, c.imgSize),
      probe: (await probeMaps.data()) as Float32Array,
      encoder: (await encMaps.data()) as Float32Array,
    };
    tf.dispose([probeMaps, encMaps]);
    this.post({ type: 'probe/attention', id: this.spec.id, view }, [view.images.buffer, view.probe.buffer, view.encoder.buffer]);
  }
}

function concatRgba(b: ImageBatch, S: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(b.batch * S * S * 4);
  for (let i = 0; i < b.batch; i++) out.set(toRgba(denormalizeImageNet(b.images.subarray(i * 3 * S * S, (i + 1) * 3 * S * S)), S), i * S * S * 4);
  return out;
}
