// The replay's compiler (plan.ts) on hand-made traces against a fake GPUDevice that records what it
// is asked: where each traced buffer's life is placed (state, offsets within the flat state, the
// arena shared by lives that do not overlap, a persistent host that absorbs whole copies), which
// uploads become per-step slots, and the steps it refuses. The WebGPU integration tests
// (replayTrainer.webgpu.ts) check the numbers on a real device; this checks the placement itself.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ReplayPlan, type PlanRoles } from './plan';
import type { Trace, TraceEvent } from './trace';

const USAGE = { MAP_READ: 1, MAP_WRITE: 2, COPY_SRC: 4, COPY_DST: 8, UNIFORM: 64, STORAGE: 128 };
const STORAGE = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
const ALIGN = 256;

interface FakeBuffer {
  readonly id: string;
  readonly size: number;
  readonly usage: number;
  destroyed: boolean;
  destroy(): void;
}

/** A GPUDevice that hands out recorded buffers, bind groups and command encoders. */
function fakeDevice() {
  let made = 0;
  const log = {
    buffers: [] as FakeBuffer[],
    groups: [] as { entries: GPUBindGroupEntry[] }[],
    writes: [] as { buffer: FakeBuffer; bytes: number[] }[],
    copies: [] as { src: FakeBuffer; dst: FakeBuffer; size: number }[],
    submits: 0,
  };
  const device = {
    limits: { minStorageBufferOffsetAlignment: ALIGN },
    createBuffer: ({ size, usage }: GPUBufferDescriptor) => {
      const b: FakeBuffer = { id: `made${made++}`, size, usage, destroyed: false, destroy: () => void (b.destroyed = true) };
      log.buffers.push(b);
      return b;
    },
    createBindGroup: (d: GPUBindGroupDescriptor) => {
      const g = { entries: [...d.entries] };
      log.groups.push(g);
      return g;
    },
    createCommandEncoder: () => ({
      copyBufferToBuffer: (src: FakeBuffer, _so: number, dst: FakeBuffer, _do: number, size: number) => void log.copies.push({ src, dst, size }),
      finish: () => ({}),
    }),
    queue: {
      writeBuffer: (buffer: FakeBuffer, _offset: number, data: ArrayBufferView | ArrayBuffer, dataOffset = 0, size?: number) => {
        const view = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
        log.writes.push({ buffer, bytes: Array.from(view.subarray(dataOffset, size === undefined ? undefined : dataOffset + size)) });
      },
      submit: () => void log.submits++,
    },
  };
  return { device: device as unknown as GPUDevice, log };
}

const pipeline = { getBindGroupLayout: () => ({}) } as unknown as GPUComputePipeline;

/** A dispatch binding `out` at 0 (its output) and `ins` after it, whole buffers of `size` bytes. */
const dispatch = (name: string, out: number, ins: number[], size = 64): TraceEvent => ({
  kind: 'dispatch',
  pipeline: name,
  bindings: [out, ...ins].map((buffer, binding) => ({ binding, buffer, offset: 0, size })),
  uniform: null,
  groups: [1, 1, 1],
});
const acquire = (buffer: number): TraceEvent => ({ kind: 'acquire', buffer });

function traceOf(events: TraceEvent[], sizes: Record<number, number | [number, number]>): Trace {
  const buffers = new Map(Object.entries(sizes).map(([id, s]) => [Number(id), Array.isArray(s) ? { size: s[0], usage: s[1] } : { size: s, usage: STORAGE }]));
  const gpuBuffers = new Map([...buffers].map(([id, b]) => [id, { id: `traced${id}`, size: b.size, usage: b.usage } as unknown as GPUBuffer]));
  return { events, buffers, pipelines: events.filter((e) => e.kind === 'dispatch').map(() => pipeline), gpuBuffers };
}

const roles = (r: Partial<PlanRoles>): PlanRoles => ({
  state: [],
  inputs: [],
  uploadName: () => null,
  varyingUniform: () => false,
  ...r,
});

