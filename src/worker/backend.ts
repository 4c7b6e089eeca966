// Chooses the TF.js backend in the worker: WebGPU first, then WebGL, then WebAssembly, then the CPU,
// and says plainly which one runs and why a faster one did not. WebGL on a software renderer
// (SwiftShader, llvmpipe) comes after WebAssembly: it emulates the GPU on the same cores, slower. The WebGPU backend is registered by this file (not
// the package's import-time hook) so the device's loss is observed and a new device can be made.
import * as tf from '@tensorflow/tfjs';
import { activeWebGpuBackend, adapterInfo, gpuDevice, tfjsVersionProblem } from '../kernels/tfjsInternals';
import { registerCaeOps } from '../model/register';
import type { BackendInfo, BackendKind } from '../protocol/messages';
import { startWasm, wasmLabel } from './wasmBackend';

type LostHandler = (message: string) => void;

let lastWebGpuError: string | null = null;
/** Whether the adapter the backend was made with is a fallback (software) one, as the browser says. */
let fallbackAdapter = false;

/** `isFallbackAdapter`: on the adapter's info in newer browsers, on the adapter itself in older ones. */
function isFallbackAdapter(adapter: GPUAdapter): boolean {
  const a = adapter as GPUAdapter & { isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean } };
  return Boolean(a.info?.isFallbackAdapter ?? a.isFallbackAdapter);
}

async function registerWebGpu(onLost: LostHandler): Promise<void> {
  // The import registers the package's own factory where it sees WebGPU; ours replaces it.
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      try {
        const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
        if (!adapter) throw new Error('the browser offers no WebGPU adapter (GPU blocklisted or disabled)');
        fallbackAdapter = isFallbackAdapter(adapter);
        const features: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
        const l = adapter.limits;
        const device = await adapter.requestDevice({
          requiredFeatures: features,
          // TF.js sizes its kernels by these limits; ask for what the adapter really has.
          requiredLimits: {
            maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
            maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
            maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
            maxBufferSize: l.maxBufferSize,
            maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
            maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
            // The fused attention backward binds eight storage buffers, WebGPU's default maximum.
            maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
          },
        });
        void device.lost.then((info) => {
          if (info.reason !== 'destroyed' || lostOnPurpose) onLost(info.message || 'the GPU device was lost');
        });
        return new WebGPUBackend(device, adapter.info);
      } catch (e) {
        lastWebGpuError = (e as Error).message;
        throw e;
      }
    },
    3,
  );
}

let lostOnPurpose = false;

/** Test hook: destroy the device as a driver reset would, to exercise recovery. */
export function loseDeviceForTest(): boolean {
  const b = activeWebGpuBackend();
  if (!b) return false;
  lostOnPurpose = true;
  gpuDevice(b).destroy();
  return true;
}

function webGpuLabel(): { label: string; adapter: string; software: boolean } {
  const info = adapterInfo();
  const vendor = info?.vendor || 'unknown vendor';
  const arch = info?.architecture;
  return { label: `WebGPU · ${vendor}`, adapter: arch ? `${vendor} ${arch}` : vendor, software: fallbackAdapter };
}

/**
 * Starts the best backend available, or `force` (tests). Resolves with what runs; only a
 * browser where not even the CPU backend starts makes it throw.
 */
export async function startBackend(onLost: LostHandler, force?: BackendKind): Promise<BackendInfo> {
  const info = await chooseBackend(onLost, force);
  // The model's kernels and gradients, registered once, and the new backend hooked (issue 26).
  registerCaeOps();
  return info;
}

async function chooseBackend(onLost: LostHandler, force?: BackendKind): Promise<BackendInfo> {
  let reason: string | null = null;
  if (!force || force === 'webgpu') {
    // The WebGPU kernels read TF.js internals: with another TF.js they must not run, and the header
    // says why. WebGL and the CPU run the plain ops; the only internal they share is the engine's
    // tape (lean gradients), whose reader throws rather than train on an empty tape.
    const versionProblem = tfjsVersionProblem();
    if (versionProblem) reason = `WebGPU not used: ${versionProblem}`;
    else if (typeof navigator === 'undefined' || !('gpu' in navigator)) reason = 'this browser has no WebGPU (navigator.gpu is missing)';
    else {
      await registerWebGpu(onLost);
      lastWebGpuError = null;
      if (await tf.setBackend('webgpu')) {
        await tf.ready();
        lostOnPurpose = false;
        return { kind: 'webgpu', ...webGpuLabel(), fallbackReason: null };
      }
      reason = `WebGPU failed to start: ${lastWebGpuError ?? 'unknown error'}`;
    }
  }
  const webGl = async (): Promise<BackendInfo | null> => {
    if (!(await tf.setBackend('webgl').catch(() => false))) return null;
    await tf.ready();
    return { kind: 'webgl', label: 'WebGL fallback: slower, for trying things only', adapter: renderer ?? 'WebGL 2', fallbackReason: reason };
  };
  const renderer = !force || force === 'webgl' ? webGlRenderer() : null;
  const softwareGl = renderer !== null && SOFTWARE_RENDERER.test(renderer);
  if (force === 'webgl' || (!force && !softwareGl)) {
    const gl = await webGl();
    if (gl) return gl;
    reason = `${reason ? `${reason}; ` : ''}WebGL failed to start`;
  }
  if (!force && renderer === null) reason = `${reason ? `${reason}; ` : ''}this browser has no WebGL 2`;
  if (!force || force === 'wasm') {
    if (!force && softwareGl) reason = `${reason ? `${reason}; ` : ''}WebGL runs on a software renderer here (${renderer}), slower than WebAssembly`;
    const wasm = await startWasm();
    if (wasm) {
      const label = `${wasmLabel(wasm)} fallback: slower than WebGPU, for trying things and small runs`;
      return { kind: 'wasm', label, adapter: 'WebAssembly on the CPU', fallbackReason: reason };
    }
    reason = `${reason ? `${reason}; ` : ''}WebAssembly failed to start`;
  }
  if (!force && softwareGl) {
    const gl = await webGl();
    if (gl) return gl;
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('no TF.js backend could start in this browser');
  await tf.ready();
  return { kind: 'cpu', label: 'CPU fallback: very slow, for trying things only', adapter: 'JavaScript CPU', fallbackReason: reason };
}

/** Renderers that draw WebGL on the CPU: there WebAssembly's kernels are faster than WebGL's emulated GPU. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** The WebGL renderer's name as the browser gives it (the unmasked one where allowed), or null without WebGL 2. */
function webGlRenderer(): string | null {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return name;
  } catch {
    return null;
  }
}

/** After a lost device: drop the dead backend (its tensors are gone) and start a new one. */
export async function restartBackend(onLost: LostHandler, kind: BackendKind): Promise<BackendInfo> {
  if (tf.findBackend(kind)) tf.removeBackend(kind);
  return startBackend(onLost, kind);
}
