// `bench --memory-only`: every compute dispatch is recorded with zero workgroups, so no shader runs.
// TF.js still creates, binds, uploads, copies and frees exactly the buffers the real step would
// (their sizes follow the shapes, never the values), so the memory figures are those of any GPU:
// the old code's vit-s-p16-224 batch-64 peak comes out at 9 624 MB here, as it did on the H100.
// A step then costs under a second on SwiftShader where the real one takes an hour, and its time is
// the host's share alone (TF.js, Dawn's encoding and submits). Every computed value reads as zero;
// zero stays finite through the loss, so the optimizer phase runs as in a real step.
// (Dawn's null backend would skip the work too, but it refuses to hold more than 512 MB.)
export function skipGpuWork(): void {
  const encoder = (globalThis as { GPUComputePassEncoder?: { prototype: GPUComputePassEncoder } }).GPUComputePassEncoder;
  if (!encoder) throw new Error('--memory-only needs the WebGPU globals (run with --backend webgpu)');
  const dispatch = encoder.prototype.dispatchWorkgroups;
  encoder.prototype.dispatchWorkgroups = function (this: GPUComputePassEncoder) {
    dispatch.call(this, 0, 0, 0);
  };
}
