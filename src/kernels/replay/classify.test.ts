// The diff of two traces on hand-made steps: same places, new buffers, changed inputs, and the
// refusal of steps that do not share a dispatch list.
import { describe, expect, it } from 'vitest';
import { classifyBuffers, firstDifference } from './classify';
import type { Trace, TraceEvent } from './trace';

const trace = (events: TraceEvent[]): Trace => ({ events, buffers: new Map(), pipelines: [], gpuBuffers: new Map() });
const dispatch = (pipeline: string, buffers: number[], uniform: number[]): TraceEvent => ({
  kind: 'dispatch',
  pipeline,
  bindings: buffers.map((buffer, binding) => ({ binding, buffer, offset: 0, size: 16 })),
  uniform: Uint8Array.from(uniform),
  groups: [1, 1, 1],
});

describe('classifyBuffers', () => {
  const a = trace([
    { kind: 'upload', buffer: 1, size: 8, hash: 11, bytes: new Uint8Array(8), source: null },
    dispatch('matmul', [2, 1, 9], [0, 1]), // output 2, reads the upload 1 and the weight 9
    { kind: 'copy', src: 2, srcOffset: 0, dst: 9, dstOffset: 0, size: 16 },
    { kind: 'read', buffer: 5, size: 4 },
  ]);
  const b = trace([
    { kind: 'upload', buffer: 3, size: 8, hash: 12, bytes: new Uint8Array(8), source: null },
    dispatch('matmul', [4, 3, 9], [0, 2]),
    { kind: 'copy', src: 4, srcOffset: 0, dst: 9, dstOffset: 0, size: 16 },
    { kind: 'read', buffer: 5, size: 4 },
  ]);

  it('keeps what sits at the same place in both steps and marks the rest per step', () => {
    const c = classifyBuffers(a, b);
    expect([...c.persistent].sort()).toEqual([5, 9]);
    expect([...c.perStep].sort()).toEqual([3, 4]);
    expect([c.samePlaces, c.differingPlaces]).toEqual([3, 4]);
    expect(c.dispatchesWithNewBuffers).toEqual([0]);
    expect(c.uniformsDiffering).toEqual([0]);
    expect(c.uploadsDiffering).toEqual([0]);
  });

  it('refuses steps with another pipeline order or length, naming the first difference', () => {
    const other = trace([a.events[0]!, dispatch('softmax', [2, 1, 9], [0, 1]), a.events[2]!, a.events[3]!]);
    expect(firstDifference(a, other)).toBe('event 1: dispatch matmul then dispatch softmax');
    expect(() => classifyBuffers(a, other)).toThrow(/cannot share one dispatch list/);
    expect(firstDifference(a, trace(a.events.slice(0, 3)))).toBe('lengths 4 and 3');
    expect(firstDifference(a, b)).toBeNull();
  });
});
