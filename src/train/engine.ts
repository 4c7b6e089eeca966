// The options of the engine that runs a run's steps (issue 26): whether the traced step may be
// replayed (src/train/replayTrainer.ts), and which kernels the model's ops run. The worker passes
// them to each run; the bench chooses them on its command line; tests choose them per test.
import { DEFAULT_KERNELS, type KernelChoice, useKernels } from '../kernels/ops';

export type { KernelChoice } from '../kernels/ops';

export interface EngineOptions {
  /** Replay the traced step once it compiles (WebGPU, fused AdamW); false: every step through TF.js. */
  readonly replay: boolean;
  /** The kernels the model's ops run (the tiled matmul is off until measured on a real GPU: docs/performance.md). */
  readonly kernels: KernelChoice;
}

/** What the app runs: the replay, the fused kernels, TF.js's matmul. */
export const DEFAULT_ENGINE: EngineOptions = { replay: true, kernels: DEFAULT_KERNELS };

/** Puts an engine's kernel choice in force: before its model and optimizer are made (the fused AdamW is chosen then). */
export function applyEngine(o: EngineOptions): void {
  useKernels(o.kernels);
}
