// The d-VAE tokenizer (DALL-E's discrete VAE, arXiv 2102.12092, at the notebook's scale): a conv
// encoder to a grid of logits over K codes, one cell per ViT patch; a Gumbel-softmax relaxation;
// a conv decoder; the ELBO. The architecture and loss are specified in dvaeConfig.ts's header.
// Letters: B batch, S image side, g code grid side, N = g² codes per image (row-major, the CAE's
// patch order), K codebook size, C channels.
// Pixel convention: images are NCHW [B, 3, S, S] in [0, 1] (the crop before ImageNet
// normalization); tokenTargets.ts converts the CAE's normalized batches.
import * as tf from '@tensorflow/tfjs';
import { type DvaeConfig, PIXEL_EPS, dvaeGrid, postGain, validateDvaeConfig } from './dvaeConfig';
import { decoderWidths, dvaeParamSpecs, encoderWidths } from './dvaeParams';
import { type ParamSpec, initValue } from './params';
import { Rng } from './random';

export interface DvaeLosses {
  readonly total: tf.Scalar;
  /** Mean squared error of the decoded image in [0, 1]. */
  readonly reconstruction: tf.Scalar;
  /** Mean over cells of KL(q ‖ uniform) in nats, before the weight β. */
  readonly kl: tf.Scalar;
  /** The encoder's logits [B, N, K] (the hard codes are their argmax). */
  readonly logits: tf.Tensor3D;
}

/** What one relaxed forward pass needs beyond the images. */
export interface Relaxation {
  /** Standard Gumbel noise [B, N, K] (GumbelNoise.sample, or a fixture's). */
  readonly gumbel: tf.Tensor3D;
  /** Softmax temperature τ > 0 (a scalar tensor where it is a per-step input of a replayed step). */
  readonly temperature: number | tf.Scalar;
}

/** Nearest-neighbour ×2 upsampling [B, h, w, C] → [B, 2h, 2w, C] with rank-3 broadcasts (any backend, any gradient). */
function upsample2(x: tf.Tensor4D): tf.Tensor4D {
  const [B, h, w, C] = x.shape;
  const twice = tf.zeros([1, 2, 1]);
  const cols = x.reshape([B * h * w, 1, C]).add(twice); // [B·h·w, 2, C]
  const rows = cols.reshape([B * h, 1, 2 * w * C]).add(twice); // [B·h, 2, 2w·C]
  return rows.reshape([B, 2 * h, 2 * w, C]);
}

export class Dvae {
  readonly config: DvaeConfig;
  readonly specs: readonly ParamSpec[];
  readonly vars: ReadonlyMap<string, tf.Variable>;

  /** A tokenizer initialized from `seed` (DALL-E's init), or all zeros with `seed` null (for a checkpoint to fill). */
  constructor(config: DvaeConfig, seed: number | null) {
    this.config = validateDvaeConfig(config);
    this.specs = dvaeParamSpecs(config);
    const rng = seed === null ? null : new Rng(seed);
    const vars = new Map<string, tf.Variable>();
    for (const s of this.specs)
      vars.set(
        s.name,
        tf.tidy(() => tf.variable(rng ? tf.tensor(initValue(s, rng), [...s.shape]) : tf.zeros([...s.shape]), s.trainable)),
      );
    this.vars = vars;
  }

