// The typed messages between the page and the training worker: one file, imported by both sides.
// Large arrays travel as transferables; the worker throttles what it streams.
import type { CaeConfig } from '../model/config';
import type { TrainConfig } from '../train/config';

export type BackendKind = 'webgpu' | 'webgl' | 'cpu';

export interface BackendInfo {
  readonly kind: BackendKind;
  /** What the header shows, e.g. "WebGPU · nvidia" or "WebGL fallback: slower, for trying things only". */
  readonly label: string;
  /** The adapter as the browser describes it (vendor, architecture), or the fallback's renderer. */
  readonly adapter: string;
  /** Why a faster backend was not used; null on WebGPU. */
  readonly fallbackReason: string | null;
}

export type RunStatus = 'starting' | 'running' | 'paused' | 'stopped' | 'done' | 'diverged' | 'failed';

export interface RunSpec {
  readonly id: string;
  readonly presetId: string;
  readonly model: CaeConfig;
  readonly train: TrainConfig;
  readonly dataset: 'shapes';
  readonly createdAt: number;
}

/** One optimizer step's numbers. */
export interface StepPoint {
  readonly step: number;
  readonly total: number;
  readonly reconstruction: number;
  readonly alignment: number | null;
  readonly lr: number;
  readonly gradNorm: number;
}

/** The live reconstruction view: `count` validation images, four RGBA panels each, size×size. */
export interface ReconView {
  readonly step: number;
  readonly size: number;
  readonly count: number;
  readonly original: Uint8ClampedArray;
  readonly masked: Uint8ClampedArray;
  readonly recon: Uint8ClampedArray;
  readonly composite: Uint8ClampedArray;
}

export type ToWorker =
  | { readonly type: 'init'; readonly forceBackend?: BackendKind }
  | { readonly type: 'pretrain/start'; readonly run: RunSpec }
  | { readonly type: 'pretrain/pause' }
  | { readonly type: 'pretrain/resume' }
  | { readonly type: 'pretrain/stop' }
  | { readonly type: 'dataset/preview'; readonly imgSize: number; readonly count: number; readonly seed: number }
  /** Test hook: destroys the GPU device, as a driver reset would. */
  | { readonly type: 'debug/lose-device' }
  /** Test hook: an uncaught error in the worker, as a bug would cause. */
  | { readonly type: 'debug/crash' };

export type FromWorker =
  | { readonly type: 'backend'; readonly info: BackendInfo }
  | { readonly type: 'pretrain/status'; readonly runId: string; readonly status: RunStatus; readonly step: number; readonly message: string | null }
  | {
      readonly type: 'pretrain/metrics';
      readonly runId: string;
      readonly points: readonly StepPoint[];
      readonly step: number;
      readonly totalSteps: number;
      /** Training images per second over the last few seconds. */
      readonly imgPerSec: number;
    }
  | { readonly type: 'pretrain/recon'; readonly runId: string; readonly view: ReconView }
  | {
      readonly type: 'dataset/preview';
      readonly size: number;
      readonly count: number;
      /** count RGBA images, size×size each. */
      readonly images: Uint8ClampedArray;
      readonly labels: readonly number[];
      readonly classes: readonly string[];
    }
  /** A problem the user must know about, with what to do. */
  | { readonly type: 'error'; readonly message: string };

/** Exhaustiveness check for switches over message types. */
export function unreachable(x: never): never {
  throw new Error(`unhandled message ${JSON.stringify(x)}`);
}
