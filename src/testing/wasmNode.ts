// TF.js's WebAssembly backend in Node, for the Node benchmarks of the evaluation (bench:probe): the
// pure-JS CPU backend runs a micro ViT's fine-tuning step in ~1 s on this machine's cores, the
// WASM backend (XNNPACK matmuls, SIMD) in a fraction of that. The notebook's worker starts the same
// package where WebGPU is missing (src/worker/wasmBackend.ts, with the .wasm files as Vite assets).
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire as nodeRequire } from 'node:module';
import { dirname } from 'node:path';

export async function useWasmBackend(): Promise<void> {
  // The .wasm binaries ship inside the package; Node reads them from its dist folder.
  const dist = dirname(nodeRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  setWasmPaths(`${dist}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('the TF.js WASM backend did not start');
  await tf.ready();
}
