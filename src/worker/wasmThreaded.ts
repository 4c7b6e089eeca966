/// <reference types="vite/client" />
// The threaded WASM build's factory, as the minified bundle cannot give it. Emscripten's pthreads
// start each thread from `factory.toString()` (tfjs-backend-wasm's backend_wasm.js puts it in a Blob);
// the minifier renames what that function's text refers to in its enclosing scope, so the threads
// died with "e is not defined". This module stands in for the package's import of the factory (see
// the cae-wasm-threads plugin in vite.config.ts): it calls the bundled factory, and its toString gives
// the file's own text, untouched by the minifier.
import factory from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
import source from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?raw';

/** "(() => { … })()": the expression the file assigns to WasmBackendModuleThreadedSimd. */
const start = source.indexOf('(() => {');
const end = source.lastIndexOf('})();');
if (start < 0 || end < start) throw new Error('tfjs-backend-wasm-threaded-simd.js is not laid out as in TF.js 4.22');
const expression = source.slice(start, end + '})()'.length);

const threaded = (config: unknown): unknown => (factory as (c: unknown) => unknown)(config);
threaded.toString = () => expression;

export default threaded;
