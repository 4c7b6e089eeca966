// Every parameter of the d-VAE tokenizer by its safetensors name, with shape and initializer: the
// one table the model, the optimizer, checkpoints and pytorch/dvae.py agree on. Conv weights are
// [out, in, k, k] as PyTorch stores them (the model transposes them to TF.js's [k, k, in, out]).
//
// Names (l: group, j: block within the group; the encoder's group 0 is the widest resolution, the
// decoder's group 0 the coarsest):
//   encoder.input.{weight [h, 3, 7, 7], bias}
//   encoder.groups.l.blocks.j.{conv1, conv2}.{weight, bias}, and .id.{weight, bias} when the block changes width
//   encoder.output.{weight [K, w_last, 1, 1], bias [K]}
//   decoder.input.{weight [w_last, K, 1, 1], bias}
//   decoder.groups.l.blocks.j.… as the encoder's
//   decoder.output.{weight [3, h, 1, 1], bias [3]}
import { type DvaeConfig, dvaeGroups, groupWidth } from './dvaeConfig';
import type { ParamSpec } from './params';

/** A conv layer: weight [out, in, k, k] drawn N(0, 1/(in·k²)) (DALL-E's Conv2d), bias zero. */
function conv(out: ParamSpec[], name: string, nOut: number, nIn: number, k: number): void {
  out.push({ name: `${name}.weight`, shape: [nOut, nIn, k, k], init: { kind: 'normal', std: 1 / Math.sqrt(nIn * k * k) }, trainable: true });
  out.push({ name: `${name}.bias`, shape: [nOut], init: { kind: 'const', value: 0 }, trainable: true });
}

/** One residual block's layers, in → out. */
function resBlock(out: ParamSpec[], name: string, nIn: number, nOut: number): void {
  if (nIn !== nOut) conv(out, `${name}.id`, nOut, nIn, 1);
  conv(out, `${name}.conv1`, nOut, nIn, 3);
  conv(out, `${name}.conv2`, nOut, nOut, 3);
}

/** The blocks of a stack of groups with the given widths, starting from width `w0`. */
function groups(out: ParamSpec[], prefix: string, widths: readonly number[], w0: number, blocks: number): void {
  let w = w0;
  widths.forEach((wl, l) => {
    for (let j = 0; j < blocks; j++) {
      resBlock(out, `${prefix}.groups.${l}.blocks.${j}`, w, wl);
      w = wl;
    }
  });
}

/** The encoder's group widths, finest first: h, 2h, 4h, … */
export const encoderWidths = (c: DvaeConfig): number[] => Array.from({ length: dvaeGroups(c) }, (_, l) => groupWidth(c, l));
/** The decoder's group widths, coarsest (widest) first. */
export const decoderWidths = (c: DvaeConfig): number[] => encoderWidths(c).reverse();

/** All parameters of the tokenizer, encoder then decoder. */
export function dvaeParamSpecs(c: DvaeConfig): ParamSpec[] {
  const out: ParamSpec[] = [];
  const enc = encoderWidths(c);
  const dec = decoderWidths(c);
  const K = c.vocabSize;
  conv(out, 'encoder.input', c.hiddenDim, 3, 7);
  groups(out, 'encoder', enc, c.hiddenDim, c.blocksPerGroup);
  conv(out, 'encoder.output', K, enc[enc.length - 1]!, 1);
  conv(out, 'decoder.input', dec[0]!, K, 1);
  groups(out, 'decoder', dec, dec[0]!, c.blocksPerGroup);
  conv(out, 'decoder.output', 3, dec[dec.length - 1]!, 1);
  return out;
}
