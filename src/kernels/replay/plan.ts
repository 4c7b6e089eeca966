// Compiles one traced TF.js step (trace.ts) into a fixed list of GPU commands over buffers the
// replay owns, so later steps run with no TF.js op, no new bind group, buffer or pipeline: issue
// 14's "compile". Every traced buffer's life gets a place, a GPUBuffer and a byte offset in it:
// - state (parameters, optimizer moments): persistent; an entry may adopt the traced buffer itself
//   (the caller's tensor keeps it: no second copy), or sit at an offset within another entry (each
//   parameter at its range of the fused optimizer's flat state). A parameter that the TF.js step
//   moved to a new buffer keeps its place, which is safe because the compiler checks the old
//   buffer's last read comes before the new one's first write;
// - persistent intermediates (the flat gradient buffer): a buffer of their own, and every
//   intermediate that is copied whole into one at an aligned offset, and not used after, is placed
//   at that range instead, so it is computed where the copy would have put it;
// - slots: per-step inputs (images) and the host arrays TF.js uploaded, written before each step,
//   and constants the step read from outside (position tables, constant uploads), written once;
// - an arena of intermediates: every life of a pooled buffer in the trace (from the pool handing it
//   out to its last use) is one virtual buffer, and virtual buffers whose lives do not overlap share
//   one GPUBuffer of their size, so the arena never holds more than the traced step's pool did.
// A copy whose source and destination end up at the same place is dropped: with the parameters in
// the flat state and the gradients in the flat gradient buffer, the fused optimizer's gathers and
// scatters all are. Each dispatch keeps its traced pipeline and uniform bytes; bind groups are made
// here, once. A read-back in the trace splits the plan into segments: the caller reads, then runs the next one.
import type { BufferId, Trace, TraceEvent } from './trace';
import { arenaOf, type Life, livePeak } from './arena';
import { type Place, placeCopiedWhole, traceLives } from './lives';

/** A persistent state entry: the buffer the step read it from, and the one the step left it in (the same when updated in place). */
export interface StateRole {
  readonly name: string;
  readonly before: BufferId;
  readonly after: BufferId;
  /** Keep it in the traced buffer itself (updated in place; the caller keeps that buffer alive). */
  readonly adopt?: boolean;
  /** Keep it at a byte offset (a multiple of the storage offset alignment) within an entry named before it. */
  readonly within?: { readonly state: string; readonly offset: number };
}

/** How the caller names the buffers of the traced step. */
export interface PlanRoles {
  readonly state: readonly StateRole[];
  /**
   * Intermediates kept in a persistent buffer (the one bound at `binding` of the only dispatch of
   * `pipeline`), so that what is copied whole into them can be computed in place.
   */
  readonly persistent?: readonly { name: string; pipeline: string; binding: number }[];
  /** Per-step inputs the step read from outside (the images). */
  readonly inputs: readonly { name: string; buffer: BufferId }[];
  /**
   * Per-step outputs the caller reads after the step (the tokenizer's hard codes): the buffer's
   * last life in the trace gets a buffer of its own, which nothing later in the step overwrites.
   */
  readonly outputs?: readonly { name: string; buffer: BufferId }[];
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
  /** Bytes of the arena, the state and persistent intermediates the plan made, and the slots and uniforms. */
  readonly arenaBytes: number;
  /** The most bytes the arena's lives hold at once: what a perfect allocator would need. */
  readonly arenaLiveBytes: number;
  readonly stateBytes: number;
  readonly slotBytes: number;
  /** Bytes of the traced buffers the plan adopted as state (the caller's tensors hold them). */
  readonly adoptedBytes: number;
  /** Buffer copies a step runs, and the traced copies dropped because both ends share a place. */
  readonly copies: number;
  readonly droppedCopies: number;
  private readonly owned: GPUBuffer[] = [];
  private readonly state = new Map<string, Place & { size: number }>();
  private readonly inputs = new Map<string, GPUBuffer>();
  private readonly outputs = new Map<string, { buffer: GPUBuffer; size: number }>();
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

    const { unique, slotLives, current } = traceLives(trace);

