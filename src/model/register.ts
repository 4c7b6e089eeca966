// The one explicit registration of what the model replaces in TF.js for the whole process: the
// fused WebGPU kernels with their gradients (kernels/ops.ts) and the broadcasting Sum and Mean
// gradients (reductionGrads.ts), and the WASM backend's missing conv filter gradient (wasmConvGrad.ts). Called by the worker's backend set-up (src/worker/backend.ts), the
// unit and WebGPU test set-ups and the benches; importing a model module registers nothing.
import { registerKernels } from '../kernels/ops';
import { registerReductionGrads } from './reductionGrads';
import { registerWasmConvGrad } from './wasmConvGrad';

/** Registers the model's kernels and gradients (once), and hooks the active WebGPU backend (once per backend). */
export function registerCaeOps(): void {
  registerReductionGrads();
  registerWasmConvGrad();
  registerKernels();
}