/** The buffer and offset bound at `binding` of dispatch `k`. */
const bound = (log: ReturnType<typeof fakeDevice>['log'], k: number, binding: number) => {
  const e = log.groups[k]!.entries.find((x) => x.binding === binding)!;
  const r = e.resource as unknown as { buffer: FakeBuffer; offset: number };
  return { buffer: r.buffer.id, offset: r.offset };
};

beforeAll(() => {
  vi.stubGlobal('GPUBufferUsage', USAGE);
  vi.stubGlobal('GPUMapMode', { READ: 1, WRITE: 2 });
});
afterAll(() => void vi.unstubAllGlobals());

describe('ReplayPlan', () => {
  // Weight 1 (state, read by every dispatch); intermediates 10 → 11 → 12 → 13, each read once by the next.
  const chain = () =>
    traceOf(
      [
        acquire(10),
        dispatch('a', 10, [1]),
        acquire(11),
        dispatch('b', 11, [10, 1]),
        acquire(12),
        dispatch('c', 12, [11]),
        acquire(13),
        dispatch('d', 13, [12]),
      ],
      { 1: 64, 10: 64, 11: 64, 12: 64, 13: 64 },
    );

  it('places intermediates whose lives do not overlap in one arena buffer, and overlapping ones apart', () => {
    const { device, log } = fakeDevice();
    const plan = new ReplayPlan(device, chain(), roles({ state: [{ name: 'w', before: 1, after: 1 }] }));
    // 10 lives over dispatches a–b, 11 over b–c, 12 over c–d, 13 at d: at most two at once.
    expect(plan.arenaBytes).toBe(2 * 64);
    expect(plan.arenaLiveBytes).toBe(2 * 64);
    expect(bound(log, 0, 0).buffer).toBe(bound(log, 2, 0).buffer); // 10 and 12 share
    expect(bound(log, 1, 0).buffer).toBe(bound(log, 3, 0).buffer); // 11 and 13 share
    expect(bound(log, 1, 0).buffer).not.toBe(bound(log, 1, 1).buffer); // b writes 11 while it reads 10
    // The state has a buffer of its own, bound wherever the weight was.
    expect(plan.stateBytes).toBe(64);
    expect(bound(log, 0, 1)).toEqual({ buffer: (plan.stateRange('w').buffer as unknown as FakeBuffer).id, offset: 0 });
    expect(plan.dispatches).toBe(4);
    expect(plan.segments).toHaveLength(1);
    plan.dispose();
    expect(log.buffers.every((b) => b.destroyed)).toBe(true);
  });

  it('adopts a state in its traced buffer and places a parameter at its offset within it', () => {
    const { device, log } = fakeDevice();
    const t = traceOf([acquire(10), dispatch('a', 10, [2]), dispatch('update', 1, [10])], { 1: 1024, 2: 64, 10: 64 });
    const plan = new ReplayPlan(
      device,
      t,
      roles({
        state: [
          { name: 'flat', before: 1, after: 1, adopt: true },
          { name: 'w', before: 2, after: 2, within: { state: 'flat', offset: 512 } },
        ],
      }),
    );
    expect(plan.adoptedBytes).toBe(1024);
    expect(plan.stateBytes).toBe(0);
    expect(bound(log, 0, 1)).toEqual({ buffer: 'traced1', offset: 512 }); // w read at its range of the flat state
    expect(bound(log, 1, 0)).toEqual({ buffer: 'traced1', offset: 0 });
    plan.dispose();
    expect(log.buffers.every((b) => b.destroyed)).toBe(true); // the adopted buffer is not the plan's to destroy
  });

  it('computes an intermediate copied whole into a persistent host at its range, dropping the copy', () => {
    const { device, log } = fakeDevice();
    const t = traceOf(
      [
        acquire(20),
        dispatch('grad', 20, [1]),
        acquire(30),
        dispatch('zero', 30, []),
        { kind: 'copy', src: 20, srcOffset: 0, dst: 30, dstOffset: ALIGN, size: 64 },
        dispatch('adam', 1, [30], 512),
      ],
      { 1: 512, 20: 64, 30: 512 },
    );
    const plan = new ReplayPlan(
      device,
      t,
      roles({ state: [{ name: 'w', before: 1, after: 1 }], persistent: [{ name: 'grads', pipeline: 'adam', binding: 1 }] }),
    );
    const host = bound(log, 2, 1);
    expect(bound(log, 0, 0)).toEqual({ buffer: host.buffer, offset: ALIGN }); // grad written where the copy put it
    expect(plan.droppedCopies).toBe(1);
    expect(plan.copies).toBe(0);
    expect(plan.arenaBytes).toBe(0);
  });

  it('names per-step uploads as slots the caller writes, and writes constant uploads once', () => {
    const { device, log } = fakeDevice();
    const t = traceOf(
      [
        acquire(5),
        acquire(6),
        { kind: 'upload', buffer: 5, size: 8, hash: 0, bytes: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), source: 'mask' },
        { kind: 'upload', buffer: 6, size: 4, hash: 0, bytes: Uint8Array.from([9, 9, 9, 9]), source: 'table' },
        acquire(10),
        dispatch('gather', 10, [5, 6, 1]),
      ],
      { 1: 64, 5: 8, 6: 4, 10: 64 },
    );
    const plan = new ReplayPlan(device, t, roles({ state: [{ name: 'w', before: 1, after: 1 }], uploadName: (source) => (source === 'mask' ? 'mask' : null) }));
    expect(plan.uploadNames()).toEqual(['mask']);
    expect(log.writes.map((w) => w.bytes)).toEqual([[9, 9, 9, 9]]); // the constant, at compile time
    plan.writeUpload('mask', Uint8Array.from([8, 7, 6, 5, 4, 3, 2, 1]));
    expect(log.writes.at(-1)!.bytes).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(plan.copies).toBe(2); // each slot copied into the storage buffer the dispatch reads
  });

  describe('refuses', () => {
    it('a state read after its new value is written', () => {
      const t = traceOf([acquire(3), dispatch('write-new', 3, [4]), dispatch('read-old', 4, [1])], { 1: 64, 3: 64, 4: 64 });
      expect(() => new ReplayPlan(fakeDevice().device, t, roles({ state: [{ name: 'w', before: 1, after: 3 }] }))).toThrow(
        /"w" is read \(event 2\) after its new value is written \(event 0\); it cannot be updated in place/,
      );
    });

    it('a write into a buffer the step did not make and no role names', () => {
      const t = traceOf([dispatch('a', 7, [1])], { 1: 64, 7: 64 });
      expect(() => new ReplayPlan(fakeDevice().device, t, roles({ state: [{ name: 'w', before: 1, after: 1 }] }))).toThrow(
        /the step writes buffer 7, which it did not make and no role names/,
      );
    });

    it('a state that does not fit, aligned, within its host', () => {
      const t = traceOf([dispatch('a', 1, [2])], { 1: 1024, 2: 64 });
      const state = (offset: number) => [
        { name: 'flat', before: 1, after: 1, adopt: true },
        { name: 'w', before: 2, after: 2, within: { state: 'flat', offset } },
      ];
      expect(() => new ReplayPlan(fakeDevice().device, t, roles({ state: state(100) }))).toThrow(/"w" does not fit, aligned, at byte 100 of "flat"/);
      expect(() => new ReplayPlan(fakeDevice().device, t, roles({ state: state(1024) }))).toThrow(/"w" does not fit, aligned, at byte 1024 of "flat"/);
    });

    it('a state the step never used, and a queue write into storage', () => {
      const t = traceOf([acquire(10), dispatch('a', 10, [1])], { 1: 64, 10: 64 });
      expect(() => new ReplayPlan(fakeDevice().device, t, roles({ state: [{ name: 'm', before: 9, after: 9 }] }))).toThrow(/never used the state "m"/);
      const w = traceOf([acquire(10), dispatch('a', 10, [1]), { kind: 'write', buffer: 10, offset: 0, bytes: new Uint8Array(4) }], { 1: 64, 10: 64 });
      expect(() => new ReplayPlan(fakeDevice().device, w, roles({ state: [{ name: 'w', before: 1, after: 1 }] }))).toThrow(
        /a queue write into storage buffer 10/,
      );
    });
  });
});
