// A linear layer y = act(x·Wᵀ + b) (W stored [out, in] as PyTorch does, act GELU or nothing) as one
// TF.js kernel, and its gradient as one more. What one kernel removes is the bookkeeping around the
// products: tf.fused.matMul on a [B, N, D] activation records about nine reshapes, four saved copies
// and a custom-gradient node per linear, forward and backward (about 2 000 of the 3 458 kernels of a
// vit-s step, each costing CPU time in TF.js), where this is two kernels and two saved copies.
//
// The products run on one of two engines: TF.js's own WebGPU matmul programs, called as kernel
// functions on views of the buffers (the default), or the project's tiled matmul (matmul.ts), which
// can also apply GELU in its epilogue. Under GELU the backward pass recomputes GELU's input with the
// same tiled program (fused with the GELU′ product) instead of saving it: saving would hold an
// [M, 4D] activation per MLP block from forward to backward on top of the GELU output fc2 saves.
import * as tf from '@tensorflow/tfjs';
import { matmul as tiledMatmul } from './matmul';
import type { Backend } from './program';
import { columnSum } from './reduce';

export interface LinearAttrs {
  /** Whether the layer has a bias (its gradient is then computed). */
  readonly bias: boolean;
  /** GELU after the bias (tiled engine only). */
  readonly gelu: boolean;
  /** The tiled matmul rather than TF.js's. */
  readonly tiled: boolean;
}

/** op(a)·op(b) (+ bias in the epilogue) by TF.js's WebGPU matmul, on 2-D views. */
function tfjsMatmul(
  backend: Backend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  bias?: tf.TensorInfo | null,
): tf.TensorInfo {
  const kernel = tf.getKernel('_FusedMatMul', 'webgpu');
  if (!kernel) throw new Error('the WebGPU backend has no _FusedMatMul kernel');
  const attrs = { transposeA, transposeB, activation: 'linear', leakyreluAlpha: 0 };
  return kernel.kernelFunc({ inputs: bias ? { a, b, bias } : { a, b }, backend, attrs }) as tf.TensorInfo;
}

/** op(a)·op(b) on the chosen engine. */
function product(backend: Backend, tiled: boolean, a: tf.TensorInfo, b: tf.TensorInfo, transA: boolean, transB: boolean): tf.TensorInfo {
  return tiled ? tiledMatmul(backend, a, b, { transA, transB }) : tfjsMatmul(backend, a, b, transA, transB);
}

/** x [..., K] seen as a matrix [M, K]. */
function rows(x: tf.TensorInfo): { M: number; x2: tf.TensorInfo } {
  const K = x.shape[x.shape.length - 1]!;
  const M = tf.util.sizeFromShape(x.shape) / K;
  return { M, x2: { ...x, shape: [M, K] } };
}

/** x [..., K], w [N, K], bias [N] or null → [..., N]. */
export function linearForward(backend: Backend, x: tf.TensorInfo, w: tf.TensorInfo, bias: tf.TensorInfo | null, at: LinearAttrs): tf.TensorInfo {
  if (at.gelu && !at.tiled) throw new Error('a linear layer with GELU needs the tiled matmul');
  const { x2 } = rows(x);
  const y = at.tiled ? tiledMatmul(backend, x2, w, { transB: true, bias, epilogue: at.gelu ? 'gelu' : 'none' }) : tfjsMatmul(backend, x2, w, false, true, bias);
  return { ...y, shape: [...x.shape.slice(0, -1), w.shape[0]!] };
}

/** [dx, dW] and, with a bias, dbias, for dy [..., N]; `bias` itself is needed under GELU only. */
export function linearBackward(
  backend: Backend,
  x: tf.TensorInfo,
  w: tf.TensorInfo,
  dy: tf.TensorInfo,
  bias: tf.TensorInfo | null,
  at: LinearAttrs,
): tf.TensorInfo[] {
  const { M, x2 } = rows(x);
  const N = w.shape[0]!;
  const dy2 = { ...dy, shape: [M, N] };
  // Under GELU, dY′ = dY·GELU′(x·Wᵀ + b) from the forward pass's own program (same tile, same order
  // of sums), so GELU′ sees the very values GELU saw.
  const g = at.gelu ? tiledMatmul(backend, x2, w, { transB: true, bias, epilogue: 'geluGrad', dy: dy2 }) : dy2;
  const dx = product(backend, at.tiled, g, w, false, false); // dY′·W: [M, K]
  const dw = product(backend, at.tiled, g, x2, true, false); // dY′ᵀ·x: [N, K]
  const out = [{ ...dx, shape: x.shape }, dw];
  if (at.bias) out.push(columnSum(backend, { key: 'linearDb', names: ['g'], inputs: [g], R: M, W: N, c0: 0, n: N, term: 'g[at]' }));
  if (at.gelu) backend.disposeData(g.dataId);
  return out;
}
