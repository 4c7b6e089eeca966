// Linear and attentive probes trained side by side on the same frozen features (official
// tools/run_linear.py and tools/run_attentive.py): BatchNorm(affine=False) + linear on CLS (or
// mean-pooled patches) with LARS, and the attentive block + BatchNorm + linear with Nesterov SGD;
// no weight decay, warmup then cosine, learning rates scaled to the batch.
// Letters: B batch, T tokens (1+N, CLS first), D width, H heads, K classes.
import * as tf from '@tensorflow/tfjs';
import { type Params } from '../model/layers';
import { initValue, type ParamSpec } from '../model/params';
import { attentiveBlock, attentiveBlockSpecs, BatchNormNoAffine, type BatchNormMode, classifierSpecs, probeFeatures } from '../model/probes';
import { Rng } from '../model/random';
import { warmupCosine } from './schedule';
import { Lars, SgdNesterov } from './sgd';

export interface ProbeTrainConfig {
  readonly seed: number;
  readonly batchSize: number;
  /** Optimizer steps in the whole probe run (epochs × steps per epoch). */
  readonly totalSteps: number;
  readonly warmupSteps: number;
  /** Linear probe: features from CLS (official) or the mean of patch tokens. */
  readonly pooling: 'cls' | 'mean';
  /** LARS learning rate at `linearBaseBatch` (official blr 0.1 at 256, scaled linearly). */
  readonly linearBaseLr: number;
  readonly linearBaseBatch: number;
  /** Nesterov SGD learning rate at `attentiveBaseBatch` (official 0.4 at 8192). */
  readonly attentiveBaseLr: number;
  readonly attentiveBaseBatch: number;
  /** Momentum of both optimizers (official 0.9). */
  readonly momentum: number;
  /**
   * The attentive probe's BatchNorm at evaluation: 'batch' statistics of each evaluation batch
   * (official: LP_BatchNorm is never switched to evaluation) or the 'running' averages. The
   * linear probe's is torch's BatchNorm1d, evaluated with running averages, as officially.
   */
  readonly attentiveEvalBn: 'batch' | 'running';
}

export { OFFICIAL_PROBE_LR } from './officialRates';

export interface ProbeStep {
  readonly linearLoss: number;
  readonly attentiveLoss: number;
  readonly linearLr: number;
  readonly attentiveLr: number;
}

function makeVars(specs: ParamSpec[], rng: Rng): Map<string, tf.Variable> {
  return new Map(specs.map((s) => [s.name, tf.tidy(() => tf.variable(tf.tensor(initValue(s, rng), [...s.shape])))]));
}

const lookup =
  (m: Map<string, tf.Variable>): Params =>
  (n) => {
    const v = m.get(n);
    if (!v) throw new Error(`probe has no parameter "${n}"`);
    return v;
  };

export class ProbePair {
  readonly linearVars: Map<string, tf.Variable>;
  readonly attentiveVars: Map<string, tf.Variable>;
  private readonly linearBn: BatchNormNoAffine;
  private readonly attentiveBn: BatchNormNoAffine;
  private readonly lars: Lars;
  private readonly sgd: SgdNesterov;
  step = 0;

  constructor(
    readonly dim: number,
    readonly heads: number,
    readonly classes: number,
    readonly cfg: ProbeTrainConfig,
  ) {
    const rng = new Rng(cfg.seed ^ 0x9b0be);
    this.linearVars = makeVars(classifierSpecs(dim, classes, 'linear.head'), rng);
    this.attentiveVars = makeVars([...attentiveBlockSpecs(dim, 'probe'), ...classifierSpecs(dim, classes, 'attentive.head')], rng);
    this.linearBn = new BatchNormNoAffine(dim, 1e-6); // run_linear.py: BatchNorm1d(affine=False, eps=1e-6)
    this.attentiveBn = new BatchNormNoAffine(dim, 1e-5); // LP_BatchNorm default eps
    this.lars = new Lars([...this.linearVars.values()], cfg.momentum);
    this.sgd = new SgdNesterov([...this.attentiveVars.values()], cfg.momentum);
  }

  /** Logits of both probes: [B, K] each, BatchNorms training or as the evaluation recipe says. */
  logits(features: tf.Tensor3D, training: boolean): { linear: tf.Tensor2D; attentive: tf.Tensor2D } {
    const lp = lookup(this.linearVars);
    const ap = lookup(this.attentiveVars);
    const mode = (evalMode: BatchNormMode): BatchNormMode => (training ? 'train' : evalMode);
    const lin = this.linearBn.apply(probeFeatures(features, this.cfg.pooling), mode('running'));
    const q = attentiveBlock(features, ap, this.heads, 'probe').reshape([features.shape[0], this.dim]) as tf.Tensor2D;
    const att = this.attentiveBn.apply(q, mode(this.cfg.attentiveEvalBn));
    return {
      linear: tf.matMul(lin, lp('linear.head.weight') as tf.Tensor2D, false, true).add(lp('linear.head.bias')),
      attentive: tf.matMul(att, ap('attentive.head.weight') as tf.Tensor2D, false, true).add(ap('attentive.head.bias')),
    };
  }

