// The GPU half of the replayed training step (issue 14, moved here by issue 26): the buffers a
// traced TF.js step names, the ReplayPlan compiled from its trace with the fused AdamW's flat state
// adopted, and each replayed step's uploads, images, AdamW words, submit and status read-back.
// Everything here touches the device; the host half (masks, drop-path draws, the learning rate, the
// step count and its rewinds) is src/train/replayTrainer.ts, which calls only this module's methods.
import * as tf from '@tensorflow/tfjs';
import { ADAMW_KEY, STATUS } from '../adamw';
import { emptyTensor } from '../flat';
import { gpuBufferOf, gpuDevice, hasPendingCommands, recordCopy, submitNow, tensorBuffer, webgpuBackend } from '../tfjsInternals';
import { ReplayPlan } from './plan';
import { type Trace, TraceRecorder } from './trace';

const STATE = 'adamw';
/** The fused AdamW's status words (clip factor, skip flag, the step's losses), read back each step. */
const STATUS_STATE = 'adamw-status';
const STATUS_BYTES = STATUS.words * 4;
const pad4 = (n: number) => Math.ceil(n / 4) * 4;

/** A model parameter as the replay sees it: its name, its variable, its offset in the flat state (elements). */
export interface ReplayParam {
  readonly name: string;
  readonly variable: tf.Variable;
  readonly offset: number;
}

/** The GPU buffers a traced step starts from: the images' and each parameter's (in the params' order). */
export interface TracedBuffers {
  readonly images: GPUBuffer;
  readonly before: GPUBuffer[];
}

/** A recorder for the steps a replay is compiled from, on the active WebGPU backend. */
export function newRecorder(): TraceRecorder {
  return new TraceRecorder(webgpuBackend());
}

/** Uploads `images` (the step reads them as an input from outside) and names the parameters' buffers now. */
export function tracedBuffers(images: tf.Tensor, params: readonly { variable: tf.Variable }[]): TracedBuffers {
  const backend = webgpuBackend();
  return { images: tensorBuffer(backend, images), before: params.map((p) => gpuBufferOf(backend, p.variable)!) };
}

/** The GPU buffer a tensor's values are in now (null: not on the GPU): an output to name before the tensor goes. */
export function bufferOf(t: tf.Tensor): GPUBuffer | null {
  return gpuBufferOf(webgpuBackend(), t);
}

/** What a replay is compiled from: step b's trace, its buffers, and the optimizer's flat state. */
export interface ReplayedStepSpec {
  readonly recorder: TraceRecorder;
  readonly trace: Trace;
  readonly buffers: TracedBuffers;
  readonly params: readonly ReplayParam[];
  /** The fused AdamW's flat state [P | M | V] and status words (adopted by the plan, not copied). */
  readonly flatState: tf.Tensor;
  readonly status: tf.Tensor;
  /** Names an upload of the trace (null: a constant), as ReplayPlan's roles do. */
  readonly uploadName: (source: unknown, index: number) => string | null;
  /** The AdamW uniform words step b wrote: where they sit among the update's uniforms is found by them. */
  readonly adamWWords: Uint8Array;
  /** Tensors of step b's that the caller reads after each step (the tokenizer's codes), by their buffers then. */
  readonly outputs?: readonly { readonly name: string; readonly buffer: GPUBuffer }[];
}

/** What a submitted step reads back: the status words, and each named output's bytes. */
export interface StepReads {
  readonly status: Float32Array;
  readonly outputs: ReadonlyMap<string, ArrayBuffer>;
}

export class ReplayedStep {
  /** Two read-back buffers for the status words and outputs: step n's is read while step n+1 runs. */
  private readonly reads: [GPUBuffer, GPUBuffer];
  private nextRead = 0;
  /** The outputs read back after the status words: each one's place in the plan and in the read buffer. */
  private readonly outputs: { name: string; buffer: GPUBuffer; size: number; at: number }[] = [];
  private readonly readBytes: number;
  /** The model's variables were freed; the plan holds the weights (see `evict`). */
  private evicted = false;

