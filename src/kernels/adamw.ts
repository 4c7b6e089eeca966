// AdamW over all parameters at once. The parameters and gradients are gathered into flat tensors by
// copy commands, one reduction gives the global gradient norm, one dispatch updates every parameter
// with its moments, and copies hand each parameter its new values: ~5 dispatches per step where
// the plain ops take ~20 per parameter. Decayed parameters come first in the flat layout, so one
// index tells the kernel where weight decay stops.
import * as tf from '@tensorflow/tfjs';
import { copyElements, emptyTensor } from './flat';
import { program, run, webgpuBackend } from './program';
import { workgroupSum } from './wgsl';

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
  /** The clipping factor every gradient is multiplied by. */
  readonly scale: number;
}

const T = 256;
const MAX_GROUPS = 1024;

function sumSquaresProgram(n: number) {
  const groups = Math.min(MAX_GROUPS, Math.ceil(n / T));
  return program({
    key: `caeSumSq_${groups}`,
    inputs: ['g'],
    outputShape: [groups],
    groups,
    threads: T,
    code: `${workgroupSum(T)}
      fn body() {
        let n = uniforms.gShape;
        var s = 0.0;
        for (var i = groupIndex() * ${T} + lane(); i < n; i += ${groups * T}) { s += g[i] * g[i]; }
        let total = workgroupSum(s);
        if (lane() == 0) { result[groupIndex()] = total; }
      }`,
  });
}

function updateProgram(n: number) {
  return program({
    key: 'caeAdamW',
    inputs: ['p', 'g', 'state'],
    outputShape: [3 * n],
    groups: Math.ceil(n / T),
    threads: T,
    uniforms: 'decayKeep : f32, stepSize : f32, beta1 : f32, beta2 : f32, eps : f32, bc2Root : f32, scale : f32, decayEnd : i32,',
    // The same operations in the same order as the plain path (torch's AdamW), element by element.
    code: `
      fn body() {
        let n = uniforms.pShape;
        let i = groupIndex() * ${T} + lane();
        if (i >= n) { return; }
        let gi = g[i] * uniforms.scale;
        let m = state[n + i] * uniforms.beta1 + gi * (1.0 - uniforms.beta1);
        let v = state[2 * n + i] * uniforms.beta2 + (gi * gi) * (1.0 - uniforms.beta2);
        var w = p[i];
        if (i < uniforms.decayEnd) { w = w * uniforms.decayKeep; }
        let denom = sqrt(v) / uniforms.bc2Root + uniforms.eps;
        result[i] = w - (m / denom) * uniforms.stepSize;
        result[n + i] = m;
        result[2 * n + i] = v;
      }`,
  });
}

export class FlatAdamW {
  /** Offset of each parameter (in the caller's order) in the flat layout. */
  readonly offsets: number[];
  readonly size: number;
  private readonly decayEnd: number;
  /** [P | M | V], each `size` long; only M and V carry over between steps. */
  private state: tf.Tensor;
  private gathered: { grads: readonly tf.Tensor[]; flat: tf.Tensor } | null = null;

  constructor(private readonly params: readonly FlatParam[]) {
    const order = [...params.keys()].sort((a, b) => Number(params[b]!.decay) - Number(params[a]!.decay));
    this.offsets = new Array<number>(params.length);
    let at = 0;
    for (const i of order) {
      this.offsets[i] = at;
      at += params[i]!.variable.size;
    }
    this.size = at;
    this.decayEnd = params.filter((p) => p.decay).reduce((s, p) => s + p.variable.size, 0);
    this.state = tf.keep(tf.zeros([3 * this.size]));
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
    const partial = run(webgpuBackend(), sumSquaresProgram(this.size), [flat]);
    return tf.tidy(() => tf.engine().makeTensorFromTensorInfo(partial).sum().sqrt()) as tf.Scalar;
  }

  apply(grads: readonly tf.Tensor[], s: AdamWStep): void {
    const backend = webgpuBackend();
    const g = this.gathered?.grads === grads ? this.gathered.flat : this.gather(grads);
    const p = this.gather(this.params.map((x) => x.variable));
    const uniforms = [
      { type: 'float32' as const, data: [1 - s.lr * s.weightDecay] },
      { type: 'float32' as const, data: [s.lr / (1 - s.beta1 ** s.t)] },
      { type: 'float32' as const, data: [s.beta1] },
      { type: 'float32' as const, data: [s.beta2] },
      { type: 'float32' as const, data: [s.eps] },
      { type: 'float32' as const, data: [Math.sqrt(1 - s.beta2 ** s.t)] },
      { type: 'float32' as const, data: [s.scale] },
      { type: 'int32' as const, data: [s.weightDecay > 0 ? this.decayEnd : 0] },
    ];
    const next = tf.engine().makeTensorFromTensorInfo(run(backend, updateProgram(this.size), [p, g, this.state], uniforms));
    this.params.forEach(({ variable }, i) => {
      const fresh = emptyTensor(backend, variable.shape);
      copyElements(backend, next, this.offsets[i]!, fresh, 0, variable.size);
      variable.assign(fresh);
      fresh.dispose();
    });
    tf.dispose([p, g, this.state]);
    this.gathered = null;
    this.state = tf.keep(next);
  }

  /** The moments of parameter i. */
  async moments(): Promise<{ m: Float32Array; v: Float32Array }[]> {
    const all = (await this.state.data()) as Float32Array;
    return this.params.map((x, i) => {
      const at = this.offsets[i]!;
      return { m: all.slice(this.size + at, this.size + at + x.variable.size), v: all.slice(2 * this.size + at, 2 * this.size + at + x.variable.size) };
    });
  }

  load(moments: readonly { m: Float32Array; v: Float32Array }[]): void {
    const all = new Float32Array(3 * this.size);
    moments.forEach((x, i) => {
      all.set(x.m, this.size + this.offsets[i]!);
      all.set(x.v, 2 * this.size + this.offsets[i]!);
    });
    this.state.dispose();
    this.state = tf.keep(tf.tensor1d(all));
  }

  private release(): void {
    this.gathered?.flat.dispose();
    this.gathered = null;
  }

  dispose(): void {
    this.release();
    this.state.dispose();
  }
}
