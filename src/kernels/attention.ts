// Fused multi-head attention, softmax(q·kᵀ·scale)·v, reading q, k and v straight from the token
// layout [B, N, D] (head h = columns h·hd … (h+1)·hd) so no head split or merge is ever
// transposed. Forward: one thread per query, keys streamed through workgroup memory with an online
// softmax (one dispatch). Backward: per-query log-sum-exp and δ = Σ dO·O, then dq per query and
// dk, dv per key, recomputing the probabilities (three dispatches for self-attention, where dk and
// dv share one pass into the packed gradient; four for cross-attention; the plain ops take ~25).
import type { TensorInfo } from '@tensorflow/tfjs';
import { type Backend, type KernelProgram, program, run } from './program';
import { columnPartials, foldChunks } from './reduce';
import { f32 } from './wgsl';
import { OUTPUT, shapeOf } from './tfjsInternals';

const WG = 64;

/** Where one of q, k, v lives: a [B, N, stride] tensor whose columns from `offset` hold it. */
export interface Operand {
  readonly stride: number;
  readonly offset: number;
}

export interface AttentionShape {
  readonly B: number;
  readonly H: number;
  readonly Nq: number;
  readonly Nk: number;
  /** Model width D = H·hd. */
  readonly D: number;
  readonly q: Operand;
  readonly k: Operand;
  readonly v: Operand;
  /** Whether q and v get learned biases (inputs `qb`, `vb`, [D]) added as they are read. */
  readonly bias: boolean;
}

/**
 * What a program compiles in: the heads, widths and layout. The batch and the sequence lengths come
 * from the shape uniforms (q and k are [B, N, stride]), so a new batch size or a new mask count in
 * the lab reuses the pipelines.
 */
function key(s: AttentionShape): string {
  return [s.H, s.D, s.q.stride, s.q.offset, s.k.stride, s.k.offset, s.v.stride, s.v.offset, Number(s.bias)].join('_');
}

/** Keys (or queries) per tile: two tiles of hd floats stay within 8 KiB of workgroup memory. */
function tileRows(hd: number): number {
  return Math.max(1, Math.min(32, Math.floor(1024 / hd)));
}

function constants(s: AttentionShape): string {
  const hd = s.D / s.H;
  return `
    const HD = ${hd}; const H = ${s.H}; const D = ${s.D};
    const TILE = ${tileRows(hd)}; const SCALE = ${f32(hd ** -0.5)};
    fn nq() -> i32 { return ${shapeOf('q')}.y; }
    fn nk() -> i32 { return ${shapeOf('k')}.y; }
    fn pairs() -> i32 { return ${shapeOf('q')}.x * H; } // (sample, head) pairs
    fn qAt(b: i32, i: i32, h: i32) -> i32 { return (b * nq() + i) * ${s.q.stride} + ${s.q.offset} + h * HD; }
    fn kAt(b: i32, j: i32, h: i32) -> i32 { return (b * nk() + j) * ${s.k.stride} + ${s.k.offset} + h * HD; }
    fn vAt(b: i32, j: i32, h: i32) -> i32 { return (b * nk() + j) * ${s.v.stride} + ${s.v.offset} + h * HD; }
    fn oAt(b: i32, i: i32, h: i32) -> i32 { return (b * nq() + i) * D + h * HD; }
    fn Q(b: i32, i: i32, h: i32, d: i32) -> f32 { return q[qAt(b, i, h) + d]${s.bias ? ' + qb[h * HD + d]' : ''}; }
    fn V(b: i32, j: i32, h: i32, d: i32) -> f32 { return v[vAt(b, j, h) + d]${s.bias ? ' + vb[h * HD + d]' : ''}; }`;
}

/** The program's inputs: the named tensors, then the biases where the shape has them. */
function inputs(s: AttentionShape, names: string[]): string[] {
  return s.bias ? [...names, 'qb', 'vb'] : names;
}

/** The row this thread owns (a query, or a key for the dk/dv passes), its (b, h), and whether it is real. */
function rowSetup(rows: string): string {
  return `
    let blocks = (${rows} + ${WG} - 1) / ${WG};
    let g = groupIndex();
    let bh = min(g / blocks, pairs() - 1);
    let b = bh / H; let h = bh % H;
    let row = (g % blocks) * ${WG} + lane();
    let valid = g < pairs() * blocks && row < ${rows};
    let r = min(row, ${rows} - 1);`;
}

/** Streams keys (and values) through workgroup memory: `body` runs for key jj of the tile. */
function overKeys(withV: boolean, body: string): string {
  return `
    for (var j0 = 0; j0 < nk(); j0 += TILE) {
      for (var t = lane(); t < TILE * HD; t += ${WG}) {
        let j = min(j0 + t / HD, nk() - 1); let d = t % HD;
        kt[t] = k[kAt(b, j, h) + d];
        ${withV ? 'vt[t] = V(b, j, h, d);' : ''}
      }
      workgroupBarrier();
      let n = min(TILE, nk() - j0);
      for (var jj = 0; jj < n; jj++) { ${body} }
      workgroupBarrier();
    }`;
}

