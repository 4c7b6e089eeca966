// AdamW over all parameters at once. The parameters and gradients are gathered into flat tensors by
// copy commands, one reduction gives the global gradient norm, one dispatch updates every parameter
// with its moments, and copies hand each parameter its new values: ~5 dispatches per step where
// the plain ops take ~20 per parameter. Decayed parameters come first in the flat layout, so one
// index tells the kernel where weight decay stops. Each parameter starts on a 256-byte boundary
// (WebGPU's minStorageBufferOffsetAlignment), so the replayed step can bind a parameter, or write a
// gradient, at its range of the flat buffers and skip the copies; the norm skips the padding and
// sums in the unpadded order, so the padding changes no number. The clip factor can be computed on
// the GPU too (`clip`), from the step's losses and gradient norm, into a small status tensor the
// update reads: then a step needs no read-back before its update, and a non-finite loss or norm
// makes the update (and every later one, until the host resets the status) leave weights and
// moments untouched.
import * as tf from '@tensorflow/tfjs';
import { copyElements, emptyTensor, submit } from './flat';
import { program, run, webgpuBackend } from './program';
import { workgroupSum } from './wgsl';
import { OUTPUT, type Uniform, gpuDevice, gpuQueue, hasPendingCommands, shapeOf, submitNow, tensorBuffer, uniform } from './tfjsInternals';

export interface FlatParam {
  readonly variable: tf.Variable;
  readonly decay: boolean;
}

export interface AdamWStep {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Updates taken including this one (bias correction). */
  readonly t: number;
}

/**
 * The status words `clip` writes and the update reads: the clip factor, the skip flag (non-zero
 * once a step's loss or gradient norm was not finite), then the step's [total, reconstruction,
 * alignment, gradNorm] as the step computed them.
 */
export const STATUS = { scale: 0, skip: 1, stats: 2, words: 8 } as const;

/** The clip factor's program's shader key. */
export const CLIP_KEY = 'caeClipScale';

const T = 256;
const MAX_GROUPS = 1024;
/** Elements per 256 bytes: where each parameter's range in the flat layout may start. */
export const FLAT_ALIGN = 64;

/**
 * Sum of squares of the `dense` gradient elements, in the order and grouping of the unpadded
 * layout: thread t sums unpadded elements t, t + stride, …, found in the padded g through `spans`
 * ([end, shift] per parameter in flat order: its unpadded end, and how far padding moved it).
 */
function sumSquaresProgram(dense: number, params: number) {
  const groups = Math.min(MAX_GROUPS, Math.ceil(dense / T));
  return program({
    key: `caeSumSq_${groups}_${dense}_${params}`,
    inputs: ['g', 'spans'],
    outputShape: [groups],
    groups,
    threads: T,
    code: `${workgroupSum(T)}
      fn body() {
        var s = 0.0;
        var k = 0;
        for (var i = groupIndex() * ${T} + lane(); i < ${dense}; i += ${groups * T}) {
          while (i >= spans[2 * k]) { k++; }
          let x = g[i + spans[2 * k + 1]];
          s += x * x;
        }
        let total = workgroupSum(s);
        if (lane() == 0) { ${OUTPUT}[groupIndex()] = total; }
      }`,
  });
}

/**
 * torch's clip_grad_norm_ factor min(1, maxNorm / (‖g‖ + 1e-6)) in f32, from stats [total,
 * reconstruction, alignment, ‖g‖], into the status (updated in place: the skip flag is sticky).
 * Finiteness is tested on the bits, which no compiler's fast math can fold away.
 */
function clipProgram() {
  return program({
    key: CLIP_KEY,
    inputs: ['stats'],
    outputShape: [STATUS.words],
    groups: 1,
    threads: 1,
    uniforms: 'maxNorm : f32,',
    code: `
      fn caeFinite(x : f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
      fn body() {
        let norm = stats[3];
        var skip = ${OUTPUT}[${STATUS.skip}];
        if (!caeFinite(stats[0]) || !caeFinite(norm)) { skip = 1.0; }
        var scale = 1.0;
        if (${uniform('maxNorm')} > 0.0) { scale = min(1.0, ${uniform('maxNorm')} / (norm + 1e-6)); }
        ${OUTPUT}[${STATUS.scale}] = scale;
        ${OUTPUT}[${STATUS.skip}] = skip;
        for (var k = 0; k < 4; k++) { ${OUTPUT}[${STATUS.stats} + k] = stats[k]; }
      }`,
  });
}

/**
 * Updates the state [P | M | V] in place (it is the program's output, read and written): P holds
 * the parameters (gathered there, or kept there by the replayed step) and gets the new ones; M and V
 * carry over. Padding elements stay zero when they start zero (g, m, v and w all 0). The clip
 * factor and the skip flag come from `clip` (the status, or the host's factor): a skipped step
 * leaves P, M and V as they were.
 */
