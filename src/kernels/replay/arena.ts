// The replay's arena of intermediates, planned by liveness: each life of a traced buffer (from the
// pool handing it out to its last use in the step) must own its bytes for that span and no longer.
// Lives are placed largest first (ties by first use), each into the smallest arena buffer at least
// its size whose lives it does not overlap (a command that reads one life and writes another keeps
// them apart), else into a new buffer of its size: the "greedy by size" plan of TFLite's arena.
// A life may sit in a larger buffer (its bindings and copies keep their traced sizes), which lets
// small intermediates fill the gaps of large ones instead of holding buffers of their own.
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
  const buffers: { size: number; lives: Life[] }[] = [];
  const assignment = new Map<Life, number>();
  const overlaps = (x: Life, y: Life) => !(x.last < y.first || y.last < x.first);
  for (const life of [...lives].sort((a, b) => b.size - a.size || a.first - b.first)) {
    let k = -1;
    buffers.forEach((b, i) => {
      if (b.size >= life.size && (k < 0 || b.size < buffers[k]!.size) && !b.lives.some((l) => overlaps(l, life))) k = i;
    });
    if (k < 0) {
      buffers.push({ size: life.size, lives: [] });
      k = buffers.length - 1;
    }
    buffers[k]!.lives.push(life);
    assignment.set(life, k);
  }
  return { sizes: buffers.map((b) => b.size), assignment };
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
