// The Context Autoencoder (Chen et al. 2022, arXiv 2202.03026) as the official code computes it
// (Atten4Vis/CAE models/modeling_cae.py). One method per stage: patchify, encode, regress, decode,
// loss. Letters: B batch, N patches (grid g×g), Nv visible, Nm masked, D encoder width,
// Dd regressor/decoder width, p patch side, C = p·p·3, V decoder outputs (C or vocabulary).
import * as tf from '@tensorflow/tfjs';
import { type CaeConfig, grid, hasProjection, numPatches, validateConfig } from './config';
import { type DropPath, type Params, block, dropPathRates, layerNorm, linear, regressorBlock } from './layers';
import { type MaskIndices, type PatchSelection, allPatches } from './masks';
import { type ParamSpec, caeParamSpecs, frozenBufferSpecs, initValue } from './params';
import { Rng } from './random';
import { flatRows, positionRowsArray } from './hostArrays';

export interface CaeForward {
  /** Encoder output on CLS + visible patches, after the final LayerNorm: [B, 1+Nv, D]. */
  readonly encoderVisible: tf.Tensor3D;
  /** Regressor output Zm for the masked patches: [B, Nm, Dd]. */
  readonly latentPredict: tf.Tensor3D;
  /** Decoder output for the masked patches, flattened: [B·Nm, V]. */
  readonly logits: tf.Tensor2D;
}

/** What the decoder is asked to reproduce: normalized pixels, or tokenizer codes. */
export type ReconTarget = { kind: 'pixel'; values: tf.Tensor2D } | { kind: 'token'; labels: tf.Tensor1D };

export interface CaeLosses {
  readonly total: tf.Scalar;
  readonly reconstruction: tf.Scalar;
  /** Null when the config switches the alignment loss off. */
  readonly alignment: tf.Scalar | null;
}

/** Rows of a position table (row 0 belongs to CLS) for the selected patches. */
const positionRows = (sel: PatchSelection): tf.Tensor1D => tf.tensor1d(positionRowsArray(sel), 'int32');

export class Cae {
  readonly config: CaeConfig;
  readonly specs: readonly ParamSpec[];
  readonly vars: ReadonlyMap<string, tf.Variable>;
  /** Fixed sin-cos positions with the CLS row first: [1+N, D] and [1+N, Dd]. */
  private readonly posEncoder: tf.Tensor2D;
  private readonly posDecoder: tf.Tensor2D;

  /**
   * A freshly initialized model (official initialization), every value drawn from `seed`;
   * with `seed` null the parameters start at zero, for a checkpoint to fill.
   */
  constructor(config: CaeConfig, seed: number | null) {
    this.config = validateConfig(config);
    this.specs = caeParamSpecs(config);
    const rng = seed === null ? null : new Rng(seed);
    const vars = new Map<string, tf.Variable>();
    for (const s of this.specs) {
      // tidy drops the initial tensor; the variable keeps its data.
      const v = tf.tidy(() => tf.variable(rng ? tf.tensor(initValue(s, rng), [...s.shape]) : tf.zeros([...s.shape]), s.trainable));
      vars.set(s.name, v);
    }
    this.vars = vars;
    const [pe, pd] = frozenBufferSpecs(config).map((b) => tf.tensor2d(b.values(), [b.shape[1]!, b.shape[2]!]));
    this.posEncoder = pe!;
    this.posDecoder = pd!;
  }

  readonly p: Params = (name) => {
    const v = this.vars.get(name);
    if (!v) throw new Error(`CAE has no parameter "${name}"`);
    return v;
  };

  trainableVars(): tf.Variable[] {
    return this.specs.filter((s) => s.trainable).map((s) => this.vars.get(s.name)!);
  }

  /** Images [B, 3, H, W] → patches [B·N, 3·p·p] in (c, p, q) order, matching the patch convolution. */
  patchify(images: tf.Tensor4D): tf.Tensor2D {
    const [B] = images.shape;
    const g = grid(this.config);
    const ps = this.config.patchSize;
    return images
      .reshape([B, 3, g, ps, g, ps])
      .transpose([0, 2, 4, 1, 3, 5])
      .reshape([B * g * g, 3 * ps * ps]);
  }

