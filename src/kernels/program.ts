// The plumbing every CAE kernel shares: a WGSL program in the shape tfjs-backend-webgpu compiles
// (it adds the bindings, the uniform struct and `_start`), run on the active WebGPU backend.
// Kernels index their buffers themselves, so the dispatch layout here is never "flat": tfjs then
// calls our `main()` without an index, and the workgroup grid is whatever `dispatch` says.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { type KernelProgram, LOCAL_ID, NAN, NUM_WORKGROUPS, OUT_SHAPE, runProgram, type Uniform, WORKGROUP_ID } from './tfjsInternals';

export type { KernelProgram, Uniform };
export { webgpuBackend } from './tfjsInternals';

/** Most workgroups one dimension of a dispatch may hold (WebGPU's default limit). */
const MAX_GROUPS = 65535;

/**
 * A program over `groups` workgroups, laid out as x·y so any count fits; the shader gets the
 * linear workgroup index as `groupIndex()` and must ignore indices ≥ its own count. `code`
 * defines `fn body()`, the kernel's entry.
 */
export function program(p: {
  key: string;
  inputs: string[];
  outputShape: number[];
  groups: number;
  threads: number;
  uniforms?: string;
  code: string;
}): KernelProgram {
  const x = Math.min(p.groups, MAX_GROUPS);
  const y = Math.ceil(p.groups / x);
  return {
    variableNames: p.inputs,
    outputShape: p.outputShape,
    shaderKey: p.key,
    dispatchLayout: { x: [0], y: [1], z: [2] },
    dispatch: [x, y, 1],
    workgroupSize: [p.threads, 1, 1],
    uniforms: p.uniforms,
    // WebGPU's automatic layout drops bindings a shader never reads, and tfjs binds every input
    // and the uniforms: the phony reads in main keep them all in the layout.
    getUserCode: () => `
      fn groupIndex() -> i32 { return i32(${WORKGROUP_ID}.y * ${NUM_WORKGROUPS}.x + ${WORKGROUP_ID}.x); }
      fn lane() -> i32 { return i32(${LOCAL_ID}.x); }
      ${p.code}
      fn main() {
        _ = ${NAN};
        ${p.inputs.map((n) => `_ = ${n}[0];`).join(' ')}
        body();
      }`,
  };
}

/** One thread per element of a flat [n] output; `statement` sets `result[i]` (i < n). */
export function elementwise(key: string, inputs: string[], n: number, statement: string, prelude = ''): KernelProgram {
  const threads = 256;
  return program({
    key,
    inputs,
    outputShape: [n],
    groups: Math.ceil(n / threads),
    threads,
    code: `${prelude}
      fn body() {
        let i = groupIndex() * ${threads} + lane();
        if (i < ${OUT_SHAPE}) { ${statement} }
      }`,
  });
}

/** The same data seen as one flat [n] vector (a view: no copy, no kernel). */
export function flat(t: tf.TensorInfo): tf.TensorInfo {
  return { ...t, shape: [tf.util.sizeFromShape(t.shape)] };
}

export type Backend = WebGPUBackend;

/**
 * Runs a program on the WebGPU backend; the result is a float32 TensorInfo owned by the caller, or
 * `output` written in place (several programs filling parts of one tensor, state updated in place).
 */
export function run(backend: WebGPUBackend, prog: KernelProgram, inputs: tf.TensorInfo[], uniforms: Uniform[] = [], output?: tf.TensorInfo): tf.TensorInfo {
  return runProgram(backend, prog, inputs, uniforms, output);
}
