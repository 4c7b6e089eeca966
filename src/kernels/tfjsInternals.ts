// The one place that reads or changes TF.js internals: fields of tfjs-backend-webgpu's WebGPUBackend
// that are private or missing from its types, the engine's gradient tape (tfjs-core), the names the
// backend's shader header gives a program's WGSL, and how it releases buffers. Each function was
// written against the source of TF.js 4.22.0 (tfjs-core/src/engine.ts, tfjs-backend-webgpu/src/
// backend_webgpu.ts, buffer_manager.ts, webgpu_program.ts), which package.json pins exactly and
// `tfjsVersionProblem` checks at start-up. Moving to another TF.js means re-reading those files
// against this one, and nowhere else.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
// Only the version constant: importing the package's index would register the backend, which it
// does only where navigator.gpu exists (the worker imports the backend later, on purpose).
import { version as webgpuVersion } from '@tensorflow/tfjs-backend-webgpu/dist/version';

// ---------------------------------------------------------------------------------------------------
// Versions

/** The TF.js release every function here was checked against (package.json pins it exactly). */
export const TFJS_VERSION = '4.22.0';

/** Versions of the TF.js packages whose internals this module reads. */
export interface TfjsVersions {
  readonly tfjs?: string;
  readonly 'tfjs-core': string;
  readonly 'tfjs-backend-webgpu': string;
}

/** What is installed: the umbrella and core from `tf.version`, the WebGPU backend from its own constant. */
export function installedTfjsVersions(): TfjsVersions {
  return { tfjs: tf.version.tfjs, 'tfjs-core': tf.version['tfjs-core'], 'tfjs-backend-webgpu': webgpuVersion };
}

/**
 * Null when every package is the pinned version, else a sentence for the user: the fused kernels,
 * the memory release and the lean gradients read internals that change between TF.js versions
 * without notice, so another version must not run them silently.
 */
export function tfjsVersionProblem(found: TfjsVersions = installedTfjsVersions()): string | null {
  const wrong = Object.entries(found).filter(([, v]) => v !== undefined && v !== TFJS_VERSION);
  if (wrong.length === 0) return null;
  return (
    `this build expects TF.js ${TFJS_VERSION} for its WebGPU kernels; found ${wrong.map(([k, v]) => `${k} ${v}`).join(', ')}. ` +
    `Install the pinned versions (npm ci), or check src/kernels/tfjsInternals.ts against the new TF.js and change the pin.`
  );
}

/** Throws tfjsVersionProblem's message, for entry points that cannot go on without the kernels. */
export function assertTfjsVersions(found?: TfjsVersions): void {
  const problem = tfjsVersionProblem(found);
  if (problem) throw new Error(problem);
}

// ---------------------------------------------------------------------------------------------------
// The WebGPU backend's fields (backend_webgpu.ts, 4.22.0)

/** The fields and methods of WebGPUBackend used here; `private` in its .d.ts or absent from it. */
interface BackendFields {
  device: GPUDevice;
  queue: GPUQueue;
  adapterInfo?: { vendor?: string; architecture?: string };
  supportTimestampQuery?: boolean;
  bufferManager: { numBytesUsed: number; acquireBuffer: (...a: unknown[]) => GPUBuffer };
  tensorMap: { get(id: tf.DataId): { resource?: GPUBuffer | GPUTexture | null } | undefined };
  pipelineCache: Record<string, unknown>;
  commandEncoder: GPUCommandEncoder;
  commandQueueOwnedIds: WeakSet<tf.DataId>;
  tensorDataPendingDisposal: tf.DataId[];
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  uploadToGPU(id: tf.DataId): void;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  submitQueue(): void;
  disposeData(id: tf.DataId, force?: boolean): boolean;
  runWebGPUProgram(...a: unknown[]): tf.TensorInfo;
  numDataIds(): number;
}

function fields(b: WebGPUBackend): BackendFields {
  return b as unknown as BackendFields;
}

/** The active backend as the WebGPU backend, or null when another one runs. */
export function activeWebGpuBackend(): WebGPUBackend | null {
  return tf.getBackend() === 'webgpu' ? (tf.backend() as unknown as WebGPUBackend) : null;
}

/** The active backend, which the caller knows is WebGPU (the kernels run only there). */
export function webgpuBackend(): WebGPUBackend {
  return tf.backend() as unknown as WebGPUBackend;
}

/** The backend's GPUDevice (public at run time in 4.22, `device`). */
export function gpuDevice(b: WebGPUBackend = webgpuBackend()): GPUDevice {
  return fields(b).device;
}