const TILES_KV = 'var<workgroup> kt: array<f32, TILE * HD>; var<workgroup> vt: array<f32, TILE * HD>;';

function forward(s: AttentionShape): KernelProgram {
  return program({
    key: `caeAttnFwd_${key(s)}`,
    inputs: inputs(s, ['q', 'k', 'v']),
    outputShape: [s.B, s.Nq, s.D],
    groups: s.B * s.H * Math.ceil(s.Nq / WG),
    threads: WG,
    code: `${constants(s)}
      ${TILES_KV}
      fn body() {
        ${rowSetup('nq()')}
        var qv: array<f32, HD>; var acc: array<f32, HD>;
        for (var d = 0; d < HD; d++) { qv[d] = Q(b, r, h, d) * SCALE; acc[d] = 0.0; }
        var m = -3.0e38; var l = 0.0;
        ${overKeys(
          true,
          `var sc = 0.0;
           for (var d = 0; d < HD; d++) { sc += qv[d] * kt[jj * HD + d]; }
           let mn = max(m, sc); let c = exp(m - mn); let p = exp(sc - mn);
           l = l * c + p;
           for (var d = 0; d < HD; d++) { acc[d] = acc[d] * c + p * vt[jj * HD + d]; }
           m = mn;`,
        )}
        if (valid) { for (var d = 0; d < HD; d++) { ${OUTPUT}[oAt(b, row, h) + d] = acc[d] / l; } }
      }`,
  });
}

/** [B·H·Nq, 2]: the log-sum-exp of each query's scores and δ = Σ_d dO·O. */
function stats(s: AttentionShape): KernelProgram {
  return program({
    key: `caeAttnStats_${key(s)}`,
    inputs: inputs(s, ['q', 'k', 'v', 'o', 'dout']),
    outputShape: [s.B * s.H * s.Nq, 2],
    groups: s.B * s.H * Math.ceil(s.Nq / WG),
    threads: WG,
    code: `${constants(s)}
      var<workgroup> kt: array<f32, TILE * HD>;
      fn body() {
        ${rowSetup('nq()')}
        var qv: array<f32, HD>;
        for (var d = 0; d < HD; d++) { qv[d] = Q(b, r, h, d) * SCALE; }
        var m = -3.0e38; var l = 0.0;
        ${overKeys(
          false,
          `var sc = 0.0;
           for (var d = 0; d < HD; d++) { sc += qv[d] * kt[jj * HD + d]; }
           let mn = max(m, sc); l = l * exp(m - mn) + exp(sc - mn); m = mn;`,
        )}
        var delta = 0.0;
        for (var d = 0; d < HD; d++) { delta += dout[oAt(b, r, h) + d] * o[oAt(b, r, h) + d]; }
        if (valid) { let at = (bh * nq() + row) * 2; ${OUTPUT}[at] = m + log(l); ${OUTPUT}[at + 1] = delta; }
      }`,
  });
}

/** dq for each query: Σ_j p·(dO·v_j − δ)·k_j·scale, written at columns `out.offset` of rows `out.stride` wide. */
function gradQ(s: AttentionShape, out: Operand): KernelProgram {
  return program({
    key: `caeAttnDq_${key(s)}_${out.stride}_${out.offset}`,
    inputs: inputs(s, ['q', 'k', 'v', 'dout', 'st']),
    outputShape: [s.B, s.Nq, out.stride],
    groups: s.B * s.H * Math.ceil(s.Nq / WG),
    threads: WG,
    code: `${constants(s)}
      ${TILES_KV}
      fn body() {
        ${rowSetup('nq()')}
        var qv: array<f32, HD>; var dov: array<f32, HD>; var acc: array<f32, HD>;
        for (var d = 0; d < HD; d++) { qv[d] = Q(b, r, h, d) * SCALE; dov[d] = dout[oAt(b, r, h) + d]; acc[d] = 0.0; }
        let lse = st[(bh * nq() + r) * 2]; let delta = st[(bh * nq() + r) * 2 + 1];
        ${overKeys(
          true,
          `var sc = 0.0; var dp = 0.0;
           for (var d = 0; d < HD; d++) { sc += qv[d] * kt[jj * HD + d]; dp += dov[d] * vt[jj * HD + d]; }
           let ds = exp(sc - lse) * (dp - delta);
           for (var d = 0; d < HD; d++) { acc[d] += ds * kt[jj * HD + d]; }`,
        )}
        if (valid) {
          let at = (b * nq() + row) * ${out.stride} + ${out.offset} + h * HD;
          for (var d = 0; d < HD; d++) { ${OUTPUT}[at + d] = acc[d] * SCALE; }
        }
      }`,
  });
}

/**
 * dk (Σ_i p·(dO_i·v − δ_i)·q_i·scale) or dv (Σ_i p·dO_i) for each key, queries streamed through
 * workgroup memory with their log-sum-exp and δ. 'kv' computes both from one pass over the
 * probabilities and writes dv D columns after dk (the packed qkv layout).
 */
