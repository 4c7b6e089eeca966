// Column sums Σ_r f(r, c) of a row-major [R, W] layout, the reduction behind every "gradient of a
// broadcast vector" here (linear biases, layer scale γ, attention biases). Two dispatches: blocks
// of 64 columns × up to 64 row chunks write partial sums, then one thread per column adds its
// chunks. (One workgroup per column block alone left most of the GPU idle: ~0.3 ms a call.)
import * as tf from '@tensorflow/tfjs';
import { type Backend, program, run } from './program';
import { OUT_SHAPE, OUTPUT, shapeOf, uniform } from './tfjsInternals';

const MAX_CHUNKS = 64;

/**
 * Σ over rows r < R of `term`, a WGSL expression in `r` (row), `col` (column, < n) and `at`
 * (= r·W + c0 + col, the element's flat index), for columns c0 … c0+n of rows W wide; `names` are
 * the WGSL names of `inputs`, and `key` with the term names the shader. R reaches the shader as
 * `uniforms.rows` (the term may use it too), so a new batch size compiles nothing new.
 */
export interface ColumnTerm {
  readonly key: string;
  readonly names: string[];
  readonly inputs: tf.TensorInfo[];
  readonly R: number;
  readonly W: number;
  readonly c0: number;
  readonly n: number;
  readonly term: string;
}

/** [n]: the column sums of a term. */
export function columnSum(backend: Backend, t: ColumnTerm): tf.TensorInfo {
  const parts = columnPartials(backend, t);
  const out = foldChunks(backend, parts, t.n, 0, t.n);
  backend.disposeData(parts.dataId);
  return out;
}

/** The first pass of columnSum alone: partial sums [chunks, n], for callers that fold parts of them. */
export function columnPartials(backend: Backend, { key, names, inputs, R, W, c0, n, term }: ColumnTerm): tf.TensorInfo {
  const chunks = Math.min(MAX_CHUNKS, Math.ceil(R / 64));
  const blocks = Math.ceil(n / 64);
  const partial = program({
    // The term is part of the source, so it is part of the key (it may hold more constants).
    key: `caeColSum_${key}_${W}_${c0}_${n}_${term}`,
    inputs: names,
    outputShape: [chunks, n],
    groups: blocks * chunks,
    threads: 256,
    uniforms: 'rows : i32,',
    code: `
      var<workgroup> part: array<f32, 256>;
      fn body() {
        let chunk = groupIndex() / ${blocks};
        let col = (groupIndex() % ${blocks}) * 64 + lane() % 64;
        let rowsPer = (${uniform('rows')} + ${OUT_SHAPE}.x - 1) / ${OUT_SHAPE}.x;
        let end = min(${uniform('rows')}, (chunk + 1) * rowsPer);
        var s = 0.0;
        if (col < ${n}) {
          for (var r = chunk * rowsPer + lane() / 64; r < end; r += 4) {
            let at = r * ${W} + ${c0} + col;
            s += ${term};
          }
        }
        part[lane()] = s;
        workgroupBarrier();
        if (lane() < 64 && col < ${n}) {
          ${OUTPUT}[chunk * ${n} + col] = part[lane()] + part[lane() + 64] + part[lane() + 128] + part[lane() + 192];
        }
      }`,
  });
  return run(backend, partial, inputs, [{ type: 'int32', data: [R] }]);
}

/** [n]: Σ over the rows of partial sums [chunks, W] of columns c0 … c0+n (chunks from the shape uniforms). */
export function foldChunks(backend: Backend, parts: tf.TensorInfo, W: number, c0: number, n: number): tf.TensorInfo {
  const fold = program({
    key: `caeColFold_${W}_${c0}_${n}`,
    inputs: ['p'],
    outputShape: [n],
    groups: Math.ceil(n / 64),
    threads: 64,
    code: `
      fn body() {
        let col = groupIndex() * 64 + lane();
        if (col < ${n}) {
          var s = 0.0;
          for (var c = 0; c < ${shapeOf('p')}.x; c++) { s += p[c * ${W} + ${c0} + col]; }
          ${OUTPUT}[col] = s;
        }
      }`,
  });
  return run(backend, fold, [parts]);
}
