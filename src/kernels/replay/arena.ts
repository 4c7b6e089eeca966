// The replay's arena of intermediates, planned by liveness: each life of a traced buffer (from the
// pool handing it out to its last use in the step) must own its bytes for that span and no longer.
// Lives are taken in order of their first use; each goes to a buffer of its size whose last life
// ended strictly before (a command that reads one life and writes another keeps them apart), else
// to a new buffer. Greedy interval colouring within one size is optimal, and TF.js's pool hands out
// buffers only of the exact size asked for, so the arena never needs more bytes than the pool held.
import type { BufferId } from './trace';

export interface Life {
  readonly buffer: BufferId;
  readonly size: number;
  /** Event indices of the first and last use in the step. */
  readonly first: number;
  last: number;
  /** The buffer held data from before the step (it was not handed out during it). */
  readonly before: boolean;
  /** The step writes into it (a program's output or a copy's destination). */
  written: boolean;
}

export interface Arena {
  /** Byte size of each arena buffer. */
  readonly sizes: number[];
  /** The arena buffer each life lives in. */
  readonly assignment: Map<Life, number>;
}

export function arenaOf(lives: readonly Life[]): Arena {
  const sizes: number[] = [];
  const busyUntil: number[] = [];
  const free = new Map<number, number[]>(); // size → arena buffers of that size
  const assignment = new Map<Life, number>();
  for (const life of [...lives].sort((a, b) => a.first - b.first)) {
    const candidates = free.get(life.size) ?? [];
    let k = candidates.find((c) => busyUntil[c]! < life.first);
    if (k === undefined) {
      k = sizes.length;
      sizes.push(life.size);
      busyUntil.push(-1);
      free.set(life.size, [...candidates, k]);
    }
    busyUntil[k] = life.last;
    assignment.set(life, k);
  }
  return { sizes, assignment };
}

/** The most bytes that lives hold at once (what a perfect allocator would need). */
export function livePeak(lives: readonly Life[]): number {
  const edges = lives.flatMap((l) => [
    [l.first, l.size],
    [l.last + 1, -l.size],
  ]);
  edges.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
  let now = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (now += d!));
  return peak;
}