/** Vendor and architecture of the adapter the backend was made with (`adapterInfo`, 4.22). */
export function adapterInfo(b: WebGPUBackend = webgpuBackend()): { vendor?: string; architecture?: string } | undefined {
  return fields(b).adapterInfo;
}

/** Whether the backend times kernels (`supportTimestampQuery`, private in 4.22; else it reports 0 ms). */
export function supportsTimestampQuery(b: WebGPUBackend = webgpuBackend()): boolean {
  return Boolean(fields(b).supportTimestampQuery);
}

type ProfiledKernel = Awaited<ReturnType<typeof tf.profile>>['kernels'][number];

/**
 * A profiled kernel's time: tf.profile's KernelInfo types kernelTimeMs as a number, but in 4.22 it
 * is a promise of one, or of `{error}` where the backend cannot time.
 */
export function kernelTimeMs(k: ProfiledKernel): Promise<number | { error: string }> {
  return Promise.resolve(k.kernelTimeMs as unknown as Promise<number | { error: string }>);
}

/** Data ids with a live buffer (numDataIds in 4.22 excludes those waiting for a submit). */
export function numDataIds(b: WebGPUBackend = webgpuBackend()): number {
  return fields(b).numDataIds();
}

/** Shader keys of the pipelines compiled so far (`pipelineCache`, private in 4.22). */
export function pipelineKeys(b: WebGPUBackend = webgpuBackend()): string[] {
  return Object.keys(fields(b).pipelineCache);
}

/** Each compiled pipeline's shader key (`pipelineCache`, 4.22: key → pipeline, or a promise while compiling). */
export function pipelineNames(b: WebGPUBackend = webgpuBackend()): Map<GPUComputePipeline, string> {
  const names = new Map<GPUComputePipeline, string>();
  for (const [key, p] of Object.entries(fields(b).pipelineCache)) if (!(p instanceof Promise)) names.set(p as GPUComputePipeline, key);
  return names;
}

/** The queue the backend submits to and writes uniforms through (`queue`, 4.22). */
export function gpuQueue(b: WebGPUBackend = webgpuBackend()): GPUQueue {
  return fields(b).queue;
}

/** Whether the backend holds a command encoder not yet submitted (`commandEncoder`, 4.22; null after a submit). */
export function hasPendingCommands(b: WebGPUBackend = webgpuBackend()): boolean {
  return fields(b).commandEncoder != null;
}

// ---------------------------------------------------------------------------------------------------
// Programs: the WebGPUProgram fields a CAE kernel sets, and how the backend runs one

export type Uniform = { readonly type: 'int32' | 'float32'; readonly data: number[] };

/**
 * The subset of webgpu_program.ts's WebGPUProgram (4.22) the kernels fill in. `uniforms` declares
 * extra fields of the header's Uniforms struct, `getUserCode` returns WGSL with `fn main()`.
 */
export interface KernelProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  shaderKey: string;
  readonly dispatchLayout: { x: number[]; y: number[]; z: number[] };
  dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number];
  readonly uniforms?: string;
  readonly getUserCode: () => string;
}

/**
 * Runs a program (runWebGPUProgram, public in 4.22 but typed with its internal program and uniform
 * types); the result is a float32 TensorInfo owned by the caller, or `output` written in place.
 */
export function runProgram(b: WebGPUBackend, prog: KernelProgram, inputs: tf.TensorInfo[], uniforms: Uniform[] = [], output?: tf.TensorInfo): tf.TensorInfo {
  return fields(b).runWebGPUProgram(prog, inputs, 'float32', uniforms, output);
}

/**
 * Calls `program` before every program the backend runs and `submit` after every command-buffer
 * submit returns, until the returned undo (the backend's `queue`, 4.22: its copies' submits too).
 */
export function watchCommands(b: WebGPUBackend, on: { program?: () => void; submit?: () => void }): () => void {
  const f = fields(b);
  const run = f.runWebGPUProgram;
  const submit = f.queue.submit;
  f.runWebGPUProgram = (...a: unknown[]) => {
    on.program?.();
    return run.apply(b, a);
  };
  f.queue.submit = (buffers: Iterable<GPUCommandBuffer>) => {
    submit.call(f.queue, buffers);
    on.submit?.();
  };
  return () => {
    f.runWebGPUProgram = run;
    f.queue.submit = submit;
  };
}

/** GPU objects created on a device: what a replayed step must bring to zero. */
export interface GpuObjectCounts {
  /** Buffers TF.js maps (uploads and read-backs go through these staging buffers). */
  staging: number;
  /** Every other buffer: storage, uniforms, the pool's misses. */
  buffers: number;
  bindGroups: number;
  pipelines: number;
}

