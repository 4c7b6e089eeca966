// DALL-E's published d-VAE encoder in TF.js (architecture in dalleEncoderConfig.ts's header), the
// tokenizer of the paper's CAE*: pixels → logits over K codes on an S/8 grid → codes (argmax). It
// has no decoder (only the encoder is converted), so it serves token targets and token maps only.
// Pixel convention as the notebook's Dvae: NCHW [B, 3, S, S] in [0, 1], map_pixels applied here.
import * as tf from '@tensorflow/tfjs';
import { type DalleEncoderConfig, DALLE_GROUPS, validateDalleEncoderConfig } from './dalleEncoderConfig';
import { dalleEncoderParamSpecs, dalleWidths } from './dalleEncoderParams';
import { PIXEL_EPS, dvaeGrid } from './dvaeConfig';
import { type ParamSpec, initValue } from './params';
import { Rng } from './random';

export class DalleEncoder {
  readonly config: DalleEncoderConfig;
  readonly specs: readonly ParamSpec[];
  readonly vars: ReadonlyMap<string, tf.Variable>;
  /** Says, where a view would decode codes, that this tokenizer cannot. */
  readonly hasDecoder = false;

  /** Weights drawn as the published init from `seed`, or zeros with `seed` null (for a file to fill). Frozen: never trained here. */
  constructor(config: DalleEncoderConfig, seed: number | null) {
    this.config = validateDalleEncoderConfig(config);
    this.specs = dalleEncoderParamSpecs(config);
    const rng = seed === null ? null : new Rng(seed);
    const vars = new Map<string, tf.Variable>();
    for (const s of this.specs)
      vars.set(
        s.name,
        tf.tidy(() => tf.variable(rng ? tf.tensor(initValue(s, rng), [...s.shape]) : tf.zeros([...s.shape]), false)),
      );
    this.vars = vars;
  }

  private conv(x: tf.Tensor4D, name: string): tf.Tensor4D {
    const w = this.vars.get(`${name}.weight`);
    const b = this.vars.get(`${name}.bias`);
    if (!w || !b) throw new Error(`DALL-E's encoder has no layer "${name}"`);
    return tf.conv2d(x, w.transpose([2, 3, 1, 0]) as tf.Tensor4D, 1, 'same').add(b); // [out, in, k, k] → [k, k, in, out]
  }

  /** id(x) + postGain · (relu·conv1 · relu·conv2 · relu·conv3 · relu·conv4)(x). */
  private block(x: tf.Tensor4D, name: string, changesWidth: boolean): tf.Tensor4D {
    const id = changesWidth ? this.conv(x, `${name}.id`) : x;
    let r = x;
    for (let k = 1; k <= 4; k++) r = this.conv(tf.relu(r), `${name}.conv${k}`);
    return id.add(r.mul(1 / (DALLE_GROUPS * this.config.blocksPerGroup) ** 2));
  }

  /** Pixels [B, 3, S, S] in [0, 1] → logits [B, N, K], cells row-major (the CAE's patch order). */
  logits(images: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => {
      const S = this.config.imgSize;
      if (images.shape[1] !== 3 || images.shape[2] !== S || images.shape[3] !== S)
        throw new Error(`DALL-E's encoder here reads images [B, 3, ${S}, ${S}], got [${images.shape}]`);
      let h = this.conv(
        images
          .transpose([0, 2, 3, 1])
          .mul(1 - 2 * PIXEL_EPS)
          .add(PIXEL_EPS) as tf.Tensor4D,
        'encoder.input',
      );
      let w = this.config.hiddenDim;
      dalleWidths(this.config).forEach((wl, l) => {
        for (let j = 0; j < this.config.blocksPerGroup; j++, w = wl) h = this.block(h, `encoder.groups.${l}.blocks.${j}`, w !== wl);
        if (l < DALLE_GROUPS - 1) h = tf.maxPool(h, 2, 2, 'valid');
      });
      const out = this.conv(tf.relu(h), 'encoder.output'); // [B, g, g, K]
      return out.reshape([images.shape[0], dvaeGrid(this.config) ** 2, this.config.vocabSize]);
    });
  }

  /** Hard codes [B, N] int32: the argmax of the logits. */
  codes(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => tf.argMax(this.logits(images), -1) as tf.Tensor2D);
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
  }
}