  private constructor(
    private readonly plan: ReplayPlan,
    private readonly params: readonly ReplayParam[],
    private readonly flatState: tf.Tensor,
    private readonly adamW: { buffer: GPUBuffer; offset: number },
    outputs: readonly string[],
  ) {
    let at = STATUS_BYTES;
    for (const name of outputs) {
      const o = plan.output(name);
      this.outputs.push({ name, ...o, at });
      at += pad4(o.size);
    }
    this.readBytes = at;
    const device = gpuDevice(webgpuBackend());
    const read = () => device.createBuffer({ size: this.readBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.reads = [read(), read()];
  }

  /**
   * Compiles the step into a plan over the optimizer's flat state: each parameter at its range of
   * P, the gradients at their ranges of the update's binding 1, one AdamW update whose own uniforms
   * vary. Throws (the plan released) where the trace does not have that shape.
   */
  static compile(s: ReplayedStepSpec): ReplayedStep {
    const backend = webgpuBackend();
    const id = (buffer: GPUBuffer) => s.recorder.idOf(buffer);
    const flatState = id(gpuBufferOf(backend, s.flatState)!);
    const status = id(gpuBufferOf(backend, s.status)!);
    const plan = new ReplayPlan(gpuDevice(backend), s.trace, {
      state: [
        { name: STATE, before: flatState, after: flatState, adopt: true },
        ...s.params.map((p, i) => ({
          name: p.name,
          before: id(s.buffers.before[i]!),
          after: id(gpuBufferOf(backend, p.variable)!),
          within: { state: STATE, offset: p.offset * 4 },
        })),
        // Zero (no step skipped) when the plan is made, as the host's status is after a good step.
        { name: STATUS_STATE, before: status, after: status, adopt: true },
      ],
      persistent: [{ name: 'grads', pipeline: ADAMW_KEY, binding: 1 }],
      inputs: [{ name: 'images', buffer: id(s.buffers.images) }],
      outputs: (s.outputs ?? []).map((o) => ({ name: o.name, buffer: id(o.buffer) })),
      uploadName: s.uploadName,
      varyingUniform: (pipeline) => pipeline.startsWith(ADAMW_KEY),
    });
    try {
      if (plan.segments.length !== 1) throw new Error(`replay: expected no read-back in the step, found ${plan.segments.length - 1}`);
      if (plan.varying.length !== 1) throw new Error(`replay: expected one AdamW update, found ${plan.varying.length}`);
      const words = s.adamWWords;
      const { bytes, buffer } = plan.varying[0]!;
      let offset = -1;
      for (let o = 0; o + words.length <= bytes.length && offset < 0; o += 4) if (words.every((w, j) => bytes[o + j] === w)) offset = o;
      if (offset < 0) throw new Error("replay: AdamW's uniforms are not where the replay looks for them");
      const step = new ReplayedStep(
        plan,
        s.params,
        s.flatState,
        { buffer, offset },
        (s.outputs ?? []).map((o) => o.name),
      );
      step.load();
      step.evict();
      return step;
    } catch (e) {
      plan.dispose();
      throw e;
    }
  }

  /** Dispatches, arena, state and slot bytes of the compiled step. */
  get stats() {
    const p = this.plan;
    return {
      dispatches: p.dispatches,
      submits: p.segments.length,
      arenaBytes: p.arenaBytes,
      arenaLiveBytes: p.arenaLiveBytes,
      stateBytes: p.stateBytes,
      adoptedBytes: p.adoptedBytes,
      slotBytes: p.slotBytes,
      copies: p.copies,
      droppedCopies: p.droppedCopies,
    };
  }

  /** The names of the host arrays each step uploads (the masks' index lists, drop-path factors). */
  uploadNames(): string[] {
    return this.plan.uploadNames();
  }

  /**
   * Copies the model's weights into the plan (after compiling, a TF.js step in between). The
   * optimizer's moments need no copy: the plan updates the optimizer's own state. While the plan
   * holds the weights there is nothing newer to take.
   */
  load(): void {
    if (this.evicted) return;
    const backend = webgpuBackend();
    if (hasPendingCommands(backend)) submitNow(backend);
    const encoder = gpuDevice(backend).createCommandEncoder();
    for (const p of this.params) {
      const { buffer, offset } = this.plan.stateRange(p.name);
      encoder.copyBufferToBuffer(tensorBuffer(backend, p.variable), 0, buffer, offset, p.variable.size * 4);
    }
    gpuDevice(backend).queue.submit([encoder.finish()]);
  }

  /**
   * Gives the model's variables their own buffers again, holding the plan's weights (checkpoints,
   * views, the lab, a TF.js step); the moments are the optimizer's already. Nothing to do unless the
   * plan holds the weights.
   */
  sync(): void {
    if (!this.evicted) return;
    const backend = webgpuBackend();
    for (const p of this.params) {
      const fresh = emptyTensor(backend, p.variable.shape);
      const { buffer, offset } = this.plan.stateRange(p.name);
      recordCopy(backend, buffer, offset, tensorBuffer(backend, fresh), 0, fresh.size * 4);
      p.variable.assign(fresh);
      fresh.dispose();
    }
    submitNow(backend);
    this.evicted = false;
  }

  /**
   * Frees the model variables' buffers, a second copy of the weights the plan keeps in the
   * optimizer's flat state: each variable stands on that buffer without owning it (a zero-copy
   * tensor TF.js never releases), so its values mean nothing until `sync`.
   */
  private evict(): void {
    if (this.evicted) return;
    const backend = webgpuBackend();
    const under = tensorBuffer(backend, this.flatState);
    for (const p of this.params) {
      const stand = tf.tensor({ buffer: under, zeroCopy: true }, p.variable.shape, 'float32');
      p.variable.assign(stand);
      stand.dispose();
    }
    // The freed buffers go back to the pool at a submit.
    submitNow(backend);
    this.evicted = true;
  }

  /**
   * Submits one replayed step: the host arrays by name, the images, and AdamW's words for this
   * step; one submit and no wait. Resolves with the step's status words once it has run, and
   * `reads` with them and the outputs (a disposed step's read fails, unobserved unless awaited).
   */
  async submit(
    arrays: ReadonlyMap<string, ArrayBufferView>,
    images: tf.Tensor,
    adamWWords: Uint8Array,
  ): Promise<{ status: Promise<Float32Array>; reads: Promise<StepReads> }> {
    for (const name of this.plan.uploadNames()) {
      const a = arrays.get(name);
      if (!a) throw new Error(`replay: the step uploads "${name}", which the host did not make`);
      this.plan.writeUpload(name, a);
    }
    const backend = webgpuBackend();
    if (hasPendingCommands(backend)) submitNow(backend);
    const device = gpuDevice(backend);
    const slot = this.plan.inputBuffer('images');
    const from = slot && gpuBufferOf(backend, images);
    if (slot && !from) device.queue.writeBuffer(slot, 0, images.dataSync() as Float32Array<ArrayBuffer>);
    this.evict();
    device.queue.writeBuffer(this.adamW.buffer, this.adamW.offset, adamWWords as Uint8Array<ArrayBuffer>);
    const read = this.reads[this.nextRead]!;
    this.nextRead ^= 1;
    const status = this.plan.stateRange(STATUS_STATE);
    await this.plan.run(0, from ? (e) => e.copyBufferToBuffer(from, 0, slot!, 0, images.size * 4) : undefined, (e) => {
      e.copyBufferToBuffer(status.buffer, status.offset, read, 0, STATUS_BYTES);
      for (const o of this.outputs) e.copyBufferToBuffer(o.buffer, 0, read, o.at, pad4(o.size));
    });
    const size = this.readBytes;
    const reads = read.mapAsync(GPUMapMode.READ, 0, size).then((): StepReads => {
      const bytes = read.getMappedRange(0, size).slice(0);
      read.unmap();
      const outputs = new Map(this.outputs.map((o) => [o.name, bytes.slice(o.at, o.at + o.size)]));
      return { status: new Float32Array(bytes, 0, STATUS.words), outputs };
    });
    const words = reads.then((r) => r.status);
    // Awaited by the host's settle; a disposed replay's read fails unobserved.
    reads.catch(() => undefined);
    words.catch(() => undefined);
    return { status: words, reads };
  }

  dispose(): void {
    this.plan.dispose();
    for (const r of this.reads) r.destroy();
  }
}