/**
 * Counts the GPU objects the backend creates, by wrapping its device's create methods (the device
 * object TF.js 4.22 keeps in `device` and its buffer manager shares) until `stop()`.
 */
export function countGpuObjects(b: WebGPUBackend = webgpuBackend()): { counts: () => GpuObjectCounts; stop: () => void } {
  const device = fields(b).device;
  const n: GpuObjectCounts = { staging: 0, buffers: 0, bindGroups: 0, pipelines: 0 };
  const { createBuffer, createBindGroup, createComputePipeline, createComputePipelineAsync } = device;
  const mapped = GPUBufferUsage.MAP_READ | GPUBufferUsage.MAP_WRITE;
  device.createBuffer = (d: GPUBufferDescriptor) => {
    if (d.usage & mapped) n.staging++;
    else n.buffers++;
    return createBuffer.call(device, d);
  };
  device.createBindGroup = (d: GPUBindGroupDescriptor) => {
    n.bindGroups++;
    return createBindGroup.call(device, d);
  };
  device.createComputePipeline = (d: GPUComputePipelineDescriptor) => {
    n.pipelines++;
    return createComputePipeline.call(device, d);
  };
  device.createComputePipelineAsync = (d: GPUComputePipelineDescriptor) => {
    n.pipelines++;
    return createComputePipelineAsync.call(device, d);
  };
  return {
    counts: () => ({ ...n }),
    stop: () => void Object.assign(device, { createBuffer, createBindGroup, createComputePipeline, createComputePipelineAsync }),
  };
}

// ---------------------------------------------------------------------------------------------------
// Buffers: tensors' GPUBuffers, copies in the backend's command stream, deferred release

/** A tensor's GPUBuffer, uploaded if it was on the CPU, kept alive until the pending commands are submitted. */
export function tensorBuffer(b: WebGPUBackend, t: tf.TensorInfo): GPUBuffer {
  const f = fields(b);
  f.uploadToGPU(t.dataId);
  // 4.22 defers releasing ids in commandQueueOwnedIds until the next submit: the buffer must
  // outlive the copy recorded on it.
  f.commandQueueOwnedIds.add(t.dataId);
  return f.tensorMap.get(t.dataId)!.resource as GPUBuffer;
}

/** A new float32 TensorInfo whose (uninitialized) buffer exists on the GPU; the caller owns it. */
export function emptyTensorInfo(b: WebGPUBackend, shape: number[]): tf.TensorInfo {
  const f = fields(b);
  const info = f.makeTensorInfo(shape, 'float32');
  f.uploadToGPU(info.dataId);
  return info;
}

/** Records a buffer-to-buffer copy in the backend's command encoder, ordered with its dispatches. */
export function recordCopy(b: WebGPUBackend, from: GPUBuffer, fromByte: number, to: GPUBuffer, toByte: number, bytes: number): void {
  const f = fields(b);
  f.ensureCommandEncoderReady();
  f.endComputePassEncoder();
  f.commandEncoder.copyBufferToBuffer(from, fromByte, to, toByte, bytes);
}

/** Submits the backend's recorded commands now; 4.22 returns the buffers freed meanwhile to its pool here. */
export function submitNow(b: WebGPUBackend): void {
  const f = fields(b);
  f.ensureCommandEncoderReady();
  f.endComputePassEncoder();
  f.submitQueue();
}

/** Bytes held by buffers the pool has handed out (`bufferManager.numBytesUsed`, 4.22). */
export function poolBytesUsed(b: WebGPUBackend = webgpuBackend()): number {
  return fields(b).bufferManager.numBytesUsed;
}

/** A tensor's GPUBuffer if it has one, with no side effect (`tensorMap`, 4.22); null while on the CPU. */
export function gpuBufferOf(b: WebGPUBackend, t: tf.TensorInfo): GPUBuffer | null {
  const r = fields(b).tensorMap.get(t.dataId)?.resource;
  return r && 'mapAsync' in r ? r : null;
}

/**
 * Calls `f(values)` before each upload of a tensor's CPU values (`uploadToGPU`, 4.22: it copies
 * `tensorData.values`, the very array the tensor was made from, into a mapped buffer), until the undo.
 */
export function beforeUploads(b: WebGPUBackend, f: (values: unknown) => void): () => void {
  const g = fields(b);
  const upload = g.uploadToGPU;
  g.uploadToGPU = (id: tf.DataId) => {
    const data = g.tensorMap.get(id) as { values?: unknown; resource?: unknown } | undefined;
    if (data && data.resource == null && data.values) f(data.values);
    upload.call(b, id);
  };
  return () => void (g.uploadToGPU = upload);
}

