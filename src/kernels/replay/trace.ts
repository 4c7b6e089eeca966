// Records what one step of the TF.js engine asks of the GPU, in order: every dispatch (its pipeline,
// the buffers bound, the bytes of its uniform buffer, its workgroup counts), every buffer copy,
// queue write, upload and read-back. This is the first half of issue 14's replay (trace, then
// compile to a fixed dispatch list): two steps' traces, diffed in classify.ts, say which buffers
// persist across steps and which are made anew each step. The backend's device, queue, pending
// encoder and pipeline names come from tfjsInternals; the hooks here are plain WebGPU (the device's
// and queue's methods, the command encoders and passes made while recording, GPUBuffer's mapping
// methods) and are undone when the step ends.
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { afterPoolAcquire, beforeUploads, gpuDevice, gpuQueue, hasPendingCommands, pipelineNames, submitNow } from '../tfjsInternals';

/** A GPUBuffer's number, stable for the recorder's lifetime (so two steps' traces compare). */
export type BufferId = number;

export interface Binding {
  /** The binding's index in the pipeline's bind group 0. */
  readonly binding: number;
  readonly buffer: BufferId;
  readonly offset: number;
  readonly size: number;
}

export type TraceEvent =
  | { kind: 'dispatch'; pipeline: string; bindings: Binding[]; uniform: Uint8Array | null; groups: [number, number, number] }
  | { kind: 'copy'; src: BufferId; srcOffset: number; dst: BufferId; dstOffset: number; size: number }
  | { kind: 'write'; buffer: BufferId; offset: number; bytes: Uint8Array }
  // `source` is the array the tensor was made from (the replay asks the model what it was), `bytes` what was written.
  | { kind: 'upload'; buffer: BufferId; size: number; hash: number; bytes: Uint8Array; source: unknown }
  | { kind: 'read'; buffer: BufferId; size: number }
  // The buffer pool handed out a storage buffer: a new tensor's life in that buffer starts here.
  | { kind: 'acquire'; buffer: BufferId };

export interface Trace {
  readonly events: TraceEvent[];
  /** Size and usage flags of every buffer the trace names. */
  readonly buffers: Map<BufferId, { size: number; usage: number }>;
  /** The GPU objects behind the ids, for the replay's compiler: each dispatch's pipeline, each buffer. */
  readonly pipelines: (GPUComputePipeline | null)[];
  readonly gpuBuffers: Map<BufferId, GPUBuffer>;
}

/** FNV-1a over 32-bit words (and the tail bytes): enough to tell two uploads' contents apart. */
function hashBytes(chunks: readonly ArrayBuffer[]): number {
  let h = 0x811c9dc5;
  for (const c of chunks) {
    const words = new Uint32Array(c, 0, c.byteLength >> 2);
    for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
    const tail = new Uint8Array(c, words.length * 4);
    for (let i = 0; i < tail.length; i++) h = Math.imul(h ^ tail[i]!, 0x01000193);
  }
  return h >>> 0;
}

