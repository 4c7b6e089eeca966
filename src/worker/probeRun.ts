// One evaluation run in the worker: a frozen encoder (a pretraining run's final state, or random
// init) read four ways on the same images: linear and attentive probes trained side by side, kNN on
// CLS and on mean-pooled patches, and fine-tuning end to end; beside it, the same for a random-init
// encoder of the same preset (the baseline), each over several seeds. The first seed of the probed
// encoder streams its curves and the attention maps that explain LIN versus ATT (paper Figure 10).
import * as tf from '@tensorflow/tfjs';
import { fixedBatch, type ImageBatch } from '../data/loader';
import { toRgba } from '../data/patches';
import { denormalizeImageNet } from '../data/augment';
import { builtinDataset, SHAPE_CLASSES, type LabelledDataset } from '../data/shapes';
import { seededSubset } from '../data/subset';
import { validationFromTraining } from '../data/holdout';
import { Cae } from '../model/cae';
import { grid } from '../model/config';
import { probeFeatures } from '../model/probes';
import type { AttentionView, EvalRow, ProbeSpec, ResultId, RunStatus } from '../protocol/messages';
import { readModelCheckpoint } from '../model/checkpoint';
import { modelFromCheckpoint } from '../model/weights';
import { summarize } from '../train/accuracy';
import type { TrainingFit } from '../train/convergence';
import { knnPredict } from '../train/knn';
import { ProbePair } from '../train/probeTrainer';
import { fineTune } from './fineTuneRun';
import { encodeSplit, linearReadout, trainProbes } from './probeLoop';
import type { Post } from './pretrainRun';

const MAP_IMAGES = 4;

/** Per-seed accuracies of one encoder, by result, with how each trained readout's training ended. */
type Collected = Map<ResultId, { acc: number[]; fits: TrainingFit[] }>;

/** One seed's result of one readout. */
interface Outcome {
  readonly acc: number;
  readonly fit?: TrainingFit;
}

export class ProbeRun {
  status: RunStatus = 'starting';
  private stopRequested = false;
  private readonly features: 'cached' | 'per-batch';
  private valImages = 0;

  /** `dataset` is the imported one `spec.dataset` names, resolved by the worker (none for shapes). */
  constructor(
    readonly spec: ProbeSpec,
    private readonly encoderBytes: Uint8Array | null,
    readonly post: Post,
    private readonly dataset?: LabelledDataset,
  ) {
    this.features = spec.augment ? 'per-batch' : 'cached';
  }

