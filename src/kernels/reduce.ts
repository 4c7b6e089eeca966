// Column sums Σ_r f(r, c) of a row-major [R, W] layout, the reduction behind every "gradient of a
// broadcast vector" here (LayerNorm's γ, layer scale γ, attention biases). 64 columns per
// workgroup, 4 lanes of rows each, folded in workgroup memory: one dispatch.
import { program, type KernelProgram } from './program';

/**
 * Σ over rows r < R of `term`, a WGSL expression in `r` (row), `col` (column, < n) and `at`
 * (= r·W + c0 + col, the element's flat index), for columns c0 … c0+n of rows W wide.
 */
export function columnSum(key: string, inputs: string[], R: number, W: number, c0: number, n: number, term: string): KernelProgram {
  return program({
    key: `caeColSum_${key}_${R}_${W}_${c0}_${n}`,
    inputs,
    outputShape: [n],
    groups: Math.ceil(n / 64),
    threads: 256,
    code: `
      var<workgroup> part: array<f32, 256>;
      fn body() {
        let col = groupIndex() * 64 + lane() % 64;
        var s = 0.0;
        if (col < ${n}) {
          for (var r = lane() / 64; r < ${R}; r += 4) {
            let at = r * ${W} + ${c0} + col;
            s += ${term};
          }
        }
        part[lane()] = s;
        workgroupBarrier();
        if (lane() < 64 && col < ${n}) { result[col] = part[lane()] + part[lane() + 64] + part[lane() + 128] + part[lane() + 192]; }
      }`,
  });
}