  /** Pixel targets of the selected patches: [B·n, C] in (p, q, c) order, per-patch normalized. */
  pixelTarget(images: tf.Tensor4D, sel: PatchSelection): tf.Tensor2D {
    return tf.tidy(() => {
      const [B] = images.shape;
      const g = grid(this.config);
      const ps = this.config.patchSize;
      const patches = images
        .reshape([B, 3, g, ps, g, ps])
        .transpose([0, 2, 4, 3, 5, 1])
        .reshape([B * g * g, ps * ps * 3]);
      const x = tf.gather(patches, flatRows(sel)) as tf.Tensor2D; // [B·n, C]
      if (!this.config.normPixTarget) return x;
      const { mean, variance } = tf.moments(x, -1, true);
      return x.sub(mean).div(variance.add(1e-6).sqrt()) as tf.Tensor2D;
    });
  }

  /**
   * Encoder F on CLS + the selected patches: [B, 1+n, D] after the final LayerNorm.
   * `attention` receives each block's attention probabilities [B, H, 1+n, 1+n] (for maps); what it
   * makes is freed with the block unless it keeps it (tf.keep). Each block runs in its own tidy, so
   * what the backward pass does not need is freed block by block, as PyTorch frees it; without a
   * tape (the alignment target, probe features) only one block's intermediates are held at a time.
   * `finalNorm` false skips the final LayerNorm, as the official fine-tuning model does when it
   * mean-pools (its `norm` is Identity there and `fc_norm` follows the pooling).
   */
  encode(images: tf.Tensor4D, sel: PatchSelection, dp?: DropPath, attention?: (layer: number, a: tf.Tensor4D) => void, finalNorm = true): tf.Tensor3D {
    const c = this.config;
    const p = this.p;
    const B = images.shape[0];
    const D = c.embedDim;
    const n = sel.perImage;
    const w = p('encoder.patch_embed.proj.weight').reshape([D, -1]); // [D, 3pp]
    const patches = tf.gather(this.patchify(images), flatRows(sel)); // [B·n, 3pp]
    const pos = tf.gather(this.posEncoder, positionRows(sel)); // [B·n, D]
    const tokens = linear(patches, w, p('encoder.patch_embed.proj.bias')).add(pos).reshape([B, n, D]);
    const cls = tf.zeros([B, 1, D]).add(p('encoder.cls_token')); // the CLS position row is zero
    let x: tf.Tensor = tf.concat([cls, tokens], 1); // [B, 1+n, D]
    const rates = dropPathRates(c.dropPathRate, c.depth);
    for (let i = 0; i < c.depth; i++) {
      const xi = x;
      x = tf.tidy(() => block(xi, p, `encoder.blocks.${i}`, c.numHeads, c.layerScaleInit > 0, rates[i]!, dp, attention && ((a) => attention(i, a))));
    }
    return (finalNorm ? layerNorm(x, p, 'encoder.norm') : x) as tf.Tensor3D;
  }

  /** The optional Linear(D, Dd) + LayerNorm between encoder and regressor: [B, n, D] → [B, n, Dd]. */
  project(z: tf.Tensor3D): tf.Tensor3D {
    if (!hasProjection(this.config)) return z;
    const y = linear(z, this.p('encoder_to_regresser.weight'), this.p('encoder_to_regresser.bias'));
    return layerNorm(y, this.p, 'encoder_to_regresser_norm') as tf.Tensor3D;
  }

  /** Regressor/decoder positions of the selected patches: [B, n, Dd]. */
  private decoderPos(sel: PatchSelection, B: number): tf.Tensor3D {
    return tf.gather(this.posDecoder, positionRows(sel)).reshape([B, sel.perImage, this.config.decoderEmbedDim]);
  }

  /** Latent contextual regressor H: masked-patch representations Zm from Zv: [B, Nm, Dd]. */
  regress(zv: tf.Tensor3D, masks: MaskIndices, dp?: DropPath): tf.Tensor3D {
    const c = this.config;
    const B = masks.batch;
    const pv = this.decoderPos(masks.visible, B); // [B, Nv, Dd]
    const pm = this.decoderPos(masks.masked, B); // [B, Nm, Dd]
    const pk = tf.concat([pv, pm], 1); // [B, Nv+Nm, Dd]
    let q: tf.Tensor = tf.zeros([B, masks.masked.perImage, c.decoderEmbedDim]).add(this.p('mask_token'));
    const rates = dropPathRates(c.dropPathRate, c.regressorDepth);
    for (let i = 0; i < c.regressorDepth; i++) {
      const qi = q;
      q = tf.tidy(() => {
        const kv = tf.concat([zv, qi], 1); // keys and values include the current queries
        return regressorBlock(qi, kv, pm, pk, this.p, `regresser.regressor_blocks.${i}`, c.decoderNumHeads, rates[i]!, dp);
      });
    }
    return layerNorm(q, this.p, 'regresser.norm') as tf.Tensor3D;
  }