function updateProgram(n: number) {
  return program({
    key: ADAMW_KEY,
    // g stays the first input (binding 1): the replay finds the flat gradient buffer there.
    inputs: ['g', 'clip'],
    outputShape: [3 * n],
    groups: Math.ceil(n / T),
    threads: T,
    uniforms: 'decayKeep : f32, stepSize : f32, beta1 : f32, oneMinusBeta1 : f32, beta2 : f32, oneMinusBeta2 : f32, eps : f32, bc2Root : f32, decayEnd : i32,',
    // The same operations in the same order as the plain path (torch's AdamW), element by element.
    code: `
      fn body() {
        let n = ${shapeOf('g')};
        let i = groupIndex() * ${T} + lane();
        if (i >= n) { return; }
        if (clip[${STATUS.skip}] != 0.0) { return; }
        let gi = g[i] * clip[${STATUS.scale}];
        let m = ${OUTPUT}[n + i] * ${uniform('beta1')} + gi * ${uniform('oneMinusBeta1')};
        let v = ${OUTPUT}[2 * n + i] * ${uniform('beta2')} + (gi * gi) * ${uniform('oneMinusBeta2')};
        var w = ${OUTPUT}[i];
        if (i < ${uniform('decayEnd')}) { w = w * ${uniform('decayKeep')}; }
        let denom = sqrt(v) / ${uniform('bc2Root')} + ${uniform('eps')};
        ${OUTPUT}[i] = w - (m / denom) * ${uniform('stepSize')};
        ${OUTPUT}[n + i] = m;
        ${OUTPUT}[2 * n + i] = v;
      }`,
  });
}

/** The update program's own uniforms for one step (the replayed step writes the same words). */
export function adamWUniforms(s: AdamWStep, decayEnd: number): Uniform[] {
  const f32 = (x: number): Uniform => ({ type: 'float32', data: [x] });
  return [
    f32(1 - s.lr * s.weightDecay),
    f32(s.lr / (1 - s.beta1 ** s.t)),
    f32(s.beta1),
    f32(1 - s.beta1),
    f32(s.beta2),
    f32(1 - s.beta2),
    f32(s.eps),
    f32(Math.sqrt(1 - s.beta2 ** s.t)),
    { type: 'int32', data: [s.weightDecay > 0 ? decayEnd : 0] },
  ];
}

/** The update program's own uniforms as the bytes TF.js lays them out (f32 … f32, i32): what the replayed step writes. */
export function adamWWords(s: AdamWStep, decayEnd: number): Uint8Array {
  const uniforms = adamWUniforms(s, decayEnd);
  const words = new ArrayBuffer(4 * uniforms.length);
  uniforms.forEach((u, i) => (u.type === 'int32' ? new Int32Array(words, i * 4, 1) : new Float32Array(words, i * 4, 1)).set(u.data));
  return new Uint8Array(words);
}

/** The update program's shader key (the replay finds its dispatch by it). */
export const ADAMW_KEY = 'caeAdamW';

export class FlatAdamW {
  /** Offset of each parameter (in the caller's order) in the flat layout, a multiple of FLAT_ALIGN. */
  readonly offsets: number[];
  /** Elements of the flat layout, padding included (a multiple of FLAT_ALIGN). */
  readonly size: number;
  /** Elements of the flat layout that weight decay applies to (they come first). */
  readonly decayEnd: number;
  /** [P | M | V], each `size` long, updated in place; P holds the parameters after each update. */
  readonly state: tf.Tensor;
  /** [end, shift] per parameter in flat order, for the norm's unpadded order (int32). */
  private readonly spans: tf.Tensor;
  private readonly dense: number;
  /** The STATUS words `clip` writes and the update reads, updated in place. */
  private readonly status: tf.Tensor;
  private gathered: { grads: readonly tf.Tensor[]; flat: tf.Tensor } | null = null;

  constructor(private readonly params: readonly FlatParam[]) {
    const order = [...params.keys()].sort((a, b) => Number(params[b]!.decay) - Number(params[a]!.decay));
    this.offsets = new Array<number>(params.length);
    const align = (n: number) => Math.ceil(n / FLAT_ALIGN) * FLAT_ALIGN;
    const spans: number[] = [];
    let at = 0;
    let dense = 0;
    let decayEnd = 0;
    for (const i of order) {
      this.offsets[i] = at;
      spans.push(dense + params[i]!.variable.size, at - dense);
      at = align(at + params[i]!.variable.size);
      dense += params[i]!.variable.size;
      if (params[i]!.decay) decayEnd = at;
    }
    this.size = at;
    this.dense = dense;
    this.decayEnd = decayEnd;
    this.spans = tf.keep(tf.tensor1d(spans, 'int32'));
    // Filled on the GPU: no 3n-float array in JavaScript.
    this.state = tf.keep(tf.fill([3 * this.size], 0));
    this.status = tf.keep(tf.fill([STATUS.words], 0));
  }

