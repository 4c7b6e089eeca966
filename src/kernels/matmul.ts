// A tiled fp32 GEMM, C[M, N] = op(A)·op(B) (+ bias[N]) with an optional GELU epilogue, op an
// optional transpose of either operand, for the linear layers forward (X·Wᵀ, W stored [N, K]) and
// backward (dY·W, and dYᵀ·X for dW). The classic shared-memory SGEMM design:
// - each workgroup owns a T×T output tile (T = 128, or 64 when that leaves the GPU too few
//   workgroups: see tileFor); its 256 threads form a 16×16 grid and each accumulates an R×R
//   register block (R = T/16: 8×8 or 4×4) as vec4 rows, in registers throughout;
// - K advances in slices of BK (8 at T = 128, 16 at T = 64: always 4 loads of A and 4 of B per
//   thread), staged k-major in workgroup memory, double-buffered (16 KiB, the WebGPU default
//   limit) so one barrier per slice suffices, with the next slice's global loads issued before
//   the current slice's arithmetic;
// - global loads follow the operand's layout (a warp reads whole runs of contiguous memory
//   whichever operand is transposed), and the stores into workgroup memory are XOR-swizzled so the
//   k-major writes of a k-contiguous operand do not all hit one bank;
// - every load and store is bounds-checked: M, N, K need not be multiples of anything.
// M, N and K come from the tensors' shape uniforms, so a new batch size reuses the pipeline; the
// shader key holds what is compiled in: tile, transposes, bias, epilogue.
import * as tf from '@tensorflow/tfjs';
import { GELU_WGSL } from './gelu';
import { type Backend, program, run, webgpuBackend } from './program';
import { OUT_SHAPE, OUTPUT, shapeOf } from './tfjsInternals';

/** What happens to C (+ bias) before it is stored: nothing, GELU, or dY·GELU′(C) (GELU's backward, recomputing its input). */
export type Epilogue = 'none' | 'gelu' | 'geluGrad';

export type Tile = 128 | 64;

export interface MatmulOptions {
  /** A is stored [K, M] (else [M, K]). */
  readonly transA?: boolean;
  /** B is stored [N, K] (else [K, N]). */
  readonly transB?: boolean;
  /** [N], added to every row. */
  readonly bias?: tf.TensorInfo | null;
  readonly epilogue?: Epilogue;
  /** [M, N], the upstream gradient of the 'geluGrad' epilogue. */
  readonly dy?: tf.TensorInfo;
  /** Forces the tile size (tests, benchmarks); by default `tileFor(M, N)`. */
  readonly tile?: Tile;
}

const THREADS = 256;

/**
 * Below this many 128×128 tiles the smaller tile is used. A big GPU (an H100 has 132 SMs) runs one
 * or two 256-thread workgroups of this kernel per SM at once, so fewer large tiles than ~1 per SM
 * leave SMs idle for the whole call, while 64×64 tiles quadruple the workgroups (at some cost in
 * reuse: each loaded element feeds 4 FMAs per thread instead of 8).
 */
export const MIN_LARGE_TILE_GROUPS = 128;

/** The tile for an M×N output: 128×128 when that gives at least MIN_LARGE_TILE_GROUPS workgroups. */
export function tileFor(M: number, N: number): Tile {
  return Math.ceil(M / 128) * Math.ceil(N / 128) >= MIN_LARGE_TILE_GROUPS ? 128 : 64;
}

