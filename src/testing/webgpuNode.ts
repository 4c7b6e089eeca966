// WebGPU in Node through the `webgpu` package (Dawn): installs navigator.gpu and the WebGPU globals,
// then registers TF.js's WebGPU backend. Needs LD_LIBRARY_PATH and VK_ICD_FILENAMES pointing at a
// Vulkan driver before the process starts (SwiftShader from Debian's chromium here; see DESIGN.md).
import * as tf from '@tensorflow/tfjs';
import { adapterInfo, assertTfjsVersions } from '../kernels/tfjsInternals';
import { registerCaeOps } from '../model/register';

export async function useWebGpuBackend(): Promise<string> {
  // The kernels read TF.js internals: another TF.js version fails here, with the reason.
  assertTfjsVersions();
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  // `npm run test:webgpu` sets DAWN_FEATURES=disable_workgroup_init, as the end-to-end tests'
  // Chromium does (e2e/chromium.ts): SwiftShader compiles the zeroing of workgroup memory that WGSL
  // requires very slowly (the suite takes ~4x as long with it). Leaving it out can only fail a kernel
  // that reads workgroup memory before writing it, never pass one Chrome would get wrong;
  // `DAWN_FEATURES= npm run test:webgpu` runs with the zeroing, as Chrome does.
  const features = process.env.DAWN_FEATURES ? [`enable-dawn-features=${process.env.DAWN_FEATURES}`] : [];
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: create(features) }, configurable: true, writable: true });
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('the TF.js WebGPU backend did not start (is a Vulkan driver visible?)');
  await tf.ready();
  registerCaeOps(); // as the worker's backend set-up does
  const info = adapterInfo();
  return `${info?.vendor ?? '?'} ${info?.architecture ?? ''}`.trim();
}
