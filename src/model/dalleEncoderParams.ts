// Every parameter of DALL-E's encoder by the notebook's safetensors name (pytorch/convert_dalle.py
// maps the published keys onto these). Conv weights are [out, in, k, k] as PyTorch stores them.
//   encoder.input.{weight [h, 3, 7, 7], bias}                      ← blocks.input.{w, b}
//   encoder.groups.l.blocks.j.id.{weight, bias} (width changes)     ← blocks.group_(l+1).block_(j+1).id_path.{w, b}
//   encoder.groups.l.blocks.j.conv1..conv4.{weight, bias}           ← ….res_path.conv_1..conv_4.{w, b}
//   encoder.output.{weight [K, 8h, 1, 1], bias [K]}                 ← blocks.output.conv.{w, b}
import { DALLE_GROUPS, type DalleEncoderConfig } from './dalleEncoderConfig';
import type { ParamSpec } from './params';

/** A conv: weight [out, in, k, k] drawn N(0, 1/(in·k²)) (the published init), bias zero. */
function conv(out: ParamSpec[], name: string, nOut: number, nIn: number, k: number): void {
  out.push({ name: `${name}.weight`, shape: [nOut, nIn, k, k], init: { kind: 'normal', std: 1 / Math.sqrt(nIn * k * k) }, trainable: true });
  out.push({ name: `${name}.bias`, shape: [nOut], init: { kind: 'const', value: 0 }, trainable: true });
}

/** Group widths h, 2h, 4h, 8h. */
export const dalleWidths = (c: DalleEncoderConfig): number[] => Array.from({ length: DALLE_GROUPS }, (_, l) => c.hiddenDim * 2 ** l);

export function dalleEncoderParamSpecs(c: DalleEncoderConfig): ParamSpec[] {
  const out: ParamSpec[] = [];
  conv(out, 'encoder.input', c.hiddenDim, 3, 7);
  let w = c.hiddenDim;
  dalleWidths(c).forEach((wl, l) => {
    for (let j = 0; j < c.blocksPerGroup; j++) {
      const name = `encoder.groups.${l}.blocks.${j}`;
      if (w !== wl) conv(out, `${name}.id`, wl, w, 1);
      const hid = wl / 4;
      conv(out, `${name}.conv1`, hid, w, 3);
      conv(out, `${name}.conv2`, hid, hid, 3);
      conv(out, `${name}.conv3`, hid, hid, 3);
      conv(out, `${name}.conv4`, wl, hid, 1);
      w = wl;
    }
  });
  conv(out, 'encoder.output', c.vocabSize, w, 1);
  return out;
}
