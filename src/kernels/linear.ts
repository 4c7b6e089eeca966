// A linear layer y = x·Wᵀ + b (W stored [out, in] as PyTorch does) as one TF.js kernel, and its
// gradient as one more. The products run on TF.js's own WebGPU matmul programs, called as kernel
// functions on views of the buffers; what this removes is the bookkeeping around them:
// tf.fused.matMul on a [B, N, D] activation records about nine reshapes, four saved copies and a
// custom-gradient node per linear, forward and backward (about 2 000 of the 3 458 kernels of a
// vit-s step, each costing CPU time in TF.js), where this is two kernels and two saved copies.
import * as tf from '@tensorflow/tfjs';
import type { Backend } from './program';
import { columnSum } from './reduce';

/** op(a)·op(b) (+ bias in the epilogue) by TF.js's WebGPU matmul, on 2-D views. */
function matmul(backend: Backend, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean, bias?: tf.TensorInfo): tf.TensorInfo {
  const kernel = tf.getKernel('_FusedMatMul', 'webgpu');
  if (!kernel) throw new Error('the WebGPU backend has no _FusedMatMul kernel');
  const attrs = { transposeA, transposeB, activation: 'linear', leakyreluAlpha: 0 };
  return kernel.kernelFunc({ inputs: bias ? { a, b, bias } : { a, b }, backend, attrs }) as tf.TensorInfo;
}

/** The rows M and width K of x [..., K] seen as a matrix. */
function rows(x: tf.TensorInfo): { M: number; K: number; x2: tf.TensorInfo } {
  const K = x.shape[x.shape.length - 1]!;
  const M = tf.util.sizeFromShape(x.shape) / K;
  return { M, K, x2: { ...x, shape: [M, K] } };
}

/** x [..., K], w [N, K], bias [N] or none → [..., N]. */
export function linearForward(backend: Backend, x: tf.TensorInfo, w: tf.TensorInfo, bias?: tf.TensorInfo): tf.TensorInfo {
  const { x2 } = rows(x);
  const y = matmul(backend, x2, w, false, true, bias);
  return { ...y, shape: [...x.shape.slice(0, -1), w.shape[0]!] };
}

/** [dx, dW] and, with a bias, dbias, for dy [..., N]. */
export function linearBackward(backend: Backend, x: tf.TensorInfo, w: tf.TensorInfo, dy: tf.TensorInfo, withBias: boolean): tf.TensorInfo[] {
  const { M, x2 } = rows(x);
  const N = w.shape[0]!;
  const dy2 = { ...dy, shape: [M, N] };
  const dx = matmul(backend, dy2, w, false, false); // dy·W: [M, K]
  const dw = matmul(backend, dy2, x2, true, false); // dyᵀ·x: [N, K]
  const out = [{ ...dx, shape: x.shape }, dw];
  if (withBias) out.push(columnSum(backend, 'linearDb', ['dy'], [dy2], M, N, 0, N, 'dy[at]'));
  return out;
}