/** The bytes a queue.writeBuffer call writes, copied (the caller may reuse its array). */
function writtenBytes(data: BufferSource | SharedArrayBuffer, dataOffset = 0, size?: number): Uint8Array {
  if (ArrayBuffer.isView(data)) {
    const per = 'BYTES_PER_ELEMENT' in data ? (data as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT : 1;
    const start = data.byteOffset + dataOffset * per;
    return new Uint8Array(data.buffer.slice(start, start + (size === undefined ? data.byteLength - dataOffset * per : size * per)));
  }
  return new Uint8Array((data as ArrayBuffer).slice(dataOffset, size === undefined ? undefined : dataOffset + size));
}

/** Replaces obj[name] by wrap(original); returns the undo. */
function hook<T extends object, K extends keyof T>(obj: T, name: K, wrap: (original: T[K]) => T[K]): () => void {
  const original = obj[name];
  obj[name] = wrap(original);
  return () => void (obj[name] = original);
}

export class TraceRecorder {
  private readonly ids = new WeakMap<GPUBuffer, BufferId>();
  private nextId = 0;
  private bindGroups = new WeakMap<GPUBindGroup, GPUBindGroupEntry[]>();
  private events: TraceEvent[] = [];
  private buffers = new Map<BufferId, { size: number; usage: number }>();
  private gpuBuffers = new Map<BufferId, GPUBuffer>();
  private uploadSource: unknown = null;
  private pipelines: (GPUComputePipeline | null)[] = [];
  private lastWrite = new Map<GPUBuffer, Uint8Array>();
  private active = false;

  constructor(private readonly backend: WebGPUBackend) {}

  private id(b: GPUBuffer): BufferId {
    let id = this.ids.get(b);
    if (id === undefined) this.ids.set(b, (id = this.nextId++));
    this.buffers.set(id, { size: b.size, usage: b.usage });
    this.gpuBuffers.set(id, b);
    return id;
  }

  /** The id a buffer has (or gets): lets a caller name the buffers of its tensors in a trace. */
  idOf(b: GPUBuffer): BufferId {
    return this.id(b);
  }

  /** Runs one step and returns its trace. Commands recorded before the call are submitted first. */
  async record<T>(step: () => Promise<T>): Promise<{ result: T; trace: Trace }> {
    if (this.active) throw new Error('TraceRecorder.record: a recording is already running');
    // An encoder opened before the step would hide the step's first commands from the hooks.
    if (hasPendingCommands(this.backend)) submitNow(this.backend);
    this.events = [];
    this.buffers = new Map();
    this.gpuBuffers = new Map();
    this.pipelines = [];
    this.lastWrite = new Map();
    const undo = this.install();
    this.active = true;
    try {
      const result = await step();
      return { result, trace: this.finish() };
    } finally {
      this.active = false;
      for (const u of undo.reverse()) u();
    }
  }

  /** Names each dispatch's pipeline by its shader key, now that every pipeline of the step is compiled. */
  private finish(): Trace {
    const names = pipelineNames(this.backend);
    let d = 0;
    for (const e of this.events) {
      if (e.kind !== 'dispatch') continue;
      const p = this.pipelines[d++];
      e.pipeline = (p && names.get(p)) ?? 'unknown pipeline';
    }
    return { events: this.events, buffers: this.buffers, pipelines: this.pipelines, gpuBuffers: this.gpuBuffers };
  }

  private install(): (() => void)[] {
    const device = gpuDevice(this.backend);
    const queue = gpuQueue(this.backend);
    const proto = (globalThis as unknown as { GPUBuffer: { prototype: GPUBuffer } }).GPUBuffer.prototype;
    const readMapped = new WeakSet<GPUBuffer>();
    const written = new WeakMap<GPUBuffer, ArrayBuffer[]>();
    // The GPUBuffer hooks below are plain functions whose `this` is the buffer: `rec` names the recorder.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const rec = this;
    return [
      afterPoolAcquire(this.backend, (buffer) => {
        if (rec.active && buffer.usage & GPUBufferUsage.STORAGE) rec.events.push({ kind: 'acquire', buffer: rec.id(buffer) });
      }),
      beforeUploads(this.backend, (values) => void (rec.uploadSource = values)),
      hook(device, 'createBindGroup', (create) => (d: GPUBindGroupDescriptor) => {
        const g = create.call(device, d);
        if (rec.active) rec.bindGroups.set(g, [...d.entries]);
        return g;
      }),
      hook(device, 'createCommandEncoder', (create) => (d?: GPUCommandEncoderDescriptor) => {
        const encoder = create.call(device, d);
        if (rec.active) rec.wrapEncoder(encoder);
        return encoder;
      }),
      hook(queue, 'writeBuffer', (write) => (buffer: GPUBuffer, offset: number, data: BufferSource | SharedArrayBuffer, dataOffset?: number, size?: number) => {
        if (rec.active) {
          const bytes = writtenBytes(data, dataOffset, size);
          rec.lastWrite.set(buffer, bytes);
          rec.events.push({ kind: 'write', buffer: rec.id(buffer), offset, bytes });
        }
        write.call(queue, buffer, offset, data, dataOffset, size);
      }),
      hook(
        proto,
        'mapAsync',
        (map) =>
          function (this: GPUBuffer, mode: GPUMapModeFlags, offset?: number, size?: number) {
            if (rec.active && mode & GPUMapMode.READ) {
              readMapped.add(this);
              rec.events.push({ kind: 'read', buffer: rec.id(this), size: size ?? this.size - (offset ?? 0) });
            }
            return map.call(this, mode, offset, size);
          },
      ),
      hook(
        proto,
        'getMappedRange',
        (get) =>
          function (this: GPUBuffer, offset?: number, size?: number) {
            const range = get.call(this, offset, size);
            // A range of a buffer not mapped for reading is being filled: an upload.
            if (rec.active && !readMapped.has(this)) written.set(this, [...(written.get(this) ?? []), range]);
            return range;
          },
      ),
      hook(
        proto,
        'unmap',
        (unmap) =>
          function (this: GPUBuffer) {
            const ranges = written.get(this);
            if (rec.active && ranges) {
              const size = ranges.reduce((s, r) => s + r.byteLength, 0);
              const bytes = new Uint8Array(size);
              ranges.reduce((at, r) => (bytes.set(new Uint8Array(r), at), at + r.byteLength), 0);
              rec.events.push({ kind: 'upload', buffer: rec.id(this), size, hash: hashBytes(ranges), bytes, source: rec.uploadSource });
              rec.uploadSource = null;
            }
            written.delete(this);
            readMapped.delete(this);
            unmap.call(this);
          },
      ),
    ];
  }

  /** Records the encoder's copies and the dispatches of its compute passes (while recording). */
  private wrapEncoder(encoder: GPUCommandEncoder): void {
    hook(
      encoder,
      'copyBufferToBuffer',
      (copy) =>
        ((src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, size: number) => {
          if (this.active) this.events.push({ kind: 'copy', src: this.id(src), srcOffset, dst: this.id(dst), dstOffset, size });
          copy.call(encoder, src, srcOffset, dst, dstOffset, size);
        }) as GPUCommandEncoder['copyBufferToBuffer'],
    );
    hook(encoder, 'beginComputePass', (begin) => (d?: GPUComputePassDescriptor) => {
      const pass = begin.call(encoder, d);
      let pipeline: GPUComputePipeline | null = null;
      let group: GPUBindGroup | null = null;
      hook(pass, 'setPipeline', (set) => (p: GPUComputePipeline) => {
        pipeline = p;
        set.call(pass, p);
      });
      hook(
        pass,
        'setBindGroup',
        (set) =>
          ((index: number, g: GPUBindGroup | null, ...rest: unknown[]) => {
            if (index === 0) group = g;
            (set as (...a: unknown[]) => void).call(pass, index, g, ...rest);
          }) as GPUComputePassEncoder['setBindGroup'],
      );
      hook(pass, 'dispatchWorkgroups', (dispatch) => (x: number, y = 1, z = 1) => {
        if (this.active) this.recordDispatch(pipeline, group, [x, y, z]);
        dispatch.call(pass, x, y, z);
      });
      return pass;
    });
  }

  private recordDispatch(pipeline: GPUComputePipeline | null, group: GPUBindGroup | null, groups: [number, number, number]): void {
    const bindings: Binding[] = [];
    let uniform: Uint8Array | null = null;
    for (const e of (group && this.bindGroups.get(group)) ?? []) {
      const r = e.resource as GPUBufferBinding;
      if (!r || !('buffer' in r)) continue;
      bindings.push({ binding: e.binding, buffer: this.id(r.buffer), offset: r.offset ?? 0, size: r.size ?? r.buffer.size });
      if (r.buffer.usage & GPUBufferUsage.UNIFORM) uniform = this.lastWrite.get(r.buffer) ?? null;
    }
    this.pipelines.push(pipeline);
    this.events.push({ kind: 'dispatch', pipeline: '', bindings, uniform, groups });
  }
}