/** Calls `f` after every buffer the pool hands out (`bufferManager.acquireBuffer`), until the undo. */
export function afterPoolAcquire(b: WebGPUBackend, f: (buffer: GPUBuffer) => void): () => void {
  const pool = fields(b).bufferManager;
  const acquire = pool.acquireBuffer;
  pool.acquireBuffer = (...a: unknown[]) => {
    const buffer = acquire.apply(pool, a);
    f(buffer);
    return buffer;
  };
  return () => void (pool.acquireBuffer = acquire);
}

/**
 * Hooks the backend's release of disposed tensors. In 4.22 disposeData of an id the pending
 * command stream may still read pushes it on `tensorDataPendingDisposal`, and submitQueue releases
 * that list: `deferred(bytes)` hears of each such buffer, `submitted()` of each submit. Permanent
 * (the backend lives as long as the hook's purpose).
 */
export function hookDeferredRelease(b: WebGPUBackend, on: { deferred: (bytes: number) => void; submitted: () => void }): void {
  const f = fields(b);
  const submitQueue = f.submitQueue.bind(b);
  f.submitQueue = () => {
    submitQueue();
    on.submitted();
  };
  const disposeData = f.disposeData.bind(b);
  f.disposeData = (id, force) => {
    const waiting = f.tensorDataPendingDisposal.length;
    const freed = disposeData(id, force);
    if (f.tensorDataPendingDisposal.length > waiting) {
      const r = f.tensorMap.get(id)?.resource;
      if (r && 'size' in r) on.deferred(r.size);
    }
    return freed;
  };
}

// ---------------------------------------------------------------------------------------------------
// The engine's gradient tape (tfjs-core engine.ts, 4.22: engine.state.activeTape, gradientDepth)

/** What the engine records per kernel call while a tape is active. */
export interface TapeNode {
  readonly kernelName: string;
  readonly inputs: Record<string, tf.Tensor>;
  readonly outputs: tf.Tensor[];
  readonly saved?: tf.Tensor[];
  readonly gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
}

interface EngineState {
  activeTape: TapeNode[] | null;
  gradientDepth: number;
}

function engineState(): EngineState {
  return (tf.engine() as unknown as { state: EngineState }).state;
}

/** How many gradient computations enclose the caller (0 outside any). */
export function gradientDepth(): number {
  return engineState().gradientDepth;
}

/**
 * Runs f with a fresh tape recording, as engine.gradients does; the tape stays active until
 * dropTape. f must run at least one kernel: an empty tape means the engine records elsewhere (a
 * TF.js whose engine changed), and gradients from it would be silently zero.
 */
export function recordTape<T>(f: () => T): { result: T; tape: TapeNode[] } {
  const state = engineState();
  const tape: TapeNode[] = [];
  state.activeTape = tape;
  state.gradientDepth++;
  try {
    const result = f();
    if (tape.length === 0) {
      state.activeTape = null;
      throw new Error(`the TF.js engine recorded no gradient tape: ${tfjsVersionProblem() ?? 'did f run any op?'}`);
    }
    return { result, tape };
  } finally {
    state.gradientDepth--;
  }
}

/** Stops recording (the caller disposes what the tape's nodes saved). */
export function dropTape(): void {
  engineState().activeTape = null;
}

// ---------------------------------------------------------------------------------------------------
// Shader header names (webgpu_program.ts makeShader, 4.22): what a program's WGSL may refer to

/** The output binding: `result: array<f32>` for float32 programs. */
export const OUTPUT = 'result';
/** The output's shape: an i32 for rank 1, vecN<i32> otherwise. */
export const OUT_SHAPE = 'uniforms.outShape';
/** A NaN constant in the Uniforms struct (read so the layout keeps the uniform binding). */
export const NAN = 'uniforms.NAN';
/** Built-ins the header copies into private globals before calling `main()`. */
export const WORKGROUP_ID = 'workgroupId';
export const NUM_WORKGROUPS = 'numWorkgroups';
export const LOCAL_ID = 'localId';

/** An input's shape uniform: the header lower-cases the first letter of the variable name. */
export function shapeOf(input: string): string {
  return `uniforms.${input.charAt(0).toLowerCase()}${input.slice(1)}Shape`;
}

/** A field declared in the program's own `uniforms` string. */
export function uniform(name: string): string {
  return `uniforms.${name}`;
}
