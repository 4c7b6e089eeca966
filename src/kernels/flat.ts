// Copies between tensors' GPU buffers, recorded into the backend's own command stream so they stay
// ordered with its dispatches. These gather many small tensors into one flat tensor (and back) with
// copy commands, which cost no dispatch and no per-op bookkeeping. The backend's internals they
// need are in tfjsInternals.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { emptyTensorInfo, recordCopy, submitNow, tensorBuffer } from './tfjsInternals';

/** A new float32 tensor of `shape` whose buffer exists (uninitialized) on the GPU. */
export function emptyTensor(backend: WebGPUBackend, shape: number[]): tf.Tensor {
  return tf.engine().makeTensorFromTensorInfo(emptyTensorInfo(backend, shape));
}

/** dst[dstAt … dstAt+n) = src[srcAt … srcAt+n), in elements. */
export function copyElements(backend: WebGPUBackend, src: tf.TensorInfo, srcAt: number, dst: tf.TensorInfo, dstAt: number, n: number): void {
  if (n === 0) return;
  recordCopy(backend, tensorBuffer(backend, src), srcAt * 4, tensorBuffer(backend, dst), dstAt * 4, n * 4);
}

/** Submits the backend's recorded commands now, which also releases the buffers freed meanwhile. */
export function submit(backend: WebGPUBackend): void {
  submitNow(backend);
}
