// Compiles one traced TF.js step (trace.ts) into a fixed list of GPU commands over buffers the
// replay owns, so later steps run with no TF.js op, no new bind group, buffer or pipeline: issue
// 14's "compile". The plan is made of three kinds of buffers:
// - state (parameters, optimizer moments): one persistent buffer per name; a parameter that the
//   TF.js step moved to a new buffer is written back into the buffer it was read from, which is
//   safe because the compiler checks the old buffer's last read comes before the new one's first write;
// - slots: per-step inputs (images) and the host arrays TF.js uploaded, written before each step,
//   and constants the step read from outside (position tables, constant uploads), written once;
// - an arena of intermediates: every life of a pooled buffer in the trace (from the pool handing it
//   out to its last use) is one virtual buffer, and virtual buffers whose lives do not overlap share
//   one GPUBuffer of their size, so the arena never holds more than the traced step's pool did.
// Each dispatch keeps its traced pipeline and uniform bytes; bind groups are made here, once. A
// read-back in the trace splits the plan into segments: the caller reads, then runs the next one.
import type { BufferId, Trace } from './trace';
import { arenaOf, type Life, livePeak } from './arena';

/** How the caller names the buffers of the traced step. */
export interface PlanRoles {
  /** Persistent state: the buffer the step read it from, and the one the step left it in (the same when updated in place). */
  readonly state: readonly { name: string; before: BufferId; after: BufferId }[];
  /** Per-step inputs the step read from outside (the images). */
  readonly inputs: readonly { name: string; buffer: BufferId }[];
  /** The name of the per-step host array an upload was made from, or null for a constant upload. */
  readonly uploadName: (source: unknown, index: number) => string | null;
  /** Whether a dispatch's uniform bytes change per step (they get a buffer of their own). */
  readonly varyingUniform: (pipeline: string) => boolean;
}

type Op =
  | { kind: 'dispatch'; pipeline: GPUComputePipeline; group: GPUBindGroup; groups: [number, number, number] }
  | { kind: 'copy'; src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; size: number };

/** One submit: its commands, then optionally a read-back of `read` bytes. */
interface Segment {
  readonly ops: Op[];
  readonly read: { buffer: GPUBuffer; size: number } | null;
}

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
const pad4 = (n: number) => Math.max(4, Math.ceil(n / 4) * 4);

export class ReplayPlan {
  readonly segments: Segment[] = [];
  readonly dispatches: number;
  /** Bytes of the arena, the state, and the slots and uniforms. */
  readonly arenaBytes: number;
  /** The most bytes the arena's lives hold at once: what a perfect allocator would need. */
  readonly arenaLiveBytes: number;
  readonly stateBytes: number;
  readonly slotBytes: number;
  private readonly owned: GPUBuffer[] = [];
  private readonly state = new Map<string, GPUBuffer>();
  private readonly inputs = new Map<string, GPUBuffer>();
  private readonly uploads = new Map<string, GPUBuffer[]>();
  /** Uniform buffers of the dispatches whose uniforms vary, by dispatch ordinal, with their traced bytes. */
  readonly varying: { ordinal: number; pipeline: string; bytes: Uint8Array; buffer: GPUBuffer }[] = [];

