// The lives of a traced step's buffers, and where the plan may put some of them. A life is one
// span of a buffer's use: from the pool handing it out (an acquire) to its last use, or, for a
// buffer that held data before the step, from its first use. Each command's slots name the life
// they touch, so the plan can give every life a place and bind each command to it.
import type { BufferId, Trace, TraceEvent } from './trace';
import type { Life } from './arena';

/** Where a life's bytes are: a buffer and the byte offset of its range in it. */
export interface Place {
  readonly buffer: GPUBuffer;
  readonly offset: number;
}

export interface TraceLives {
  /** Every life, once, in the order of first use. */
  readonly unique: Life[];
  /** Per event, the life of each of its slots (its bindings, a copy's source and destination, an upload's target); null where the buffer is not storage. */
  readonly slotLives: (Life | null)[][];
  /** Each buffer's last life in the step. */
  readonly current: Map<BufferId, Life>;
}

/** The lives of the traced buffers: a new one at each acquire, or a life from before the step. */
export function traceLives(trace: Trace): TraceLives {
  const { events, buffers } = trace;
  const isStorage = (id: BufferId) => (buffers.get(id)!.usage & GPUBufferUsage.STORAGE) !== 0;
  const lives: Life[] = [];
  const current = new Map<BufferId, Life>();
  const use = (id: BufferId, i: number, writes: boolean): Life => {
    let life = current.get(id);
    if (!life) current.set(id, (life = { buffer: id, size: buffers.get(id)!.size, first: i, last: i, before: true, written: false }));
    lives.push(life);
    life.last = i;
    life.written ||= writes;
    return life;
  };
  const slotLives: (Life | null)[][] = events.map((e, i) => {
    switch (e.kind) {
      case 'acquire': {
        const life: Life = { buffer: e.buffer, size: buffers.get(e.buffer)!.size, first: i, last: i, before: false, written: false };
        current.set(e.buffer, life);
        return [];
      }
      case 'dispatch':
        // Binding 0 is the program's output in every TF.js 4.22 and project program.
        return e.bindings.map((b) => (isStorage(b.buffer) ? use(b.buffer, i, b.binding === 0) : null));
      case 'copy':
        return [isStorage(e.src) ? use(e.src, i, false) : null, isStorage(e.dst) ? use(e.dst, i, true) : null];
      case 'upload':
        return [isStorage(e.buffer) ? use(e.buffer, i, true) : null];
      default:
        return [];
    }
  });
  const unique = [...new Set(lives)];
  return { unique, slotLives, current };
}

/**
 * Places each intermediate that is copied whole into a persistent host (its copy is its last use,
 * the destination is aligned for binding) at that range of the host, where nothing else reads or
 * writes the range during the intermediate's life; the copy then has one place at both ends. Then
 * undoes placements that would bind one buffer as a dispatch's output and as another of its
 * bindings, or copy between two ranges of one buffer, which WebGPU forbids.
 */
export function placeCopiedWhole(
  events: readonly TraceEvent[],
  slotLives: readonly (Life | null)[][],
  hosts: ReadonlySet<Life>,
  physical: Map<Life, Place>,
  align: number,
): void {
  const placed = new Set<Life>();
  // The byte range of a host each event touches, slot by slot.
  const ranges = (i: number): [Life | null, number, number][] => {
    const e = events[i]!;
    const lives = slotLives[i]!;
    switch (e.kind) {
      case 'dispatch':
        return e.bindings.map((b, k) => [lives[k] ?? null, b.offset, b.offset + b.size]);
      case 'copy':
        return [
          [lives[0] ?? null, e.srcOffset, e.srcOffset + e.size],
          [lives[1] ?? null, e.dstOffset, e.dstOffset + e.size],
        ];
      default:
        return lives.map((l) => [l, 0, Infinity]);
    }
  };
  events.forEach((e, i) => {
    if (e.kind !== 'copy') return;
    const [from, to] = slotLives[i]! as [Life | null, Life | null];
    if (!from || !to || !hosts.has(to) || physical.has(from) || from.before) return;
    if (e.srcOffset !== 0 || e.size !== from.size || from.last !== i) return;
    const host = physical.get(to)!;
    if ((host.offset + e.dstOffset) % align !== 0) return;
    const [lo, hi] = [e.dstOffset, e.dstOffset + e.size];
    for (let j = from.first; j < i; j++) for (const [l, a, b] of ranges(j)) if (l === to && a < hi && lo < b) return;
    physical.set(from, { buffer: host.buffer, offset: host.offset + e.dstOffset });
    placed.add(from);
  });
  // A placement that makes a command bind or copy within one buffer is undone, until none does.
  for (let undone = true; undone;) {
    undone = false;
    events.forEach((e, i) => {
      const lives = slotLives[i]!;
      const undo = (a: Life | null, b: Life | null) => {
        const which = a && placed.has(a) ? a : b && placed.has(b) ? b : null;
        if (!which) return;
        physical.delete(which);
        placed.delete(which);
        undone = true;
      };
      if (e.kind === 'dispatch') {
        const out = e.bindings.findIndex((b) => b.binding === 0);
        const o = lives[out];
        const at = o && physical.get(o);
        if (!at) return;
        lives.forEach((l, k) => {
          if (k !== out && l && physical.get(l)?.buffer === at.buffer) undo(o!, l);
        });
      } else if (e.kind === 'copy') {
        const [a, b] = [lives[0], lives[1]];
        const [pa, pb] = [a && physical.get(a), b && physical.get(b)];
        if (pa && pb && pa.buffer === pb.buffer && pa.offset + e.srcOffset !== pb.offset + e.dstOffset) undo(a!, b!);
      }
    });
  }
}