/** The WGSL of one operand's slice loader: `loadX(r0, k0, K)` into registers and `storeX(buf, v)` into workgroup memory. */
function operand(X: 'A' | 'B', input: string, rows: string, kContiguous: boolean, T: number, BK: number): string {
  // k-contiguous (stored [rows, K]): BK adjacent threads read BK adjacent k of one row, and each
  // thread takes 4 consecutive rows at its k, stored together as one vec4.
  if (kContiguous)
    return `
      fn load${X}(r0: i32, k0: i32, K: i32) -> vec4<f32> {
        let k = k0 + lane() % ${BK}; let r = r0 + 4 * (lane() / ${BK});
        var v = vec4<f32>();
        if (k < K) {
          ${[0, 1, 2, 3].map((c) => `if (r + ${c} < ${rows}) { v[${c}] = ${input}[(r + ${c}) * K + k]; }`).join('\n          ')}
        }
        return v;
      }
      fn store${X}(buf: i32, v: vec4<f32>) { ${X}s[mmSlot(buf, lane() % ${BK}, lane() / ${BK})] = v; }`;
  // row-contiguous (stored [K, rows]): a thread reads 4 consecutive rows of one k-row, the warp
  // the k-row's T elements in order (the 4 reads of a thread hit the same cache lines), and stores
  // one vec4. Each vec4 slot has one writer: a component store (v[c] = …) into workgroup memory
  // can become a read-modify-write of the whole vector (Tint's HLSL output does that), a race.
  return `
    fn load${X}(r0: i32, k0: i32, K: i32) -> vec4<f32> {
      let k = k0 + lane() / ${T / 4}; let r = r0 + 4 * (lane() % ${T / 4});
      var v = vec4<f32>();
      if (k < K) {
        ${[0, 1, 2, 3].map((c) => `if (r + ${c} < ${rows}) { v[${c}] = ${input}[k * ${rows} + r + ${c}]; }`).join('\n        ')}
      }
      return v;
    }
    fn store${X}(buf: i32, v: vec4<f32>) { ${X}s[mmSlot(buf, lane() / ${T / 4}, lane() % ${T / 4})] = v; }`;
}

/** The unrolled arithmetic of one K-slice: acc[g][i][h] += A[row g·64 + 4·ty + i]·B[cols (h·16 + tx)·4 …]. */
function slice(BK: number, G: number): string {
  const lines: string[] = [];
  for (let k = 0; k < BK; k++) {
    const reads = [];
    for (let g = 0; g < G; g++) reads.push(`let a${g} = As[mmSlot(buf, ${k}, ty + ${16 * g})];`);
    for (let h = 0; h < G; h++) reads.push(`let b${h} = Bs[mmSlot(buf, ${k}, tx + ${16 * h})];`);
    const fmas = [];
    for (let g = 0; g < G; g++)
      for (let i = 0; i < 4; i++) for (let h = 0; h < G; h++) fmas.push(`c${g}${i}${h} = fma(vec4<f32>(a${g}[${i}]), b${h}, c${g}${i}${h});`);
    lines.push(`{ ${reads.join(' ')}\n          ${fmas.join('\n          ')} }`);
  }
  return lines.join('\n        ');
}

function accumulators(G: number): string[] {
  const names: string[] = [];
  for (let g = 0; g < G; g++) for (let i = 0; i < 4; i++) for (let h = 0; h < G; h++) names.push(`c${g}${i}${h}`);
  return names;
}

/** result[row, col … col+3] from four accumulated values, through bias and epilogue, where in bounds. */
function put(bias: boolean, epilogue: Epilogue): string {
  const value = { none: 'pre', gelu: 'geluOf(pre)', geluGrad: 'dy[at] * geluSlope(pre)' }[epilogue];
  return `
    fn mmPut(row: i32, col: i32, v: vec4<f32>, M: i32, N: i32) {
      if (row >= M) { return; }
      for (var d = 0; d < 4; d++) {
        let c = col + d;
        if (c < N) {
          let at = row * N + c;
          let pre = v[d]${bias ? ' + bias[c]' : ''};
          ${OUTPUT}[at] = ${value};
        }
      }
    }`;
}