  constructor(
    private readonly device: GPUDevice,
    trace: Trace,
    roles: PlanRoles,
  ) {
    const { events, buffers } = trace;
    const usage = (id: BufferId) => buffers.get(id)!.usage;
    const isStorage = (id: BufferId) => (usage(id) & GPUBufferUsage.STORAGE) !== 0;
    const make = (size: number, u: number) => {
      const b = device.createBuffer({ size: pad4(size), usage: u });
      this.owned.push(b);
      return b;
    };

    // Lives of the traced buffers: a new one at each acquire, or a life from before the step.
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

    // Roles: state, inputs, constants from outside; everything else goes to the arena.
    const physical = new Map<Life, GPUBuffer>();
    const lastLife = (id: BufferId) => current.get(id);
    const firstLife = (id: BufferId) => unique.find((l) => l.buffer === id && l.before);
    let stateBytes = 0;
    for (const s of roles.state) {
      const before = firstLife(s.before);
      const after = lastLife(s.after);
      if (!before || !after) throw new Error(`replay: the traced step never used the state "${s.name}"`);
      if (before !== after && before.last >= after.first)
        throw new Error(
          `replay: "${s.name}" is read (event ${before.last}) after its new value is written (event ${after.first}); it cannot be updated in place`,
        );
      const b = make(Math.max(before.size, after.size), STORAGE());
      stateBytes += b.size;
      this.state.set(s.name, b);
      physical.set(before, b);
      physical.set(after, b);
    }
    for (const x of roles.inputs) {
      const life = firstLife(x.buffer);
      if (!life) continue; // an input the step never read (its buffer is filled but unused)
      const b = make(life.size, STORAGE());
      this.inputs.set(x.name, b);
      physical.set(life, b);
    }
    let slotBytes = 0;
    const constants: [GPUBuffer, GPUBuffer][] = [];
    for (const life of unique) {
      if (physical.has(life) || !life.before) continue;
      if (life.written) throw new Error(`replay: the step writes buffer ${life.buffer}, which it did not make and no role names`);
      // Read from outside and never written: a constant (a position table), copied in once.
      const b = make(life.size, STORAGE());
      slotBytes += b.size;
      constants.push([trace.gpuBuffers.get(life.buffer)!, b]);
      physical.set(life, b);
    }
    const intermediates = unique.filter((l) => !physical.has(l));
    this.arenaLiveBytes = livePeak(intermediates);
    const arena = arenaOf(intermediates);
    const arenaBuffers = arena.sizes.map((size) => make(size, STORAGE()));
    arena.assignment.forEach((k, life) => physical.set(life, arenaBuffers[k]!));
    this.arenaBytes = arenaBuffers.reduce((s, b) => s + b.size, 0);
    this.stateBytes = stateBytes;

    // Commands, in the traced order.
    const uniforms = new Map<string, GPUBuffer>();
    const stagingSlot = new Map<BufferId, GPUBuffer>();
    let ops: Op[] = [];
    let read: { buffer: GPUBuffer; size: number } | null = null;
    let ordinal = 0;
    let uploadIndex = 0;
    events.forEach((e, i) => {
      const lifeAt = (k: number) => physical.get(slotLives[i]![k]!)!;
      switch (e.kind) {
        case 'dispatch': {
          const pipeline = trace.pipelines[ordinal];
          if (!pipeline) throw new Error(`replay: dispatch ${ordinal} (${e.pipeline}) has no pipeline`);
          const entries = e.bindings.map((b, k): GPUBindGroupEntry => {
            if (isStorage(b.buffer)) return { binding: b.binding, resource: { buffer: lifeAt(k), offset: b.offset, size: b.size } };
            const bytes = e.uniform ?? new Uint8Array(b.size);
            const varies = roles.varyingUniform(e.pipeline);
            const key = varies ? `#${ordinal}` : Array.from(bytes).join(',');
            let buffer = uniforms.get(key);
            if (!buffer) {
              uniforms.set(key, (buffer = make(Math.max(16, b.offset + b.size), GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST)));
              device.queue.writeBuffer(buffer, 0, bytes as Uint8Array<ArrayBuffer>);
              slotBytes += buffer.size;
            }
            if (varies) this.varying.push({ ordinal, pipeline: e.pipeline, bytes, buffer });
            return { binding: b.binding, resource: { buffer, offset: b.offset, size: b.size } };
          });
          const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
          ops.push({ kind: 'dispatch', pipeline, group, groups: e.groups });
          ordinal++;
          return;
        }
        case 'upload': {
          const name = roles.uploadName(e.source, uploadIndex++);
          const slot = make(e.size, GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST);
          slotBytes += slot.size;
          if (name === null) device.queue.writeBuffer(slot, 0, e.bytes as Uint8Array<ArrayBuffer>);
          else this.uploads.set(name, [...(this.uploads.get(name) ?? []), slot]);
          // Through a staging buffer, the copy that follows moves it; else it was written in place.
          if (!isStorage(e.buffer)) stagingSlot.set(e.buffer, slot);
          else ops.push({ kind: 'copy', src: slot, srcOffset: 0, dst: lifeAt(0), dstOffset: 0, size: e.size });
          return;
        }
        case 'copy': {
          const src = stagingSlot.get(e.src) ?? (isStorage(e.src) ? lifeAt(0) : null);
          if (!src) throw new Error(`replay: a copy from buffer ${e.src}, which is neither storage nor an upload`);
          if (usage(e.dst) & GPUBufferUsage.MAP_READ) {
            read = { buffer: make(e.size, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST), size: e.size };
            ops.push({ kind: 'copy', src, srcOffset: e.srcOffset, dst: read.buffer, dstOffset: 0, size: e.size });
            return;
          }
          ops.push({ kind: 'copy', src, srcOffset: e.srcOffset, dst: lifeAt(1), dstOffset: e.dstOffset, size: e.size });
          return;
        }
        case 'read':
          if (!read) throw new Error('replay: a read-back with no copy into its staging buffer');
          this.segments.push({ ops, read });
          ops = [];
          read = null;
          return;
        case 'write':
          // TF.js writes only uniforms through the queue; their bytes travel with the dispatches.
          if (!(usage(e.buffer) & GPUBufferUsage.UNIFORM)) throw new Error(`replay: a queue write into storage buffer ${e.buffer}`);
          return;
        case 'acquire':
          return;
      }
    });
    this.segments.push({ ops, read: null });
    this.dispatches = ordinal;
    this.slotBytes = slotBytes;
    // The constants are copied once, now, while the traced step's buffers still hold them.
    const encoder = device.createCommandEncoder();
    for (const [from, to] of constants) encoder.copyBufferToBuffer(from, 0, to, 0, to.size);
    device.queue.submit([encoder.finish()]);
  }