  /** The official schedules' rates at this step: warmup then cosine over `totalSteps`, scaled to the batch. */
  scheduledRates(batch: number): { linear: number; attentive: number } {
    const c = this.cfg;
    const peak = this.peakRates(batch);
    return {
      linear: warmupCosine(this.step, c.totalSteps, c.warmupSteps, peak.linear, 0),
      attentive: warmupCosine(this.step, c.totalSteps, c.warmupSteps, peak.attentive, 0),
    };
  }

  /** Each probe's peak rate at this batch by the official rule: base × batch / reference batch. */
  peakRates(batch: number): { linear: number; attentive: number } {
    const c = this.cfg;
    return { linear: (c.linearBaseLr * batch) / c.linearBaseBatch, attentive: (c.attentiveBaseLr * batch) / c.attentiveBaseBatch };
  }

  /**
   * One step on a batch of frozen encoder outputs [B, T, D], for the probes given a rate (a probe
   * whose rate is null is left as it is and reports NaN): the caller owns the schedules, so each
   * probe can follow its own budget (the linear probe's fixed epochs, the attentive probe's plateau
   * rule). `scheduledRates` gives the official warmup-then-cosine rates.
   */
  async train(
    features: tf.Tensor3D,
    labels: Int32Array,
    lr: { linear: number | null; attentive: number | null } = this.scheduledRates(features.shape[0]),
  ): Promise<ProbeStep> {
    const linVars = lr.linear === null ? [] : [...this.linearVars.values()];
    const attVars = lr.attentive === null ? [] : [...this.attentiveVars.values()];
    if (linVars.length + attVars.length === 0) throw new Error('a probe step with neither probe to train');
    const parts: { lin?: tf.Scalar; att?: tf.Scalar } = {};
    const { stats, lg, ag } = tf.tidy(() => {
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), this.classes);
      const ce = (z: tf.Tensor2D): tf.Scalar => tf.mean(tf.neg(tf.sum(tf.logSoftmax(z).mul(y), -1)));
      // The probes share no parameter: the gradient of the sum is each probe's own gradient.
      const { grads } = tf.variableGrads(() => {
        const z = this.logits(features, true);
        parts.lin = tf.keep(lr.linear === null ? tf.scalar(NaN) : ce(z.linear));
        parts.att = tf.keep(lr.attentive === null ? tf.scalar(NaN) : ce(z.attentive));
        return (lr.linear === null ? parts.att : lr.attentive === null ? parts.lin : parts.lin.add(parts.att)) as tf.Scalar;
      }, [...linVars, ...attVars]);
      return { stats: tf.stack([parts.lin!, parts.att!]), lg: linVars.map((v) => grads[v.name]!), ag: attVars.map((v) => grads[v.name]!) };
    });
    tf.dispose([parts.lin!, parts.att!]);
    if (lr.linear !== null) this.lars.apply(lg, lr.linear);
    if (lr.attentive !== null) this.sgd.apply(ag, lr.attentive);
    tf.dispose([...lg, ...ag]);
    const [linearLoss, attentiveLoss] = Array.from(await stats.data());
    stats.dispose();
    this.step += 1;
    return { linearLoss: linearLoss!, attentiveLoss: attentiveLoss!, linearLr: lr.linear ?? NaN, attentiveLr: lr.attentive ?? NaN };
  }

  /**
   * Correct top-1 predictions of both probes, BatchNorms in evaluation mode, in batches of the
   * probe's batch size (batch statistics depend on the batch, as in the official evaluation loop).
   */
  async correct(features: tf.Tensor3D, labels: Int32Array): Promise<{ linear: number; attentive: number }> {
    const n = features.shape[0];
    const B = this.cfg.batchSize;
    let linear = 0;
    let attentive = 0;
    for (let start = 0; start < n; start += B) {
      const size = Math.min(B, n - start);
      const t = tf.tidy(() => {
        const z = this.logits(features.slice([start, 0, 0], [size, -1, -1]), false);
        const y = tf.tensor1d(labels.subarray(start, start + size), 'int32');
        return tf.stack([tf.sum(tf.equal(tf.argMax(z.linear, -1), y)), tf.sum(tf.equal(tf.argMax(z.attentive, -1), y))]);
      });
      const [l, a] = Array.from(await t.data());
      t.dispose();
      linear += l!;
      attentive += a!;
    }
    return { linear, attentive };
  }

  /** The attentive query's attention over the tokens, [B, H, T]: the paper's Figure 10 maps. */
  attention(features: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      // The callback runs inside this scope, so the weights are still alive to squeeze.
      let maps: tf.Tensor4D | null = null;
      attentiveBlock(features, lookup(this.attentiveVars), this.heads, 'probe', (a) => (maps = a));
      return (maps as unknown as tf.Tensor4D).squeeze([2]) as tf.Tensor3D;
    });
  }

  dispose(): void {
    tf.dispose([...this.linearVars.values(), ...this.attentiveVars.values()]);
    this.linearBn.dispose();
    this.attentiveBn.dispose();
    this.lars.dispose();
    this.sgd.dispose();
  }
}