function matmulProgram(M: number, N: number, T: Tile, transA: boolean, transB: boolean, bias: boolean, epilogue: Epilogue) {
  const R = T / 16;
  const G = R / 4;
  // T·BK = 1024: each thread loads 4 elements of A and 4 of B per slice at either tile size.
  const BK = 1024 / T;
  const TQ = T / 4;
  const inputs = ['a', 'b', ...(bias ? ['bias'] : []), ...(epilogue === 'geluGrad' ? ['dy'] : [])];
  const acc = accumulators(G);
  const stores: string[] = [];
  for (let g = 0; g < G; g++)
    for (let i = 0; i < 4; i++)
      for (let h = 0; h < G; h++) stores.push(`mmPut(m0 + (ty + ${16 * g}) * 4 + ${i}, n0 + (tx + ${16 * h}) * 4, c${g}${i}${h}, M, N);`);
  return program({
    key: `caeMatmul_${T}_${Number(transA)}${Number(transB)}_${Number(bias)}_${epilogue}`,
    inputs,
    outputShape: [M, N],
    groups: Math.ceil(M / T) * Math.ceil(N / T),
    threads: THREADS,
    code: `
      ${epilogue === 'none' ? '' : GELU_WGSL}
      var<workgroup> As: array<vec4<f32>, ${2 * BK * TQ}>;
      var<workgroup> Bs: array<vec4<f32>, ${2 * BK * TQ}>;
      // vec4 column q (4 rows of the tile) of k-row k in buffer buf, XOR-swizzled within its k-row.
      fn mmSlot(buf: i32, k: i32, q: i32) -> i32 { return (buf * ${BK} + k) * ${TQ} + (q ^ k); }
      ${operand('A', 'a', `${OUT_SHAPE}.x`, !transA, T, BK)}
      ${operand('B', 'b', `${OUT_SHAPE}.y`, transB, T, BK)}
      ${put(bias, epilogue)}
      fn body() {
        let M = ${OUT_SHAPE}.x; let N = ${OUT_SHAPE}.y;
        let K = ${shapeOf('a')}.${transA ? 'x' : 'y'};
        let tilesN = (N + ${T - 1}) / ${T};
        let m0 = (groupIndex() / tilesN) * ${T}; let n0 = (groupIndex() % tilesN) * ${T};
        let tx = lane() % 16; let ty = lane() / 16;
        ${acc.map((c) => `var ${c} = vec4<f32>();`).join(' ')}
        var pa = loadA(m0, 0, K); var pb = loadB(n0, 0, K);
        storeA(0, pa); storeB(0, pb);
        workgroupBarrier();
        let slices = (K + ${BK - 1}) / ${BK};
        for (var s = 0; s < slices; s++) {
          let buf = s % 2;
          // The next slice's loads are in flight while this one is multiplied; its stores go to
          // the other buffer, which everyone finished reading before the last barrier.
          let more = s + 1 < slices;
          if (more) { pa = loadA(m0, (s + 1) * ${BK}, K); pb = loadB(n0, (s + 1) * ${BK}, K); }
          ${slice(BK, G)}
          if (more) { storeA(1 - buf, pa); storeB(1 - buf, pb); }
          workgroupBarrier();
        }
        ${stores.join('\n        ')}
      }`,
  });
}

/** C = op(A)·op(B) (+ bias) through the epilogue, a float32 [M, N] TensorInfo owned by the caller. */
export function matmul(backend: Backend, a: tf.TensorInfo, b: tf.TensorInfo, o: MatmulOptions = {}): tf.TensorInfo {
  const transA = o.transA ?? false;
  const transB = o.transB ?? false;
  const epilogue = o.epilogue ?? 'none';
  const [M, K] = transA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const [KB, N] = transB ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
  if (a.shape.length !== 2 || b.shape.length !== 2 || K !== KB)
    throw new Error(`matmul: [${a.shape}]${transA ? 'ᵀ' : ''} · [${b.shape}]${transB ? 'ᵀ' : ''} do not match`);
  if (epilogue === 'geluGrad' && !o.dy) throw new Error('matmul: the geluGrad epilogue needs dy');
  const prog = matmulProgram(M, N, o.tile ?? tileFor(M, N), transA, transB, Boolean(o.bias), epilogue);
  const inputs = [a, b, ...(o.bias ? [o.bias] : []), ...(epilogue === 'geluGrad' ? [o.dy!] : [])];
  return run(backend, prog, inputs);
}

/** The matmul as an engine tensor, for tests and benchmarks that call the kernel directly (no gradient). */
export function matmulTensor(a: tf.Tensor, b: tf.Tensor, o: MatmulOptions = {}): tf.Tensor {
  return tf.engine().makeTensorFromTensorInfo(matmul(webgpuBackend(), a, b, o));
}
