// The fused kernels as TF.js kernels of the WebGPU backend, with their gradients, and the ops the
// model calls. Registered by one explicit call (`registerKernels`, through model/register.ts, from the
// worker's backend set-up and the test set-ups); every op here runs only where `kernelsActive()`.
// Which kernels run is the engine's choice (`KernelChoice`, src/train/engine.ts), applied by `useKernels`.
import * as tf from '@tensorflow/tfjs';
import { attentionBackward, attentionForward, type AttentionShape } from './attention';
import { geluBackward, geluForward } from './gelu';
import { layerNormBackward, layerNormForward } from './layerNorm';
import { type LinearAttrs, linearBackward, linearForward } from './linear';
import { residualBackward, residualForward } from './residual';
import type { Backend } from './program';
import { submitWhenFreedPilesUp } from './release';
import { webgpuBackend } from './tfjsInternals';

type Inputs = Record<string, tf.TensorInfo | undefined>;
type Attrs = { eps?: number; heads?: number } & Partial<LinearAttrs>;

/** A kernel of the WebGPU backend from a function of its inputs, the backend and its attributes. */
function webgpuKernel(kernelName: string, f: (x: Inputs, backend: Backend, attrs: Attrs) => tf.TensorInfo | tf.TensorInfo[]): tf.KernelConfig {
  return { kernelName, backendName: 'webgpu', kernelFunc: (a) => f(a.inputs as Inputs, a.backend as Backend, (a.attrs ?? {}) as Attrs) };
}

function selfShape(qkv: tf.TensorInfo, heads: number): AttentionShape {
  const [B, N, D3] = qkv.shape as [number, number, number];
  const D = D3 / 3;
  return { B, H: heads, Nq: N, Nk: N, D, q: { stride: D3, offset: 0 }, k: { stride: D3, offset: D }, v: { stride: D3, offset: 2 * D }, bias: true };
}

function crossShape(q: tf.TensorInfo, k: tf.TensorInfo, heads: number): AttentionShape {
  const [B, Nq, D] = q.shape as [number, number, number];
  const one = { stride: D, offset: 0 };
  return { B, H: heads, Nq, Nk: k.shape[1]!, D, q: one, k: one, v: one, bias: false };
}

const kernels: tf.KernelConfig[] = [
  webgpuKernel('CaeLayerNorm', (x, b, at) => layerNormForward(b, x.x!, x.gamma!, x.beta!, at.eps!)),
  webgpuKernel('CaeLayerNormGrad', (x, b, at) => layerNormBackward(b, x.x!, x.dy!, x.gamma!, at.eps!)),
  webgpuKernel('CaeGelu', (x, b) => geluForward(b, x.x!)),
  webgpuKernel('CaeGeluGrad', (x, b) => geluBackward(b, x.x!, x.dy!)),
  webgpuKernel('CaeSelfAttention', (x, b, at) => attentionForward(b, selfShape(x.qkv!, at.heads!), x.qkv!, x.qkv!, x.qkv!, [x.qBias!, x.vBias!])),
  webgpuKernel('CaeSelfAttentionGrad', (x, b, at) =>
    attentionBackward(b, selfShape(x.qkv!, at.heads!), { q: x.qkv!, k: x.qkv!, v: x.qkv!, o: x.o!, dout: x.dout!, biases: [x.qBias!, x.vBias!] }, true),
  ),
  webgpuKernel('CaeCrossAttention', (x, b, at) => attentionForward(b, crossShape(x.q!, x.k!, at.heads!), x.q!, x.k!, x.v!)),
  webgpuKernel('CaeCrossAttentionGrad', (x, b, at) =>
    attentionBackward(b, crossShape(x.q!, x.k!, at.heads!), { q: x.q!, k: x.k!, v: x.v!, o: x.o!, dout: x.dout! }, false),
  ),
  // Linear layers: without GELU (x and w saved), and with it (the bias saved too: GELU's input is
  // recomputed in the backward pass); one gradient kernel.
  ...['CaeLinear', 'CaeLinearGelu'].map((name) => webgpuKernel(name, (x, b, at) => linearForward(b, x.x!, x.w!, x.bias ?? null, at as LinearAttrs))),
  webgpuKernel('CaeLinearGrad', (x, b, at) => linearBackward(b, x.x!, x.w!, x.dy!, x.bias ?? null, at as LinearAttrs)),
  // The residual comes in two kernels, with and without a drop-path mask, because a kernel's saved
  // inputs are named once for all its calls.
  ...['CaeScaledResidual', 'CaeScaledResidualDrop'].flatMap((name) => [
    webgpuKernel(name, (x, b) => residualForward(b, x.x!, x.a!, x.gamma!, x.mask ?? null)),
    webgpuKernel(`${name}Grad`, (x, b) => residualBackward(b, x.dy!, x.a!, x.gamma!, x.mask ?? null)),
  ]),
];

