// Fine-tuning the whole encoder end to end with labels (official tools/run_class_finetuning.py and
// models/modeling_finetune.py): mean of the patch tokens without the encoder's final norm, a fresh
// LayerNorm (fc_norm) and a linear head scaled by init_scale 0.001 at init; AdamW with layer-wise
// lr decay (scale decay^(depth+1−id): embeddings id 0, block i id i+1, norm and head depth+1);
// label smoothing; warmup then cosine per step. From a random-init encoder the same loop is the
// supervised baseline. Not done here: mixup, cutmix, RandAugment, random erasing (see the README).
// Letters: B batch, T tokens (1+N), D width, K classes.
import * as tf from '@tensorflow/tfjs';
import type { Cae } from '../model/cae';
import { numPatches } from '../model/config';
import type { Params } from '../model/layers';
import { layerNorm } from '../model/layers';
import { allPatches } from '../model/masks';
import { initValue, isDecayed, type ParamSpec } from '../model/params';
import { Rng } from '../model/random';
import { AdamW } from './adamw';
import type { RunSchedule } from './config';
import { leanVariableGrads } from '../kernels/leanGrads';
import { lrAt } from './schedule';

/** Fine-tuning's recipe: the shared schedule (RunSchedule: seed of the head's init, drop path and the labelled subset; totalSteps filled in by the run as epochs × steps per epoch) and its own fields. */
export interface FineTuneConfig extends RunSchedule {
  /** Layer-wise lr decay (official 0.75 for ViT-S, 0.65 for ViT-B); 1 turns it off. */
  readonly layerDecay: number;
  /** AdamW decay on every parameter but 1-D ones, biases, cls_token and pos_embed (official 0.05). */
  readonly weightDecay: number;
  /** Label smoothing ε (official 0.1). */
  readonly labelSmoothing: number;
  /** Share of the training labels used, in (0, 1] (1 %, 10 % for the few-labels setting). */
  readonly labelFraction: number;
}

export { OFFICIAL_FINE_TUNE } from './officialRates';

/** The layer id of an encoder parameter (official get_layer_id_for_vit); head and fc_norm: depth+1. */
export function layerId(name: string, depth: number): number {
  const local = name.startsWith('encoder.') ? name.slice('encoder.'.length) : name;
  if (local === 'cls_token' || local === 'pos_embed' || local.startsWith('patch_embed')) return 0;
  const m = /^blocks\.(\d+)\./.exec(local);
  return m ? Number(m[1]) + 1 : depth + 1;
}

export const layerScale = (name: string, depth: number, decay: number): number => decay ** (depth + 1 - layerId(name, depth));

function headSpecs(dim: number, classes: number): ParamSpec[] {
  return [
    { name: 'fc_norm.weight', shape: [dim], init: { kind: 'const', value: 1 }, trainable: true },
    { name: 'fc_norm.bias', shape: [dim], init: { kind: 'const', value: 0 }, trainable: true },
    // trunc_normal_(std .02) with timm's absolute bounds ±2 (100σ: a plain normal), × init_scale.
    { name: 'head.weight', shape: [classes, dim], init: { kind: 'normal', std: 0.02 * 0.001 }, trainable: true },
    { name: 'head.bias', shape: [classes], init: { kind: 'const', value: 0 }, trainable: true },
  ];
}

export class FineTuner {
  readonly head: Map<string, tf.Variable>;
  private readonly optimizer: AdamW;
  private readonly dropRng: Rng;
  step = 0;

  /** Takes over `model`'s encoder weights (it trains them in place). */
  constructor(
    readonly model: Cae,
    readonly classes: number,
    readonly cfg: FineTuneConfig,
  ) {
    const rng = new Rng(cfg.seed ^ 0xf17e);
    const D = model.config.embedDim;
    this.head = new Map(headSpecs(D, classes).map((s) => [s.name, tf.tidy(() => tf.variable(tf.tensor(initValue(s, rng), [...s.shape])))]));
    this.dropRng = rng.fork();
    const depth = model.config.depth;
    const encoder = model.specs.filter(
      (s) => s.trainable && s.name.startsWith('encoder.') && s.name !== 'encoder.norm.weight' && s.name !== 'encoder.norm.bias',
    );
    const params = [
      // cls_token is in the official no-decay list (no_weight_decay()); pos_embed is frozen here.
      ...encoder.map((s) => ({
        name: s.name,
        variable: model.vars.get(s.name)!,
        decay: isDecayed(s) && s.name !== 'encoder.cls_token',
        lrScale: layerScale(s.name, depth, cfg.layerDecay),
      })),
      ...headSpecs(D, classes).map((s) => ({ name: s.name, variable: this.head.get(s.name)!, decay: isDecayed(s), lrScale: 1 })),
    ];
    this.optimizer = new AdamW(params, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: cfg.weightDecay });
  }

  private readonly hp: Params = (n) => {
    const v = this.head.get(n);
    if (!v) throw new Error(`fine-tuning head has no parameter "${n}"`);
    return v;
  };

  /** Logits [B, K]; drop path only while training. */
  logits(images: tf.Tensor4D, training: boolean): tf.Tensor2D {
    const B = images.shape[0];
    const dp = training && this.model.config.dropPathRate > 0 ? { rng: this.dropRng } : undefined;
    const x = this.model.encode(images, allPatches(B, numPatches(this.model.config)), dp, undefined, false); // [B, T, D]
    const pooled = x.slice([0, 1, 0], [-1, -1, -1]).mean(1); // [B, D]
    const f = layerNorm(pooled, this.hp, 'fc_norm'); // [B, D]
    return tf.matMul(f, this.hp('head.weight') as tf.Tensor2D, false, true).add(this.hp('head.bias'));
  }

  lr(): number {
    return lrAt(this.cfg, this.step);
  }

  /** One AdamW step on a labelled batch; returns the smoothed cross-entropy. */
  async train(images: tf.Tensor4D, labels: Int32Array): Promise<{ loss: number; lr: number }> {
    const lr = this.lr();
    const eps = this.cfg.labelSmoothing;
    const vars = this.optimizer.params.map((p) => p.variable);
    const { value, grads } = tf.tidy(() => {
      // timm LabelSmoothingCrossEntropy: (1−ε)·NLL + ε·mean over classes of −log p.
      const y = tf
        .oneHot(tf.tensor1d(labels, 'int32'), this.classes)
        .mul(1 - eps)
        .add(eps / this.classes);
      return leanVariableGrads(() => tf.mean(tf.neg(tf.sum(tf.logSoftmax(this.logits(images, true)).mul(y), -1))) as tf.Scalar, vars);
    });
    try {
      const loss = (await value.data())[0]!;
      if (!Number.isFinite(loss)) throw new Error(`fine-tuning loss became ${loss} at step ${this.step}; lower its learning rate`);
      tf.tidy(() => this.optimizer.apply(grads, lr, 1));
      this.step += 1;
      return { loss, lr };
    } finally {
      value.dispose();
      tf.dispose(grads);
    }
  }

  /** Correct top-1 predictions on a batch. */
  async correct(images: tf.Tensor4D, labels: Int32Array): Promise<number> {
    const t = tf.tidy(() => tf.sum(tf.equal(tf.argMax(this.logits(images, false), -1), tf.tensor1d(labels, 'int32'))));
    const n = (await t.data())[0]!;
    t.dispose();
    return n;
  }

  dispose(): void {
    this.optimizer.dispose();
    tf.dispose([...this.head.values()]);
  }
}
