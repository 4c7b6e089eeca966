// One train step under tf.profile, summarized kernel by kernel: what the UI's breakdown and the
// benchmark print. TF.js reports a kernel's GPU time only where the device has timestamp queries.
// The fused optimizer's copies run outside any kernel and are not in the list.
import * as tf from '@tensorflow/tfjs';
import { activeWebGpuBackend, kernelTimeMs, supportsTimestampQuery } from './tfjsInternals';

/** Where one train step's time went, by kernel (GPU times where the browser has timestamp queries). */
export interface StepProfile {
  readonly step: number;
  readonly wallMs: number;
  /** Sum of the kernels' times (GPU time on WebGPU); null when the device gives no timestamps. */
  readonly gpuMs: number | null;
  /** Kernels run, the free ones (reshapes, identities) included. */
  readonly kernelCount: number;
  /** Most expensive first (most called first without timestamps). */
  readonly kernels: readonly { readonly name: string; readonly calls: number; readonly ms: number | null }[];
}

export async function profileStep(step: number, run: () => Promise<unknown>): Promise<StepProfile> {
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await run();
  });
  const wallMs = performance.now() - t0;
  const byName = new Map<string, { calls: number; ms: number | null }>();
  // Without timestamp queries TF.js's WebGPU backend reports 0 ms for every kernel, not "unknown".
  const webgpu = activeWebGpuBackend();
  const untimed = webgpu !== null && !supportsTimestampQuery(webgpu);
  let timed = false;
  for (const k of info.kernels) {
    const t = await kernelTimeMs(k);
    const ms = !untimed && typeof t === 'number' && Number.isFinite(t) ? t : null;
    if (ms !== null) timed = true;
    const e = byName.get(k.name) ?? { calls: 0, ms: null };
    e.calls++;
    if (ms !== null) e.ms = (e.ms ?? 0) + ms;
    byName.set(k.name, e);
  }
  const kernels = [...byName.entries()]
    .map(([name, e]) => ({ name, calls: e.calls, ms: timed ? (e.ms ?? 0) : null }))
    .sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0) || b.calls - a.calls);
  const gpuMs = timed ? kernels.reduce((s, k) => s + (k.ms ?? 0), 0) : null;
  return { step, wallMs, gpuMs, kernelCount: info.kernels.length, kernels };
}