  stop(): void {
    this.stopRequested = true;
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  private setStatus(status: RunStatus, message: string | null = null): void {
    this.status = status;
    this.post({ type: 'probe/status', id: this.spec.id, status, message, features: this.features });
  }

  /** Which part (one encoder on one seed) runs: the page's progress bar counts them. */
  private part = { index: 0, count: 1 };

  progress(text: string, stage: { done: number; total: number } | null = null): void {
    this.post({ type: 'probe/progress', id: this.spec.id, text, part: this.part, stage });
  }

  /** The probed encoder, or a random init of the preset drawn from `seed`. */
  private encoder(role: EvalRow['role'], seed: number): Cae {
    if (role === 'baseline' || !this.encoderBytes) return new Cae(this.spec.model, seed);
    return modelFromCheckpoint(readModelCheckpoint(this.encoderBytes));
  }

  /** The images of one seed: shapes drawn from it, or its seeded subset of an imported dataset. */
  private images(seed: number): { ds: LabelledDataset; note: string | null } {
    const s = this.spec;
    const sizes = { train: s.trainImages, val: s.valImages };
    const carve = s.split === 'val';
    if (!this.dataset) {
      if (!carve) return { ds: builtinDataset(s.dataset, seed, s.model.imgSize, sizes), note: null };
      const pool = builtinDataset(s.dataset, seed, s.model.imgSize, { train: s.trainImages + s.valImages, val: 1 });
      return { ds: validationFromTraining(pool, sizes, seed), note: null };
    }
    const all = this.dataset;
    if (all.classes.length === 0) throw new Error(`${all.name} has no labels, and probing needs them; import a folder with one subfolder per class`);
    if (all.valSize === 0 && !carve) throw new Error(`${all.name} has no held-out images; import it again with a held-out share above 0`);
    const ds = carve ? validationFromTraining(all, sizes, seed) : seededSubset(all, sizes, seed);
    if (ds.trainSize < s.probe.batchSize)
      throw new Error(`${all.name} has ${ds.trainSize} training images, fewer than one probe batch of ${s.probe.batchSize}`);
    const fewer = ds.trainSize < s.trainImages || ds.valSize < s.valImages;
    return { ds, note: fewer ? `${all.name} has ${ds.trainSize} training and ${ds.valSize} validation images; every evaluation uses all of them.` : null };
  }

  async run(): Promise<void> {
    const s = this.spec;
    const e = s.evaluation;
    const roles: EvalRow['role'][] = s.encoder.kind === 'run' && e.baseline ? ['probed', 'baseline'] : ['probed'];
    const collected = new Map<EvalRow['role'], Collected>(roles.map((r) => [r, new Map()]));
    const first = this.images(s.probe.seed);
    this.setStatus('running', first.note);
    for (let k = 0; k < e.seeds && !this.stopRequested; k++) {
      const seed = s.probe.seed + k;
      const { ds } = k === 0 ? first : this.images(seed);
      this.valImages = ds.valSize;
      const seedResults: [EvalRow['role'], Map<ResultId, Outcome>][] = [];
      for (const role of roles) {
        if (this.stopRequested) break;
        const live = k === 0 && role === 'probed';
        const label = `seed ${k + 1} of ${e.seeds} · ${role === 'probed' ? 'probed encoder' : 'random-init baseline'}`;
        this.part = { index: k * roles.length + roles.indexOf(role), count: e.seeds * roles.length };
        seedResults.push([role, await this.evaluate(role, seed, ds, live, label)]);
      }
      // A seed counts only when every evaluation of every encoder finished on it, so the probed
      // encoder and its baseline always average over the same seeds (a stop leaves the seed out).
      if (this.stopRequested) break;
      for (const [role, got] of seedResults)
        for (const [id, r] of got) {
          const c = collected.get(role)!;
          const prev = c.get(id) ?? { acc: [], fits: [] };
          c.set(id, { acc: [...prev.acc, r.acc], fits: r.fit ? [...prev.fits, r.fit] : prev.fits });
        }
    }
    this.postResults(collected);
    this.setStatus(this.stopRequested ? 'stopped' : 'done');
  }

  /** Every asked evaluation of one encoder on one seed's images; top-1 per result. */
  private async evaluate(role: EvalRow['role'], seed: number, ds: LabelledDataset, live: boolean, label: string): Promise<Map<ResultId, Outcome>> {
    const s = this.spec;
    const evals = new Set(s.evaluation.evals);
    const logistic = evals.has('lin') && (s.evaluation.linear ?? 'official') === 'logistic';
    const out = new Map<ResultId, Outcome>();
    const model = this.encoder(role, seed);
    try {
      if (evals.has('lin') || evals.has('att') || evals.has('knn')) {
        this.progress(`${label} · encoding the images`);
        const val = await encodeSplit(model, ds, 'val', ds.valSize);
        const cached = s.augment ? null : await encodeSplit(model, ds, 'train', ds.trainSize);
        try {
          if (evals.has('knn') || logistic) {
            // kNN and the logistic readout read unaugmented features of the training images.
            const train = cached ?? (await encodeSplit(model, ds, 'train', ds.trainSize));
            try {
              if (evals.has('knn'))
                for (const pooling of ['cls', 'mean'] as const) {
                  this.progress(`${label} · kNN on ${pooling === 'cls' ? 'the CLS token' : 'mean-pooled patches'}`);
                  out.set(`knn-${pooling}`, { acc: await this.knn(train, val, ds.classes.length, pooling) });
                }
              if (logistic) {
                this.progress(`${label} · linear probe: logistic regression, L2 by 5-fold cross-validation on the training images`);
                out.set('lin', await linearReadout(train, val, ds.classes.length, s.probe.pooling));
              }
            } finally {
              if (!cached) tf.dispose(train.x);
            }
          }
          const which = { linear: evals.has('lin') && !logistic, attentive: evals.has('att') };
          if ((which.linear || which.attentive) && !this.stopRequested) {
            const probes = new ProbePair(s.model.embedDim, s.model.numHeads, ds.classes.length, { ...s.probe, seed });
            try {
              const r = await trainProbes(this, model, probes, ds, val, cached, { seed, live, label }, which);
              if (r.linear) out.set('lin', r.linear);
              if (r.attentive) out.set('att', r.attentive);
              if (live && !this.stopRequested) await this.postAttention(model, probes, ds);
            } finally {
              probes.dispose();
            }
          }
        } finally {
          tf.dispose([val.x, ...(cached ? [cached.x] : [])]);
        }
      }
      // Last: fine-tuning changes the encoder's weights in place.
      if (evals.has('ft') && !this.stopRequested) out.set('ft', { acc: await fineTune(this, model, ds, { seed, live, label }) });
    } finally {
      model.dispose();
    }
    return out;
  }

  private async knn(
    train: { x: tf.Tensor3D; y: Int32Array },
    val: { x: tf.Tensor3D; y: Int32Array },
    classes: number,
    pooling: 'cls' | 'mean',
  ): Promise<number> {
    const [tr, va] = [train.x, val.x].map((x) => tf.tidy(() => probeFeatures(x, pooling)));
    try {
      const pred = await knnPredict(tr!, train.y, va!, classes, this.spec.evaluation.knn);
      return pred.reduce((n, p, i) => n + (p === val.y[i] ? 1 : 0), 0) / val.y.length;
    } finally {
      tf.dispose([tr!, va!]);
    }
  }

  private postResults(collected: Map<EvalRow['role'], Collected>): void {
    const rows: EvalRow[] = [...collected].map(([role, c]) => ({
      role,
      results: Object.fromEntries([...c].map(([id, v]) => [id, summarize(v.acc, this.valImages, v.fits)])),
    }));
    const classes = this.dataset?.classes.length ?? SHAPE_CLASSES.length;
    this.post({ type: 'probe/result', id: this.spec.id, rows, chance: 1 / classes });
  }

  private async postAttention(model: Cae, probes: ProbePair, ds: LabelledDataset): Promise<void> {
    const c = model.config;
    const b = await fixedBatch(
      ds,
      Array.from({ length: MAP_IMAGES }, (_, i) => (i * 3) % ds.valSize),
    );
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