function gradKV(s: AttentionShape, which: 'k' | 'v' | 'kv', out: Operand): KernelProgram {
  const dk = which !== 'v';
  const dv = which !== 'k';
  return program({
    key: `caeAttnD${which}_${key(s)}_${out.stride}_${out.offset}`,
    inputs: inputs(s, ['q', 'k', 'v', 'dout', 'st']),
    outputShape: [s.B, s.Nk, out.stride],
    groups: s.B * s.H * Math.ceil(s.Nk / WG),
    threads: WG,
    code: `${constants(s)}
      var<workgroup> qt: array<f32, TILE * HD>; var<workgroup> dt: array<f32, TILE * HD>;
      var<workgroup> ls: array<f32, TILE>; var<workgroup> de: array<f32, TILE>;
      fn body() {
        ${rowSetup('nk()')}
        var kv: array<f32, HD>; var vv: array<f32, HD>; var acc: array<f32, HD>; var accV: array<f32, HD>;
        for (var d = 0; d < HD; d++) { kv[d] = k[kAt(b, r, h) + d]; vv[d] = V(b, r, h, d); acc[d] = 0.0; accV[d] = 0.0; }
        for (var i0 = 0; i0 < nq(); i0 += TILE) {
          for (var t = lane(); t < TILE * HD; t += ${WG}) {
            let i = min(i0 + t / HD, nq() - 1); let d = t % HD;
            qt[t] = Q(b, i, h, d) * SCALE;
            dt[t] = dout[oAt(b, i, h) + d];
          }
          for (var t = lane(); t < TILE; t += ${WG}) {
            let i = min(i0 + t, nq() - 1);
            ls[t] = st[(bh * nq() + i) * 2]; de[t] = st[(bh * nq() + i) * 2 + 1];
          }
          workgroupBarrier();
          let n = min(TILE, nq() - i0);
          for (var ii = 0; ii < n; ii++) {
            var sc = 0.0;
            for (var d = 0; d < HD; d++) { sc += qt[ii * HD + d] * kv[d]; }
            let p = exp(sc - ls[ii]);
            ${
              dk
                ? `var dp = 0.0;
                   for (var d = 0; d < HD; d++) { dp += dt[ii * HD + d] * vv[d]; }
                   let ds = p * (dp - de[ii]);
                   for (var d = 0; d < HD; d++) { acc[d] += ds * qt[ii * HD + d]; }`
                : ''
            }
            ${dv ? `for (var d = 0; d < HD; d++) { ${dk ? 'accV' : 'acc'}[d] += p * dt[ii * HD + d]; }` : ''}
          }
          workgroupBarrier();
        }
        if (valid) {
          let at = (b * nk() + row) * ${out.stride} + ${out.offset} + h * HD;
          for (var d = 0; d < HD; d++) { ${OUTPUT}[at + d] = acc[d]; }
          ${dk && dv ? `for (var d = 0; d < HD; d++) { ${OUTPUT}[at + D + d] = accV[d]; }` : ''}
        }
      }`,
  });
}

/** Biases q_b, v_b [D] when the shape has them. */
type Biases = readonly TensorInfo[];

export function attentionForward(backend: Backend, s: AttentionShape, q: TensorInfo, k: TensorInfo, v: TensorInfo, biases: Biases = []): TensorInfo {
  return run(backend, forward(s), [q, k, v, ...biases]);
}

/**
 * The gradients for q, k and v. `packed` (self-attention from one qkv tensor) writes all three into
 * one [B, N, 3D] tensor laid out as the input, followed by the biases' gradients where the shape
 * has them; otherwise three tensors [B, N, D].
 */
export function attentionBackward(
  backend: Backend,
  s: AttentionShape,
  x: { q: TensorInfo; k: TensorInfo; v: TensorInfo; o: TensorInfo; dout: TensorInfo; biases?: Biases },
  packed: boolean,
): TensorInfo[] {
  const biases = x.biases ?? [];
  const st = run(backend, stats(s), [x.q, x.k, x.v, x.o, x.dout, ...biases]);
  const withSt = [x.q, x.k, x.v, x.dout, st, ...biases];
  let out: TensorInfo[];
  if (packed) {
    const stride = 3 * s.D;
    const dqkv = run(backend, gradQ(s, { stride, offset: 0 }), withSt);
    run(backend, gradKV(s, 'kv', { stride, offset: s.D }), withSt, [], dqkv);
    out = [dqkv];
    if (s.bias) {
      // The biases' gradients are the column sums of the q and v parts: one pass over all of dqkv.
      const parts = columnPartials(backend, { key: 'dqkv', names: ['g'], inputs: [dqkv], R: s.B * s.Nq, W: stride, c0: 0, n: stride, term: 'g[at]' });
      out.push(foldChunks(backend, parts, stride, 0, s.D), foldChunks(backend, parts, stride, 2 * s.D, s.D));
      backend.disposeData(parts.dataId);
    }
  } else {
    const one = { stride: s.D, offset: 0 };
    out = [run(backend, gradQ(s, one), withSt), run(backend, gradKV(s, 'k', one), withSt), run(backend, gradKV(s, 'v', one), withSt)];
  }
  backend.disposeData(st.dataId);
  return out;
}
