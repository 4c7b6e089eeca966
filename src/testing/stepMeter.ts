// What one training step costs on WebGPU, measured step by step for the benchmark: the host's share
// of its wall time, its dispatches and submits, and the GPU objects it creates (issue 14's replayed
// step must create none and cut the host's share tenfold).
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { countGpuObjects, type GpuObjectCounts, watchCommands } from '../kernels/tfjsInternals';

export interface StepCost {
  /** Wall time of the whole step, ms. */
  wallMs: number;
  /** The host's share, ms: see StepMeter. */
  hostMs: number;
  /** Up to the step's last submit, less read-back waits, whatever `wholeStep` says: the host's work alone. */
  submitHostMs?: number;
  /** Programs the backend ran (each one compute dispatch). */
  dispatches: number;
  submits: number;
  /** GPU objects created during the step. */
  objects: GpuObjectCounts;
}

/** Sum of the counts: buffers (staging included), bind groups and pipelines. */
export function totalObjects(o: GpuObjectCounts): number {
  return o.staging + o.buffers + o.bindGroups + o.pipelines;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Measures steps on a WebGPU backend. The host's share of a step is its wall time from the start
 * to the return of its last command submit, less the time spent waiting for read-backs before then
 * (the TF.js engine reads the losses and the gradient norm mid-step, which waits for the GPU).
 * With `wholeStep` (no shader runs: `skipGpuWork`) it is the whole step's wall time, as the
 * benchmark has always reported it there.
 */
export class StepMeter {
  private dispatches = 0;
  private submits = 0;
  private lastSubmitAt = 0;
  private waitedAtLastSubmit = 0;
  private waited = 0;
  private readonly unwatch: () => void;

  constructor(
    private readonly backend: WebGPUBackend,
    private readonly wholeStep: boolean,
  ) {
    this.unwatch = watchCommands(backend, {
      program: () => (this.dispatches += 1),
      submit: () => {
        this.submits += 1;
        this.lastSubmitAt = performance.now();
        this.waitedAtLastSubmit = this.waited;
      },
    });
  }

  async measure<T>(step: () => Promise<T>): Promise<{ result: T; cost: StepCost }> {
    const [d0, s0] = [this.dispatches, this.submits];
    this.waited = 0;
    this.waitedAtLastSubmit = 0;
    const objects = countGpuObjects(this.backend);
    const unwait = this.timeReadbacks();
    const t0 = performance.now();
    this.lastSubmitAt = t0;
    try {
      const result = await step();
      const wallMs = performance.now() - t0;
      const hostMs = this.wholeStep ? wallMs : this.lastSubmitAt - t0 - this.waitedAtLastSubmit;
      const submitHostMs = this.lastSubmitAt - t0 - this.waitedAtLastSubmit;
      return { result, cost: { wallMs, hostMs, submitHostMs, dispatches: this.dispatches - d0, submits: this.submits - s0, objects: objects.counts() } };
    } finally {
      unwait();
      objects.stop();
    }
  }

  /** Adds up the time between each buffer map's request and its resolution, until the undo. */
  private timeReadbacks(): () => void {
    const proto = (globalThis as { GPUBuffer?: { prototype: GPUBuffer } }).GPUBuffer?.prototype;
    if (!proto) return () => undefined;
    const mapAsync = proto.mapAsync;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const meter = this;
    proto.mapAsync = async function (this: GPUBuffer, ...a: Parameters<GPUBuffer['mapAsync']>) {
      const t = performance.now();
      try {
        return await mapAsync.apply(this, a);
      } finally {
        meter.waited += performance.now() - t;
      }
    };
    return () => void (proto.mapAsync = mapAsync);
  }

  /** Unhooks the command counters. */
  stop(): void {
    this.unwatch();
  }
}
