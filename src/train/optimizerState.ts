// AdamW's moments in a checkpoint, shared by the CAE's and the tokenizer's files: written as
// `optimizer.exp_avg.NAME` / `optimizer.exp_avg_sq.NAME` (PyTorch's state names), checked against the
// optimizer's parameters before anything is loaded, and loaded with the update count they belong to.
import type { StFile, StTensor } from '../model/safetensors';
import type { AdamW } from './adamw';

export const OPTIMIZER_PREFIX = 'optimizer.';
export const momentName = (name: string): string => `${OPTIMIZER_PREFIX}exp_avg.${name}`;
export const secondMomentName = (name: string): string => `${OPTIMIZER_PREFIX}exp_avg_sq.${name}`;

/** The optimizer's two moments per parameter, as safetensors entries. */
export async function momentTensors(optimizer: AdamW): Promise<[string, StTensor][]> {
  const out: [string, StTensor][] = [];
  for (const s of await optimizer.state()) {
    out.push([momentName(s.name), { dtype: 'F32', shape: s.shape, data: s.m }]);
    out.push([secondMomentName(s.name), { dtype: 'F32', shape: s.shape, data: s.v }]);
  }
  return out;
}

/** Why the file's moments do not fit the optimizer's parameters, or null when they do. */
export function momentsMismatch(optimizer: AdamW, file: StFile): string | null {
  for (const p of optimizer.params) {
    for (const key of [momentName(p.name), secondMomentName(p.name)]) {
      const t = file.tensors.get(key);
      if (!t) return `missing optimizer tensor "${key}"`;
      if (t.shape.join(',') !== p.variable.shape.join(',')) return `optimizer tensor "${key}" has shape [${t.shape}], the model expects [${p.variable.shape}]`;
    }
  }
  return null;
}

/** Loads the moments (checked by momentsMismatch first) at update count `t`. */
export function loadMoments(optimizer: AdamW, file: StFile, t: number): void {
  const moments = new Map(
    optimizer.params.map((p) => [
      p.name,
      { m: file.tensors.get(momentName(p.name))!.data as Float32Array, v: file.tensors.get(secondMomentName(p.name))!.data as Float32Array },
    ]),
  );
  optimizer.load(t, moments);
}