const gradients: tf.GradConfig[] = [
  ...[false, true].map((gelu): tf.GradConfig => ({
    kernelName: gelu ? 'CaeLinearGelu' : 'CaeLinear',
    inputsToSave: gelu ? ['x', 'w', 'bias'] : ['x', 'w'],
    gradFunc: (dy, saved, attrs) => {
      const [x, w, bias] = saved as tf.Tensor[];
      const inputs = { x: x!, w: w!, dy: dy as tf.Tensor, ...(bias ? { bias } : {}) };
      const [dx, dw, db] = tf.engine().runKernel('CaeLinearGrad', inputs, attrs as never) as tf.Tensor[];
      return { x: () => dx!, w: () => dw!, ...(db ? { bias: () => db } : {}) };
    },
  })),
  {
    kernelName: 'CaeLayerNorm',
    inputsToSave: ['x', 'gamma'],
    gradFunc: (dy, saved, attrs) => {
      const [x, gamma] = saved as tf.Tensor[];
      const [dx, dg, db] = tf.engine().runKernel('CaeLayerNormGrad', { x: x!, dy: dy as tf.Tensor, gamma: gamma! }, attrs as never) as tf.Tensor[];
      return { x: () => dx!, gamma: () => dg!, beta: () => db! };
    },
  },
  {
    kernelName: 'CaeGelu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.engine().runKernel('CaeGeluGrad', { x: (saved as tf.Tensor[])[0]!, dy: dy as tf.Tensor }) as tf.Tensor }),
  },
  {
    kernelName: 'CaeSelfAttention',
    inputsToSave: ['qkv', 'qBias', 'vBias'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [qkv, qBias, vBias, o] = saved as tf.Tensor[];
      const [dqkv, dqb, dvb] = tf
        .engine()
        .runKernel('CaeSelfAttentionGrad', { qkv: qkv!, qBias: qBias!, vBias: vBias!, o: o!, dout: dy as tf.Tensor }, attrs as never) as tf.Tensor[];
      return { qkv: () => dqkv!, qBias: () => dqb!, vBias: () => dvb! };
    },
  },
  {
    kernelName: 'CaeCrossAttention',
    inputsToSave: ['q', 'k', 'v'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [q, k, v, o] = saved as tf.Tensor[];
      const [dq, dk, dv] = tf.engine().runKernel('CaeCrossAttentionGrad', { q: q!, k: k!, v: v!, o: o!, dout: dy as tf.Tensor }, attrs as never) as tf.Tensor[];
      return { q: () => dq!, k: () => dk!, v: () => dv! };
    },
  },
];

/**
 * Dispatches recorded before TF.js submits its command buffer (TF.js: 15). Fewer, larger submits
 * cut Dawn's per-submit work: on the H100, vit-s-p8-64 batch 64 took 272 / 249 / 228 ms a step at
 * 15 / 128 / 512, for ~9 % more pooled GPU memory at 512 (buffers freed meanwhile wait for the
 * submit before they are reused).
 */
export const SUBMIT_BATCH = 512;

for (const drop of [false, true]) {
  const name = drop ? 'CaeScaledResidualDrop' : 'CaeScaledResidual';
  gradients.push({
    kernelName: name,
    inputsToSave: drop ? ['a', 'gamma', 'mask'] : ['a', 'gamma'],
    gradFunc: (dy, saved) => {
      const [a, gamma, mask] = saved as tf.Tensor[];
      const d = dy as tf.Tensor;
      const [da, dg] = tf.engine().runKernel(`${name}Grad`, { dy: d, a: a!, gamma: gamma!, ...(mask ? { mask } : {}) }) as tf.Tensor[];
      // The mask is a constant of the step: its gradient is never asked for.
      return { x: () => d.clone(), a: () => da!, gamma: () => dg!, ...(mask ? { mask: () => tf.zerosLike(mask) } : {}) };
    },
  });
}

