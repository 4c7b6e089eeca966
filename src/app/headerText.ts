// What the header says about the device and the storage, as pure functions of what the browser
// reported, so each wording is tested where it can be wrong.
import type { BackendInfo } from '../protocol/messages';

/**
 * Adapters that run WebGPU on the CPU: SwiftShader (Chromium's fallback, "google swiftshader"),
 * Mesa's llvmpipe and lavapipe, Windows' Basic Render Driver. Matched on the browser's description
 * where it does not set `isFallbackAdapter`.
 */
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|basic render/i;

/** Whether WebGPU runs on a software (CPU-emulated) adapter: slow, whatever the label says. */
export function isSoftwareAdapter(info: BackendInfo): boolean {
  return info.kind === 'webgpu' && (info.software === true || SOFTWARE.test(info.adapter));
}

/**
 * The storage's standing in words. Before the notebook has written anything there is nothing to
 * lose, so it says so instead of warning; after, whether the browser may evict it under pressure.
 * `persisted` is the browser's answer (null where it cannot say).
 */
export function persistenceText(persisted: boolean | null, storedAnything: boolean): string | null {
  if (!storedAnything) return 'nothing stored yet';
  if (persisted === null) return null;
  return persisted ? 'stored, kept by the browser' : 'stored, may be evicted under storage pressure';
}
