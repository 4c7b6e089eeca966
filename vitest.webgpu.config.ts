// WebGPU tests in Node (Dawn over SwiftShader): kernels and the train step on a real WebGPU
// implementation. Run through `npm run test:webgpu`, which sets the Vulkan driver paths.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.webgpu.ts'],
    environment: 'node',
    testTimeout: 300_000,
    pool: 'forks',
  },
});