  /** The status tensor (the replay names its buffer). */
  get statusTensor(): tf.Tensor {
    return this.status;
  }

  /** Whether the flat state fits one binding of this device (else the plain optimizer is used). */
  static fits(params: readonly FlatParam[]): boolean {
    const bytes = 12 * params.reduce((s, p) => s + Math.ceil(p.variable.size / FLAT_ALIGN) * FLAT_ALIGN, 0);
    const limits = gpuDevice().limits;
    return bytes <= limits.maxStorageBufferBindingSize && bytes <= limits.maxBufferSize;
  }

  private gather(tensors: readonly tf.Tensor[]): tf.Tensor {
    const backend = webgpuBackend();
    const flat = emptyTensor(backend, [this.size]);
    tensors.forEach((t, i) => copyElements(backend, t, 0, flat, this.offsets[i]!, t.size));
    return flat;
  }

  /** ‖g‖₂ over all gradients; the gathered gradients are kept for the `apply` that follows. */
  gradNorm(grads: readonly tf.Tensor[]): tf.Scalar {
    this.release();
    const flat = tf.keep(this.gather(grads));
    this.gathered = { grads, flat };
    const partial = run(webgpuBackend(), sumSquaresProgram(this.dense, this.params.length), [flat, this.spans]);
    return tf.tidy(() => tf.engine().makeTensorFromTensorInfo(partial).sum().sqrt()) as tf.Scalar;
  }

  /**
   * Computes the clip factor for `maxNorm` from stats [total, reconstruction, alignment, ‖g‖] on
   * the GPU, and sets the skip flag if the loss or the norm is not finite; `apply` with no scale reads both.
   */
  clip(stats: tf.Tensor, maxNorm: number): void {
    run(webgpuBackend(), clipProgram(), [stats], [{ type: 'float32', data: [maxNorm] }], this.status);
  }

  /**
   * Clears the skip flag (the host has seen the non-finite step and the run goes on from before it),
   * in place: the status keeps its buffer, which a replay may have named. After every recorded command.
   */
  resetStatus(): void {
    const backend = webgpuBackend();
    const buffer = tensorBuffer(backend, this.status);
    if (hasPendingCommands(backend)) submitNow(backend);
    gpuQueue(backend).writeBuffer(buffer, 0, new Float32Array(STATUS.words));
  }

  /**
   * One update. `scale`: the clip factor from the host; without it, the factor and the skip flag
   * that `clip` left on the GPU.
   */
  apply(grads: readonly tf.Tensor[], s: AdamWStep, scale?: number): void {
    const backend = webgpuBackend();
    const reuse = this.gathered?.grads === grads;
    const g = reuse ? this.gathered!.flat : this.gather(grads);
    if (!reuse) this.release();
    // The parameters go into P, which the update reads and overwrites.
    this.params.forEach(({ variable }, i) => copyElements(backend, variable, 0, this.state, this.offsets[i]!, variable.size));
    const clip = scale === undefined ? this.status : tf.tensor1d([scale, 0]);
    run(backend, updateProgram(this.size), [g, clip], adamWUniforms(s, this.decayEnd), this.state);
    if (clip !== this.status) clip.dispose();
    this.params.forEach(({ variable }, i) => {
      const fresh = emptyTensor(backend, variable.shape);
      copyElements(backend, this.state, this.offsets[i]!, fresh, 0, variable.size);
      variable.assign(fresh);
      fresh.dispose();
    });
    g.dispose();
    this.gathered = null;
    // Submitting now returns the step's flat copies and the old parameters to the buffer pool.
    submit(backend);
  }

  /** The moments of every parameter, read through a copy (the state is written in place). */
  async moments(): Promise<{ m: Float32Array; v: Float32Array }[]> {
    const backend = webgpuBackend();
    const mv = emptyTensor(backend, [2 * this.size]);
    copyElements(backend, this.state, this.size, mv, 0, 2 * this.size);
    const all = (await mv.data()) as Float32Array;
    mv.dispose();
    return this.params.map((x, i) => {
      const at = this.offsets[i]!;
      return { m: all.slice(at, at + x.variable.size), v: all.slice(this.size + at, this.size + at + x.variable.size) };
    });
  }

  load(moments: readonly { m: Float32Array; v: Float32Array }[]): void {
    const backend = webgpuBackend();
    moments.forEach((x, i) => {
      tf.tidy(() => {
        copyElements(backend, tf.tensor1d(x.m), 0, this.state, this.size + this.offsets[i]!, x.m.length);
        copyElements(backend, tf.tensor1d(x.v), 0, this.state, 2 * this.size + this.offsets[i]!, x.v.length);
      });
    });
  }

  private release(): void {
    this.gathered?.flat.dispose();
    this.gathered = null;
  }

  dispose(): void {
    this.release();
    this.state.dispose();
    this.spans.dispose();
    this.status.dispose();
  }
}
