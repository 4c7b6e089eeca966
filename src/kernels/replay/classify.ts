// Two consecutive steps' traces, compared place by place: the question a replayed step must answer
// before it can fix a dispatch list, namely which buffers are the same from one step to the next
// (parameters or optimizer state kept in place) and which are made anew each step (intermediates,
// and under the TF.js engine also every parameter, which moves to a new buffer each step), and
// which uniform bytes and uploads change (the step's own inputs: masks, drop-path factors, lr).
// A "place" is an event's position in the step and the slot within it (a binding, a copy's end).
// The buffer pool can hand an intermediate the same buffer in both steps by chance; such a buffer
// counts as persistent here, and the replay's planner, which knows liveness, will separate them.
import type { BufferId, Trace, TraceEvent } from './trace';

export interface BufferClasses {
  /** Buffers found at the same place in both steps. */
  persistent: Set<BufferId>;
  /** Buffers of the second step found where the first step had another one (a buffer can be in both sets). */
  perStep: Set<BufferId>;
  /** Places with the same buffer in both steps, and with different ones. */
  samePlaces: number;
  differingPlaces: number;
  /** Dispatches (indices among the dispatches) binding at least one buffer the other step did not. */
  dispatchesWithNewBuffers: number[];
  /** Dispatches whose uniform bytes differ between the steps. */
  uniformsDiffering: number[];
  /** Upload events (indices among the uploads) whose contents differ between the steps. */
  uploadsDiffering: number[];
}

/** The pipeline, or the kind, of every event: what must match for two traces to be the same step. */
export function eventShape(e: TraceEvent): string {
  return e.kind === 'dispatch' ? `dispatch ${e.pipeline}` : e.kind;
}

/** Null when the traces run the same events with the same pipelines in the same order; else the first difference. */
export function firstDifference(a: Trace, b: Trace): string | null {
  const n = Math.min(a.events.length, b.events.length);
  for (let i = 0; i < n; i++) {
    const [x, y] = [eventShape(a.events[i]!), eventShape(b.events[i]!)];
    if (x !== y) return `event ${i}: ${x} then ${y}`;
  }
  return a.events.length === b.events.length ? null : `lengths ${a.events.length} and ${b.events.length}`;
}

/** The buffers an event names, in a fixed slot order. */
function slots(e: TraceEvent): BufferId[] {
  switch (e.kind) {
    case 'dispatch':
      return e.bindings.map((b) => b.buffer);
    case 'copy':
      return [e.src, e.dst];
    default:
      return [e.buffer];
  }
}

function sameBytes(x: Uint8Array | null, y: Uint8Array | null): boolean {
  if (!x || !y) return x === y;
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Classifies the second step's buffers against the first's; throws if the steps differ in shape. */
export function classifyBuffers(a: Trace, b: Trace): BufferClasses {
  const diff = firstDifference(a, b);
  if (diff) throw new Error(`the two steps' traces differ (${diff}): they cannot share one dispatch list`);
  const c: BufferClasses = {
    persistent: new Set(),
    perStep: new Set(),
    samePlaces: 0,
    differingPlaces: 0,
    dispatchesWithNewBuffers: [],
    uniformsDiffering: [],
    uploadsDiffering: [],
  };
  let dispatch = 0;
  let upload = 0;
  a.events.forEach((x, i) => {
    const y = b.events[i]!;
    const [sx, sy] = [slots(x), slots(y)];
    let differs = false;
    sy.forEach((id, s) => {
      if (sx[s] === id) {
        c.samePlaces++;
        c.persistent.add(id);
      } else {
        c.differingPlaces++;
        c.perStep.add(id);
        differs = true;
      }
    });
    if (x.kind === 'dispatch' && y.kind === 'dispatch') {
      if (differs) c.dispatchesWithNewBuffers.push(dispatch);
      if (!sameBytes(x.uniform, y.uniform)) c.uniformsDiffering.push(dispatch);
      dispatch++;
    }
    if (x.kind === 'upload' && y.kind === 'upload') {
      if (x.hash !== y.hash || x.size !== y.size) c.uploadsDiffering.push(upload);
      upload++;
    }
  });
  return c;
}