  /** The persistent buffer of a state entry. */
  stateBuffer(name: string): GPUBuffer {
    const b = this.state.get(name);
    if (!b) throw new Error(`replay plan has no state "${name}"`);
    return b;
  }

  /** The buffer of a per-step input, or null when the step never reads it. */
  inputBuffer(name: string): GPUBuffer | null {
    return this.inputs.get(name) ?? null;
  }

  /** Names of the per-step host arrays the plan expects. */
  uploadNames(): string[] {
    return [...this.uploads.keys()];
  }

  /** Writes a per-step host array into every slot it was uploaded to. */
  writeUpload(name: string, data: ArrayBufferView): void {
    for (const slot of this.uploads.get(name) ?? []) this.device.queue.writeBuffer(slot, 0, data.buffer, data.byteOffset, data.byteLength);
  }

  /**
   * Runs segment `i` as one submit (`prelude` first, `epilogue` last), then reads back what the
   * segment ends with. The submit happens before the first await.
   */
  async run(i: number, prelude?: (encoder: GPUCommandEncoder) => void, epilogue?: (encoder: GPUCommandEncoder) => void): Promise<ArrayBuffer | null> {
    const segment = this.segments[i]!;
    const encoder = this.device.createCommandEncoder();
    prelude?.(encoder);
    let pass: GPUComputePassEncoder | null = null;
    let bound: GPUComputePipeline | null = null;
    for (const op of segment.ops) {
      if (op.kind === 'copy') {
        pass?.end();
        pass = null;
        encoder.copyBufferToBuffer(op.src, op.srcOffset, op.dst, op.dstOffset, op.size);
        continue;
      }
      if (!pass) {
        pass = encoder.beginComputePass();
        bound = null;
      }
      if (bound !== op.pipeline) pass.setPipeline((bound = op.pipeline));
      pass.setBindGroup(0, op.group);
      pass.dispatchWorkgroups(...op.groups);
    }
    pass?.end();
    epilogue?.(encoder);
    this.device.queue.submit([encoder.finish()]);
    if (!segment.read) return null;
    const { buffer, size } = segment.read;
    await buffer.mapAsync(GPUMapMode.READ, 0, pad4(size));
    const out = buffer.getMappedRange(0, pad4(size)).slice(0, size);
    buffer.unmap();
    return out;
  }

  dispose(): void {
    for (const b of this.owned) b.destroy();
    this.owned.length = 0;
  }
}