/** Which kernels the model's ops run: an engine option (src/train/engine.ts). */
export interface KernelChoice {
  /** The fused WebGPU kernels (LayerNorm, GELU, attention, linear, residual); false: TF.js's plain ops. */
  readonly fused: boolean;
  /**
   * The linear layers on the project's tiled matmul (fc1's GELU in its epilogue) instead of TF.js's
   * matMul. Off until a real-GPU measurement of the training step turns it on (docs/performance.md):
   * SwiftShader's timings say nothing about that.
   */
  readonly tiledMatmul: boolean;
}

export const DEFAULT_KERNELS: KernelChoice = { fused: true, tiledMatmul: false };

let registered = false;
let choice: KernelChoice = DEFAULT_KERNELS;

/**
 * Registers the fused kernels and their gradients with TF.js (once) and hooks the active WebGPU
 * backend's deferred releases (once per backend: call again after a new backend starts).
 */
export function registerKernels(): void {
  if (!registered) {
    registered = true;
    for (const k of kernels) tf.registerKernel(k);
    for (const g of gradients) tf.registerGradient(g);
  }
  if (tf.getBackend() === 'webgpu') {
    // A flag of the WebGPU package: registered only once that backend exists.
    tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', SUBMIT_BATCH);
    submitWhenFreedPilesUp(webgpuBackend());
  }
}

/** Applies an engine's kernel choice to the model's ops from now on (the engine calls it as it starts). */
export function useKernels(c: KernelChoice): void {
  choice = c;
}

/** The kernel choice in force. */
export function kernelChoice(): KernelChoice {
  return choice;
}

/** Whether the model should call the fused kernels: the backend is WebGPU and the engine chose them. */
export function kernelsActive(): boolean {
  if (!choice.fused || tf.getBackend() !== 'webgpu') return false;
  if (!registered) throw new Error('the fused kernels are not registered: registerCaeOps() (model/register.ts) runs when the backend starts');
  return true;
}

/**
 * x [..., K]·wᵀ (w [N, K], PyTorch's layout) + bias [N], then exact GELU where `gelu` → [..., N].
 * GELU rides in the tiled matmul's epilogue, so it takes that engine and a bias.
 */
export function fusedLinear(x: tf.Tensor, w: tf.Tensor, bias?: tf.Tensor, gelu = false): tf.Tensor {
  if (gelu && !bias) throw new Error('fusedLinear with GELU needs a bias');
  const attrs: LinearAttrs = { bias: Boolean(bias), gelu, tiled: gelu || choice.tiledMatmul };
  return tf.engine().runKernel(gelu ? 'CaeLinearGelu' : 'CaeLinear', bias ? { x, w, bias } : { x, w }, attrs as never) as tf.Tensor;
}

/** Whether the linear layers run on the tiled matmul: the kernels are active and the engine chose it. */
export function tiledMatmulActive(): boolean {
  return choice.tiledMatmul && kernelsActive();
}

export function fusedLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  return tf.engine().runKernel('CaeLayerNorm', { x, gamma, beta }, { eps }) as tf.Tensor;
}

export function fusedGelu(x: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel('CaeGelu', { x }) as tf.Tensor;
}

/** Self-attention from the packed projection qkv [B, N, 3D] (without bias) and the q and v biases [D] → [B, N, D]. */
export function fusedSelfAttention(qkv: tf.Tensor, qBias: tf.Tensor, vBias: tf.Tensor, heads: number): tf.Tensor {
  return tf.engine().runKernel('CaeSelfAttention', { qkv, qBias, vBias }, { heads }) as tf.Tensor;
}

/** x + a·γ·m with m [B] the per-sample drop-path factors (null: none); x, a [B, ...]. */
export function fusedScaledResidual(x: tf.Tensor, a: tf.Tensor, gamma: tf.Tensor, mask: tf.Tensor | null): tf.Tensor {
  return mask
    ? (tf.engine().runKernel('CaeScaledResidualDrop', { x, a, gamma, mask }) as tf.Tensor)
    : (tf.engine().runKernel('CaeScaledResidual', { x, a, gamma }) as tf.Tensor);
}

/** Cross-attention q [B, Nq, D], k and v [B, Nk, D] → [B, Nq, D]. */
export function fusedCrossAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, heads: number): tf.Tensor {
  return tf.engine().runKernel('CaeCrossAttention', { q, k, v }, { heads }) as tf.Tensor;
}
