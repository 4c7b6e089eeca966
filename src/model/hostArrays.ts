// The arrays the model makes on the CPU and turns into tensors every training step: index lists
// drawn from the step's masks and drop-path factors drawn from its random stream. While the
// replayed step (src/train/replayTrainer.ts) traces a TF.js step, the model names each such array
// here; the trace sees which upload each one became, so the replay can make the same arrays itself
// on later steps, without running the model, and write them where the traced step uploaded them.
// A trainer's own per-step inputs (the tokenizer's Gumbel noise, temperature and KL weight) are
// named the same way, so that no value that changes per step is baked into a plan.
import type { PatchSelection } from './masks';
import type { Rng } from './random';

export type HostArray =
  /** A selection's patch indices plus one: rows of a position table whose row 0 is CLS. */
  | { readonly kind: 'positions'; readonly sel: PatchSelection }
  /** A selection's rows of the [B·N, ·] patch matrix. */
  | { readonly kind: 'flat'; readonly sel: PatchSelection }
  /** The `call`-th drop-path draw of the step (0-based, in the order the model draws). */
  | { readonly kind: 'drop'; readonly call: number }
  /** A per-step input the trainer makes itself (the tokenizer's Gumbel noise, τ, β), by name. */
  | { readonly kind: 'input'; readonly name: string };

/** One drop-path draw: its rate and batch, in the order the model made them. */
export interface DropDraw {
  readonly rate: number;
  readonly batch: number;
}

let notes: Map<object, HostArray> | null = null;
let drops: DropDraw[] = [];

/** Starts naming the model's host arrays (until `stopNotingHostArrays`). */
export function startNotingHostArrays(): void {
  if (notes) throw new Error('host arrays are already being noted');
  notes = new Map();
  drops = [];
}

export function stopNotingHostArrays(): { notes: Map<object, HostArray>; drops: DropDraw[] } {
  const out = { notes: notes ?? new Map<object, HostArray>(), drops };
  notes = null;
  drops = [];
  return out;
}

/** Names `a` (while noting) and returns it. The same array always keeps its first name. */
function note<T extends object>(a: T, what: HostArray): T {
  if (notes && !notes.has(a)) notes.set(a, what);
  return a;
}

/** Rows of a position table (row 0 belongs to CLS) for the selected patches: local + 1. */
export function positionRowsArray(sel: PatchSelection): Int32Array {
  return note(
    Int32Array.from(sel.local, (i) => i + 1),
    { kind: 'positions', sel },
  );
}

/** The selection's rows of the [B·N, ·] patch matrix, named as such. */
export function flatRows(sel: PatchSelection): Int32Array {
  return note(sel.flat, { kind: 'flat', sel });
}

/** Names a per-step input `a` (the trainer's own array, turned into a tensor as is) and returns it. */
export function hostInput<T extends Float32Array | Int32Array>(name: string, a: T): T {
  return note(a, { kind: 'input', name });
}

/** timm DropPath's per-sample factors floor(keep + U)/keep, one U per sample, drawn from `rng`. */
export function drawDropFactors(rate: number, rng: Rng, batch: number): Float32Array {
  const keep = 1 - rate;
  const m = new Float32Array(batch);
  for (let i = 0; i < batch; i++) m[i] = Math.floor(keep + rng.next()) / keep;
  if (notes) {
    note(m, { kind: 'drop', call: drops.length });
    drops.push({ rate, batch });
  }
  return m;
}
