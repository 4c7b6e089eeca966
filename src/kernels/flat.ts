// Copies between tensors' GPU buffers, recorded into the backend's own command stream so they stay
// ordered with its dispatches. These gather many small tensors into one flat tensor (and back) with
// copy commands, which cost no dispatch and no per-op bookkeeping.
import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/** The parts of the TF.js WebGPU backend the copies need (public at run time, not in its types). */
interface BackendInternals {
  tensorMap: { get(id: tf.DataId): { resource: GPUBuffer | null } };
  commandEncoder: GPUCommandEncoder;
  commandQueueOwnedIds: WeakSet<tf.DataId>;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  uploadToGPU(id: tf.DataId): void;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  submitQueue(): void;
}

function internals(b: WebGPUBackend): BackendInternals {
  return b as unknown as BackendInternals;
}

function bufferOf(b: BackendInternals, t: tf.TensorInfo): GPUBuffer {
  b.uploadToGPU(t.dataId);
  // The buffer must outlive the copy: the backend defers releasing ids owned by the pending stream.
  b.commandQueueOwnedIds.add(t.dataId);
  return b.tensorMap.get(t.dataId).resource!;
}

/** A new float32 tensor of `shape` whose buffer exists (uninitialized) on the GPU. */
export function emptyTensor(backend: WebGPUBackend, shape: number[]): tf.Tensor {
  const b = internals(backend);
  const info = b.makeTensorInfo(shape, 'float32');
  b.uploadToGPU(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** dst[dstAt … dstAt+n) = src[srcAt … srcAt+n), in elements. */
export function copyElements(backend: WebGPUBackend, src: tf.TensorInfo, srcAt: number, dst: tf.TensorInfo, dstAt: number, n: number): void {
  if (n === 0) return;
  const b = internals(backend);
  const from = bufferOf(b, src);
  const to = bufferOf(b, dst);
  b.ensureCommandEncoderReady();
  b.endComputePassEncoder();
  b.commandEncoder.copyBufferToBuffer(from, srcAt * 4, to, dstAt * 4, n * 4);
}

/** Submits the backend's recorded commands now, which also releases the buffers freed meanwhile. */
export function submit(backend: WebGPUBackend): void {
  const b = internals(backend);
  b.ensureCommandEncoderReady();
  b.endComputePassEncoder();
  b.submitQueue();
}
