/// <reference types="vite/client" />
// TF.js's WebAssembly backend for browsers without WebGPU: XNNPACK's kernels with SIMD, and threads
// where the page is cross-origin isolated (SharedArrayBuffer exists only there). The three .wasm
// builds are Vite assets (hashed, in the service worker's offline list); the package picks one.
import * as tf from '@tensorflow/tfjs';
import plainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export interface WasmInfo {
  readonly simd: boolean;
  /** Whether the threaded build runs (the page is cross-origin isolated). */
  readonly threaded: boolean;
  /** Threads of XNNPACK's pool as the backend reports it; 1 without the threaded build. */
  readonly threads: number;
}

/** Starts the WASM backend; null (never a throw) when it cannot, e.g. WebAssembly is disabled. */
export async function startWasm(): Promise<WasmInfo | null> {
  if (typeof WebAssembly === 'undefined') return null;
  // Imported here: the bundle's WebGPU path never loads it.
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths({ 'tfjs-backend-wasm.wasm': plainUrl, 'tfjs-backend-wasm-simd.wasm': simdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': threadedUrl });
  const threaded = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) as boolean;
  // Asked for one per logical core; the backend caps its XNNPACK pool at half of them (counting the
  // calling thread, at most 8): 1 on a 2-core machine, 4 on 8 logical cores.
  if (threaded) wasm.setThreadsCount(Math.max(1, navigator.hardwareConcurrency || 1));
  if (!(await tf.setBackend('wasm').catch(() => false))) return null;
  await tf.ready();
  return { simd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean, threaded, threads: threaded ? wasm.getThreadsCount() : 1 };
}

/** "WASM · SIMD · 4 threads": how the backend runs, for the header. */
export function wasmLabel(info: WasmInfo): string {
  const threads = info.threaded ? `${info.threads} thread${info.threads === 1 ? '' : 's'}` : 'one thread (page not cross-origin isolated)';
  return ['WASM', info.simd ? 'SIMD' : 'no SIMD', threads].join(' · ');
}
