// Non-finite values in a checkpoint. One NaN weight turns every output it touches into NaN: a lab
// view goes black with error 0, a probe trains at chance, and a resumed run reports a divergence it
// did not cause. The safetensors format does not check values, so loading does, and refuses the
// file naming the tensor rather than letting the damage surface far from its cause.
import type { StFile } from './safetensors';

export class DamagedCheckpointError extends Error {
  override name = 'DamagedCheckpointError';
  constructor(
    readonly tensor: string,
    readonly problem: string,
  ) {
    super(`tensor "${tensor}" holds ${problem}; the checkpoint is damaged and was not loaded`);
  }
}

const plural = (n: number, what: string) => `${n} ${what} value${n === 1 ? '' : 's'}`;

/**
 * What is wrong with a tensor's values, or null when nothing is: NaN and ±Inf always, and with
 * `nonNegative` values below zero (AdamW's second moment is a mean of squares; a negative one
 * makes its square root NaN on the first step).
 */
export function badValues(data: ArrayLike<number>, nonNegative = false): string | null {
  let nan = 0;
  let pos = 0;
  let neg = 0;
  let below = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    if (x !== x) nan++;
    else if (x === Infinity) pos++;
    else if (x === -Infinity) neg++;
    else if (x < 0) below++;
  }
  const parts: string[] = [];
  if (nan) parts.push(plural(nan, 'NaN'));
  if (pos) parts.push(plural(pos, '+Inf'));
  if (neg) parts.push(plural(neg, '-Inf'));
  if (nonNegative && below) parts.push(plural(below, 'negative'));
  if (!parts.length) return null;
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/**
 * Throws DamagedCheckpointError for the first of `names` whose values are not finite. Names the
 * file lacks are skipped: the name and shape checks report those. Integer tensors are always finite.
 */
export function assertFinite(file: StFile, names: Iterable<string>, nonNegative: (name: string) => boolean = () => false): void {
  for (const name of names) {
    const t = file.tensors.get(name);
    if (!t || t.dtype !== 'F32') continue;
    const problem = badValues(t.data, nonNegative(name));
    if (problem) throw new DamagedCheckpointError(name, problem);
  }
}
