// Measuring a step's GPU memory on WebGPU, for the benchmark and its test: the high-water mark of
// the bytes held by live buffers, and a mode where no shader runs so that mark comes cheaply.
import { activeWebGpuBackend, afterPoolAcquire, poolBytesUsed } from '../kernels/tfjsInternals';

/**
 * Watches the WebGPU backend's buffer pool: `peak()` is the most bytes held by live buffers since
 * the call (what PyTorch's max_memory_allocated reports), `stop()` unhooks. Null on other backends.
 */
export function watchPeakBytes(): { peak: () => number; stop: () => void } | null {
  const backend = activeWebGpuBackend();
  if (!backend) return null;
  let peak = poolBytesUsed(backend);
  const stop = afterPoolAcquire(backend, () => (peak = Math.max(peak, poolBytesUsed(backend))));
  return { peak: () => peak, stop };
}

/**
 * Records every compute dispatch with zero workgroups, so no shader runs; returns the undo. TF.js
 * still creates, uploads, binds, copies and frees exactly the buffers a real step would (their sizes
 * follow the shapes, never the values), so the memory figures are those of any GPU, and the step's
 * time is the host's share alone. No arithmetic runs on the GPU, so every value read back (the
 * loss, the gradient norm) is one uploaded or left in a pooled buffer: finite, and the optimizer
 * phase runs as in a real step. (Dawn's null backend would skip the work too, but it refuses to
 * hold more than 512 MB.)
 */
export function skipGpuWork(): () => void {
  const encoder = (globalThis as { GPUComputePassEncoder?: { prototype: GPUComputePassEncoder } }).GPUComputePassEncoder;
  if (!encoder) throw new Error('skipping GPU work needs the WebGPU globals (the webgpu backend)');
  const dispatch = encoder.prototype.dispatchWorkgroups;
  encoder.prototype.dispatchWorkgroups = function (this: GPUComputePassEncoder) {
    dispatch.call(this, 0, 0, 0);
  };
  return () => void (encoder.prototype.dispatchWorkgroups = dispatch);
}
