// Fused LayerNorm over the last axis, as nn.LayerNorm computes it (biased variance, eps inside the
// square root). Forward: one workgroup per row, one dispatch. Backward: dx per row (its statistics
// recomputed in the same workgroup), partial dγ and dβ per chunk of rows, and one fold for each:
// four dispatches where the plain ops take ~25.
import * as tf from '@tensorflow/tfjs';
import { type Backend, type KernelProgram, program, run } from './program';
import { foldChunks } from './reduce';
import { f32, workgroupSum } from './wgsl';
import { OUT_SHAPE, OUTPUT, shapeOf } from './tfjsInternals';

const T = 64;

/** Per row: the mean and 1/sqrt(var + eps) of x [R, D], two passes as torch does. */
const rowStats = (eps: number) => `
  ${workgroupSum(T)}
  fn stats(base: i32, D: i32) -> vec2<f32> {
    var s = 0.0;
    for (var c = lane(); c < D; c += ${T}) { s += x[base + c]; }
    let mean = workgroupSum(s) / f32(D);
    var q = 0.0;
    for (var c = lane(); c < D; c += ${T}) { let d = x[base + c] - mean; q += d * d; }
    return vec2<f32>(mean, inverseSqrt(workgroupSum(q) / f32(D) + ${f32(eps)}));
  }`;

function forwardProgram(R: number, D: number, eps: number): KernelProgram {
  return program({
    key: `caeLnFwd_${eps}`,
    inputs: ['x', 'gamma', 'beta'],
    outputShape: [R, D],
    groups: R,
    threads: T,
    code: `${rowStats(eps)}
      fn body() {
        let row = groupIndex();
        let R = ${shapeOf('x')}.x; let D = ${shapeOf('x')}.y;
        let base = min(row, R - 1) * D;
        let st = stats(base, D);
        if (row < R) {
          for (var c = lane(); c < D; c += ${T}) { ${OUTPUT}[base + c] = (x[base + c] - st.x) * st.y * gamma[c] + beta[c]; }
        }
      }`,
  });
}

/**
 * Partial sums of dγ = Σ dy·x̂ and dβ = Σ dy over chunks of rows: [chunks, 2D], dγ's columns first.
 * One workgroup per chunk covers whole rows, so it has each row's statistics at hand; every lane
 * keeps the running sums of its own columns. The rows and chunks come from the shape uniforms, so
 * only D (the lanes' register arrays) is compiled in.
 */
function paramPartialsProgram(D: number, eps: number, chunks: number): KernelProgram {
  const C = Math.ceil(D / T);
  return program({
    key: `caeLnParams_${eps}_${D}`,
    inputs: ['x', 'dy'],
    outputShape: [chunks, 2 * D],
    groups: chunks,
    threads: T,
    code: `${rowStats(eps)}
      fn body() {
        let chunk = groupIndex();
        let R = ${shapeOf('x')}.x;
        let rowsPer = (R + ${OUT_SHAPE}.x - 1) / ${OUT_SHAPE}.x;
        var g: array<f32, ${C}>;
        var b: array<f32, ${C}>;
        // A trip count uniform across the workgroup: the barriers in stats() need uniform control
        // flow (the last chunk's rows past R repeat row R-1 and add nothing).
        for (var i = 0; i < rowsPer; i++) {
          let r = chunk * rowsPer + i;
          let base = min(r, R - 1) * ${D};
          let st = stats(base, ${D});
          for (var j = 0; j < ${C}; j++) {
            let c = lane() + j * ${T};
            if (r < R && c < ${D}) { let d = dy[base + c]; g[j] += d * (x[base + c] - st.x) * st.y; b[j] += d; }
          }
        }
        for (var j = 0; j < ${C}; j++) {
          let c = lane() + j * ${T};
          if (c < ${D}) { ${OUTPUT}[chunk * ${2 * D} + c] = g[j]; ${OUTPUT}[chunk * ${2 * D} + ${D} + c] = b[j]; }
        }
      }`,
  });
}

/** dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·γ, one workgroup per row. */
function dxProgram(R: number, D: number, eps: number): KernelProgram {
  return program({
    key: `caeLnDx_${eps}`,
    inputs: ['x', 'dy', 'gamma'],
    outputShape: [R, D],
    groups: R,
    threads: T,
    code: `${rowStats(eps)}
      fn body() {
        let row = min(groupIndex(), ${shapeOf('x')}.x - 1);
        let D = ${shapeOf('x')}.y;
        let base = row * D;
        let st = stats(base, D);
        let mean = st.x; let rstd = st.y;
        var sg = 0.0; var sgx = 0.0;
        for (var c = lane(); c < D; c += ${T}) {
          let g = dy[base + c] * gamma[c];
          sg += g; sgx += g * (x[base + c] - mean) * rstd;
        }
        let mg = workgroupSum(sg) / f32(D);
        let mgx = workgroupSum(sgx) / f32(D);
        if (groupIndex() < ${shapeOf('x')}.x) {
          for (var c = lane(); c < D; c += ${T}) {
            let xh = (x[base + c] - mean) * rstd;
            ${OUTPUT}[base + c] = rstd * (dy[base + c] * gamma[c] - mg - xh * mgx);
          }
        }
      }`,
  });
}

export function layerNormForward(backend: Backend, x: tf.TensorInfo, gamma: tf.TensorInfo, beta: tf.TensorInfo, eps: number): tf.TensorInfo {
  const D = x.shape[x.shape.length - 1]!;
  const R = tf.util.sizeFromShape(x.shape) / D;
  const x2 = { ...x, shape: [R, D] };
  const out = run(backend, forwardProgram(R, D, eps), [x2, gamma, beta]);
  return { ...out, shape: x.shape };
}

/** [dx, dγ, dβ] for x of any rank (the rows are all axes but the last). */
export function layerNormBackward(backend: Backend, x: tf.TensorInfo, dy: tf.TensorInfo, gamma: tf.TensorInfo, eps: number): tf.TensorInfo[] {
  const D = x.shape[x.shape.length - 1]!;
  const R = tf.util.sizeFromShape(x.shape) / D;
  const x2 = { ...x, shape: [R, D] };
  const dy2 = { ...dy, shape: [R, D] };
  const dx = run(backend, dxProgram(R, D, eps), [x2, dy2, gamma]);
  // Chunks of ~8 rows keep a large GPU busy; the fold then adds at most 256 partials per column.
  const chunks = Math.min(256, Math.ceil(R / 8));
  const parts = run(backend, paramPartialsProgram(D, eps, chunks), [x2, dy2]);
  const dg = foldChunks(backend, parts, 2 * D, 0, D);
  const db = foldChunks(backend, parts, 2 * D, D, D);
  backend.disposeData(parts.dataId);
  return [{ ...dx, shape: x.shape }, dg, db];
}