  /** Decoder G over the selected tokens only (their positions added): [B, n, Dd] → [B·n, V]. */
  decode(z: tf.Tensor3D, sel: PatchSelection, dp?: DropPath): tf.Tensor2D {
    const c = this.config;
    const [B, n] = z.shape;
    let x: tf.Tensor = z.add(this.decoderPos(sel, B));
    const rates = dropPathRates(c.dropPathRate, c.decoderDepth);
    for (let i = 0; i < c.decoderDepth; i++) {
      const xi = x;
      x = tf.tidy(() => block(xi, this.p, `decoder.decoder_blocks.${i}`, c.decoderNumHeads, c.decoderLayerScaleInit > 0, rates[i]!, dp));
    }
    x = layerNorm(x, this.p, 'decoder.norm');
    const out = linear(x, this.p('decoder.head.weight'), this.p('decoder.head.bias')); // [B, n, V]
    return out.reshape([B * n, -1]);
  }

  /** The prediction path, the part gradients flow through. */
  predict(images: tf.Tensor4D, masks: MaskIndices, dp?: DropPath): CaeForward {
    const encoderVisible = this.encode(images, masks.visible, dp); // [B, 1+Nv, D]
    const z = this.project(encoderVisible);
    const zv = z.slice([0, 1, 0], [-1, -1, -1]) as tf.Tensor3D; // drop CLS: [B, Nv, Dd]
    const latentPredict = this.regress(zv, masks, dp);
    const logits = this.decode(latentPredict, masks.masked, dp);
    return { encoderVisible, latentPredict, logits };
  }

  /**
   * The alignment target Z̄m: the same encoder (no EMA) on CLS + the masked patches, CLS dropped,
   * projected when Dd ≠ D. Callers compute it outside any gradient tape: it is a constant.
   */
  latentTarget(images: tf.Tensor4D, masks: MaskIndices, dp?: DropPath): tf.Tensor3D {
    return tf.tidy(() => {
      const z = this.encode(images, masks.masked, dp).slice([0, 1, 0], [-1, -1, -1]) as tf.Tensor3D;
      return this.project(z);
    });
  }

  /** reconstruction + λ·MSE(Zm, Z̄m); reconstruction is MSE on pixels or cross-entropy on tokens. */
  loss(out: CaeForward, target: ReconTarget, latentTarget: tf.Tensor3D | null): CaeLosses {
    const c = this.config;
    const reconstruction: tf.Scalar =
      target.kind === 'pixel'
        ? tf.mean(tf.squaredDifference(out.logits, target.values))
        : tf.mean(tf.neg(tf.sum(tf.logSoftmax(out.logits).mul(tf.oneHot(target.labels, out.logits.shape[1])), -1)));
    if (!c.alignment || !latentTarget) return { total: reconstruction, reconstruction, alignment: null };
    const alignment: tf.Scalar = tf.mean(tf.squaredDifference(out.latentPredict, latentTarget));
    return { total: reconstruction.add(alignment.mul(c.alignWeight)), reconstruction, alignment };
  }

  /** Encoder on every patch (probes, attention maps): [B, 1+N, D]. */
  encodeAll(images: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => this.encode(images, allPatches(images.shape[0], numPatches(this.config))));
  }

  /** CLS self-attention over the patches in every encoder block, all patches visible: [L, B, H, N]. */
  clsAttention(images: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const maps: tf.Tensor3D[] = [];
      const B = images.shape[0];
      const T = numPatches(this.config) + 1;
      // Kept: each block's intermediates are freed when the block ends.
      this.encode(images, allPatches(B, T - 1), undefined, (_, a) => maps.push(tf.keep(a.slice([0, 0, 0, 1], [B, -1, 1, T - 1]).squeeze([2]) as tf.Tensor3D)));
      const stacked = tf.stack(maps) as tf.Tensor4D;
      tf.dispose(maps);
      return stacked;
    });
  }

  /**
   * The paper's Figure 4 full reconstruction: encode all patches, skip the regressor, decode every
   * patch representation with its position. [B·N, V].
   */
  reconstructAll(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const sel = allPatches(images.shape[0], numPatches(this.config));
      const z = this.project(this.encode(images, sel)).slice([0, 1, 0], [-1, -1, -1]) as tf.Tensor3D;
      return this.decode(z, sel);
    });
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.posEncoder.dispose();
    this.posDecoder.dispose();
  }
}