  private p(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`the tokenizer has no parameter "${name}"`);
    return v;
  }

  trainableVars(): tf.Variable[] {
    return this.specs.filter((s) => s.trainable).map((s) => this.vars.get(s.name)!);
  }

  /** A "same"-padded stride-1 conv with bias; the weight is stored [out, in, k, k]. NHWC in and out. */
  private conv(x: tf.Tensor4D, name: string): tf.Tensor4D {
    const w = this.p(`${name}.weight`).transpose([2, 3, 1, 0]) as tf.Tensor4D; // [k, k, in, out]
    return tf.conv2d(x, w, 1, 'same').add(this.p(`${name}.bias`));
  }

  /** id(x) + postGain · conv2(relu(conv1(relu(x)))). */
  private resBlock(x: tf.Tensor4D, name: string, changesWidth: boolean): tf.Tensor4D {
    const id = changesWidth ? this.conv(x, `${name}.id`) : x;
    const r = this.conv(tf.relu(this.conv(tf.relu(x), `${name}.conv1`)), `${name}.conv2`);
    return id.add(r.mul(postGain(this.config)));
  }

  /** The groups of one half; `between` runs after every group but the last (pool or upsample). */
  private groups(x: tf.Tensor4D, prefix: string, widths: readonly number[], between: (x: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
    let w = x.shape[3];
    for (let l = 0; l < widths.length; l++) {
      for (let j = 0; j < this.config.blocksPerGroup; j++) {
        x = this.resBlock(x, `${prefix}.groups.${l}.blocks.${j}`, w !== widths[l]);
        w = widths[l]!;
      }
      if (l < widths.length - 1) x = between(x);
    }
    return x;
  }

  /** Encoder: pixels [B, 3, S, S] in [0, 1] → logits [B, N, K], cells row-major. */
  logits(images: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => {
      const B = images.shape[0];
      const S = this.config.imgSize;
      if (images.shape[1] !== 3 || images.shape[2] !== S || images.shape[3] !== S)
        throw new Error(`the tokenizer reads images [B, 3, ${S}, ${S}], got [${images.shape}]`);
      const x = images
        .transpose([0, 2, 3, 1])
        .mul(1 - 2 * PIXEL_EPS)
        .add(PIXEL_EPS) as tf.Tensor4D; // map_pixels, [B, S, S, 3]
      let h = this.conv(x, 'encoder.input'); // [B, S, S, h]
      h = this.groups(h, 'encoder', encoderWidths(this.config), (t) => tf.maxPool(t, 2, 2, 'valid'));
      const out = this.conv(tf.relu(h), 'encoder.output'); // [B, g, g, K]
      return out.reshape([B, dvaeGrid(this.config) ** 2, this.config.vocabSize]);
    });
  }

  /** Hard codes: the argmax of the logits, [B, N] int32. No gradient flows through it. */
  codes(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => tf.argMax(this.logits(images), -1) as tf.Tensor2D);
  }

  /** Decoder from code weights z [B, N, K] (relaxed or one-hot) to an image [B, 3, S, S]. */
  decode(z: tf.Tensor3D): tf.Tensor4D {
    return tf.tidy(() => {
      const [B, N, K] = z.shape;
      const g = dvaeGrid(this.config);
      if (N !== g * g || K !== this.config.vocabSize)
        throw new Error(`the tokenizer decodes [B, ${g * g}, ${this.config.vocabSize}] code weights, got [${z.shape}]`);
      let h = this.conv(z.reshape([B, g, g, K]), 'decoder.input'); // [B, g, g, w0]
      h = this.groups(h, 'decoder', decoderWidths(this.config), upsample2); // [B, S, S, h]
      return this.conv(tf.relu(h), 'decoder.output').transpose([0, 3, 1, 2]) as tf.Tensor4D; // [B, 3, S, S]
    });
  }

  /** The image the hard codes [B, N] (int32) decode to: one-hot codes through the decoder. */
  decodeCodes(codes: tf.Tensor2D): tf.Tensor4D {
    return tf.tidy(() => this.decode(tf.oneHot(codes.toInt(), this.config.vocabSize).toFloat() as tf.Tensor3D));
  }

  /** The Gumbel-softmax relaxation softmax((logits + G) / τ) over the codebook: [B, N, K]. */
  relax(logits: tf.Tensor3D, r: Relaxation): tf.Tensor3D {
    if (typeof r.temperature === 'number' && !(r.temperature > 0)) throw new Error(`the Gumbel-softmax temperature must be > 0, got ${r.temperature}`);
    return tf.tidy(() => tf.softmax(logits.add(r.gumbel).div(r.temperature)) as tf.Tensor3D);
  }

  /** Mean over cells of KL(softmax(logits) ‖ uniform(K)) = Σ q log q + log K, in nats. */
  klToUniform(logits: tf.Tensor3D): tf.Scalar {
    return tf.tidy(() => {
      const logq = tf.logSoftmax(logits);
      return tf.mean(tf.sum(tf.exp(logq).mul(logq), -1)).add(Math.log(this.config.vocabSize)) as tf.Scalar;
    });
  }

  /**
   * The negative ELBO with KL weight β: reconstruction (MSE in [0, 1]) + β·KL(q ‖ uniform).
   * Differentiable in the parameters; call inside a gradient scope to train.
   */
  loss(images: tf.Tensor4D, r: Relaxation, klWeight: number | tf.Scalar): DvaeLosses {
    return tf.tidy(() => {
      const logits = this.logits(images); // [B, N, K]
      const recon = this.decode(this.relax(logits, r)); // [B, 3, S, S]
      const reconstruction = tf.mean(tf.squaredDifference(recon, images)) as tf.Scalar;
      const kl = this.klToUniform(logits);
      return { total: reconstruction.add(kl.mul(klWeight)) as tf.Scalar, reconstruction, kl, logits };
    });
  }

  /** Reconstruction through the hard codes, for views: [B, 3, S, S] (not clamped). */
  reconstruct(images: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => this.decodeCodes(this.codes(images)));
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
  }
}
