// Fused LayerNorm over the last axis, as nn.LayerNorm computes it (biased variance, eps inside the
// square root). Forward: one workgroup per row, one dispatch. Backward: row statistics, then dx per
// row, dγ as a column sum (two passes), dβ as a plain sum: five dispatches where the plain ops take ~25.
import * as tf from '@tensorflow/tfjs';
import { type Backend, type KernelProgram, program, run } from './program';
import { columnSum } from './reduce';
import { workgroupSum, f32 } from './wgsl';

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
        let R = uniforms.xShape.x; let D = uniforms.xShape.y;
        let base = min(row, R - 1) * D;
        let st = stats(base, D);
        if (row < R) {
          for (var c = lane(); c < D; c += ${T}) { result[base + c] = (x[base + c] - st.x) * st.y * gamma[c] + beta[c]; }
        }
      }`,
  });
}

/** [R, 2]: mean and rstd of every row. */
function statsProgram(R: number, D: number, eps: number): KernelProgram {
  return program({
    key: `caeLnStats_${eps}`,
    inputs: ['x'],
    outputShape: [R, 2],
    groups: R,
    threads: T,
    code: `${rowStats(eps)}
      fn body() {
        let row = groupIndex();
        let R = uniforms.xShape.x; let D = uniforms.xShape.y;
        let st = stats(min(row, R - 1) * D, D);
        if (row < R && lane() == 0) { result[row * 2] = st.x; result[row * 2 + 1] = st.y; }
      }`,
  });
}

/** dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·γ, one workgroup per row. */
function dxProgram(R: number, D: number): KernelProgram {
  return program({
    key: 'caeLnDx',
    inputs: ['x', 'dy', 'gamma', 'st'],
    outputShape: [R, D],
    groups: R,
    threads: T,
    code: `${workgroupSum(T)}
      fn body() {
        let row = min(groupIndex(), uniforms.xShape.x - 1);
        let D = uniforms.xShape.y;
        let base = row * D;
        let mean = st[row * 2]; let rstd = st[row * 2 + 1];
        var sg = 0.0; var sgx = 0.0;
        for (var c = lane(); c < D; c += ${T}) {
          let g = dy[base + c] * gamma[c];
          sg += g; sgx += g * (x[base + c] - mean) * rstd;
        }
        let mg = workgroupSum(sg) / f32(D);
        let mgx = workgroupSum(sgx) / f32(D);
        if (groupIndex() < uniforms.xShape.x) {
          for (var c = lane(); c < D; c += ${T}) {
            let xh = (x[base + c] - mean) * rstd;
            result[base + c] = rstd * (dy[base + c] * gamma[c] - mg - xh * mgx);
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

/** [dx, dγ] for x of any rank (the rows are all axes but the last); dβ is a plain sum. */
export function layerNormBackward(
  backend: Backend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  gamma: tf.TensorInfo,
  eps: number,
): [tf.TensorInfo, tf.TensorInfo] {
  const D = x.shape[x.shape.length - 1]!;
  const R = tf.util.sizeFromShape(x.shape) / D;
  const x2 = { ...x, shape: [R, D] };
  const dy2 = { ...dy, shape: [R, D] };
  const st = run(backend, statsProgram(R, D, eps), [x2]);
  const dx = run(backend, dxProgram(R, D), [x2, dy2, gamma, st]);
  // dγ = Σ_rows dy·x̂
  const dg = columnSum(backend, 'lnDGamma', ['x', 'dy', 'st'], [x2, dy2, st], R, D, 0, D, 'dy[at] * (x[at] - st[r * 2]) * st[r * 2 + 1]');
  backend.disposeData(st.dataId);
  return [{ ...dx, shape: x.shape }, dg];
}