    // Roles: state, persistent intermediates, inputs, constants from outside; the rest goes to the arena.
    const physical = new Map<Life, Place>();
    const lastLife = (id: BufferId) => current.get(id);
    const firstLife = (id: BufferId) => unique.find((l) => l.buffer === id && l.before);
    const align = device.limits.minStorageBufferOffsetAlignment;
    let stateBytes = 0;
    let adoptedBytes = 0;
    for (const s of roles.state) {
      const before = firstLife(s.before);
      const after = lastLife(s.after);
      if (!before || !after) throw new Error(`replay: the traced step never used the state "${s.name}"`);
      if (before !== after && before.last >= after.first)
        throw new Error(
          `replay: "${s.name}" is read (event ${before.last}) after its new value is written (event ${after.first}); it cannot be updated in place`,
        );
      const size = Math.max(before.size, after.size);
      let place: Place;
      if (s.within) {
        const host = this.state.get(s.within.state);
        if (!host) throw new Error(`replay: "${s.name}" sits within "${s.within.state}", which is not a state named before it`);
        if (s.within.offset % align !== 0 || s.within.offset + size > host.size)
          throw new Error(`replay: "${s.name}" does not fit, aligned, at byte ${s.within.offset} of "${s.within.state}"`);
        place = { buffer: host.buffer, offset: host.offset + s.within.offset };
      } else if (s.adopt) {
        if (before !== after) throw new Error(`replay: "${s.name}" moves to another buffer; only a state updated in place can be adopted`);
        const buffer = trace.gpuBuffers.get(s.before)!;
        adoptedBytes += buffer.size;
        place = { buffer, offset: 0 };
      } else {
        const buffer = make(size, STORAGE());
        stateBytes += buffer.size;
        place = { buffer, offset: 0 };
      }
      this.state.set(s.name, { ...place, size });
      physical.set(before, place);
      physical.set(after, place);
    }
    const hosts = new Set<Life>();
    for (const p of roles.persistent ?? []) {
      const at = events.flatMap((e, i) => (e.kind === 'dispatch' && e.pipeline.startsWith(p.pipeline) ? [i] : []));
      if (at.length !== 1) throw new Error(`replay: expected one dispatch of ${p.pipeline}, found ${at.length}`);
      const e = events[at[0]!] as Extract<TraceEvent, { kind: 'dispatch' }>;
      const life = slotLives[at[0]!]![e.bindings.findIndex((b) => b.binding === p.binding)];
      if (!life || life.before || physical.has(life)) throw new Error(`replay: binding ${p.binding} of ${p.pipeline} is not an intermediate of the step`);
      const buffer = make(life.size, STORAGE());
      stateBytes += buffer.size;
      physical.set(life, { buffer, offset: 0 });
      hosts.add(life);
    }
    for (const o of roles.outputs ?? []) {
      const life = lastLife(o.buffer);
      if (!life || life.before || !life.written || physical.has(life)) throw new Error(`replay: the output "${o.name}" is not an intermediate the step writes`);
      const buffer = make(life.size, STORAGE());
      stateBytes += buffer.size;
      this.outputs.set(o.name, { buffer, size: life.size });
      physical.set(life, { buffer, offset: 0 });
    }
    for (const x of roles.inputs) {
      const life = firstLife(x.buffer);
      if (!life) continue; // an input the step never read (its buffer is filled but unused)
      const b = make(life.size, STORAGE());
      this.inputs.set(x.name, b);
      physical.set(life, { buffer: b, offset: 0 });
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
      physical.set(life, { buffer: b, offset: 0 });
    }
    placeCopiedWhole(events, slotLives, hosts, physical, align);
    const intermediates = unique.filter((l) => !physical.has(l));
    this.arenaLiveBytes = livePeak(intermediates);
    const arena = arenaOf(intermediates);
    const arenaBuffers = arena.sizes.map((size) => make(size, STORAGE()));
    arena.assignment.forEach((k, life) => physical.set(life, { buffer: arenaBuffers[k]!, offset: 0 }));
    this.arenaBytes = arenaBuffers.reduce((s, b) => s + b.size, 0);
    this.stateBytes = stateBytes;
    this.adoptedBytes = adoptedBytes;

    // Commands, in the traced order.
    const uniforms = new Map<string, GPUBuffer>();
    const stagingSlot = new Map<BufferId, GPUBuffer>();
    let ops: Op[] = [];
    let read: { buffer: GPUBuffer; size: number } | null = null;
    let ordinal = 0;
    let uploadIndex = 0;
    let copies = 0;
    let dropped = 0;
    const copy = (src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, size: number) => {
      if (src === dst && srcOffset === dstOffset) return void dropped++;
      if (src === dst) throw new Error('replay: a copy between two ranges of one buffer');
      copies++;
      ops.push({ kind: 'copy', src, srcOffset, dst, dstOffset, size });
    };
    events.forEach((e, i) => {
      const lifeAt = (k: number) => physical.get(slotLives[i]![k]!)!;
      switch (e.kind) {
        case 'dispatch': {
          const pipeline = trace.pipelines[ordinal];
          if (!pipeline) throw new Error(`replay: dispatch ${ordinal} (${e.pipeline}) has no pipeline`);
          const entries = e.bindings.map((b, k): GPUBindGroupEntry => {
            if (isStorage(b.buffer)) {
              const at = lifeAt(k);
              return { binding: b.binding, resource: { buffer: at.buffer, offset: at.offset + b.offset, size: b.size } };
            }
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
          else copy(slot, 0, lifeAt(0).buffer, lifeAt(0).offset, e.size);
          return;
        }
        case 'copy': {
          const staged = stagingSlot.get(e.src);
          const src: Place | null = staged ? { buffer: staged, offset: 0 } : isStorage(e.src) ? lifeAt(0) : null;
          if (!src) throw new Error(`replay: a copy from buffer ${e.src}, which is neither storage nor an upload`);
          if (usage(e.dst) & GPUBufferUsage.MAP_READ) {
            read = { buffer: make(e.size, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST), size: e.size };
            copy(src.buffer, src.offset + e.srcOffset, read.buffer, 0, e.size);
            return;
          }
          copy(src.buffer, src.offset + e.srcOffset, lifeAt(1).buffer, lifeAt(1).offset + e.dstOffset, e.size);
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
    this.copies = copies;
    this.droppedCopies = dropped;
    // The constants are copied once, now, while the traced step's buffers still hold them.
    const encoder = device.createCommandEncoder();
    for (const [from, to] of constants) encoder.copyBufferToBuffer(from, 0, to, 0, to.size);
    device.queue.submit([encoder.finish()]);
  }

  /** Where a state entry lives: its buffer and the byte offset of its range. */
  stateRange(name: string): Place {
    const b = this.state.get(name);
    if (!b) throw new Error(`replay plan has no state "${name}"`);
    return b;
  }

  /** The buffer of a per-step input, or null when the step never reads it. */
  inputBuffer(name: string): GPUBuffer | null {
    return this.inputs.get(name) ?? null;
  }

  /** The buffer a per-step output is left in, and its size in bytes. */
  output(name: string): { buffer: GPUBuffer; size: number } {
    const o = this.outputs.get(name);
    if (!o) throw new Error(`replay plan has no output "${name}"`);
    return o;
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
