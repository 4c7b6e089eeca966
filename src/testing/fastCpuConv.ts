// A faster Conv2DBackpropFilter for TF.js's CPU backend, for Node tests and scripts only: the stock
// kernel reads every element through TensorBuffer.get (~1 µs each), which makes a small conv net's
// step take minutes. Same sum of products over flat arrays (NHWC, stride 1, any padding TF.js
// computes); `fastCpuConv.test.ts` checks it against the stock kernel.
import * as tf from '@tensorflow/tfjs';

interface Args {
  inputs: { x: tf.TensorInfo; dy: tf.TensorInfo };
  backend: { data: { get(id: object): { values: Float32Array } }; makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo };
  attrs: {
    strides: number | [number, number];
    pad: 'same' | 'valid' | number;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
}

function backpropFilterImpl({ inputs, backend, attrs }: Args): tf.TensorInfo {
  const { x, dy } = inputs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  if (attrs.dataFormat !== 'NHWC' || info.strideHeight !== 1 || info.strideWidth !== 1) throw new Error('fastCpuConv: only NHWC stride-1 convs');
  const xs = backend.data.get(x.dataId).values;
  const ds = backend.data.get(dy.dataId).values;
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: Ci, outHeight: Ho, outWidth: Wo, outChannels: Co, filterHeight: Kh, filterWidth: Kw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const dW = new Float32Array(Kh * Kw * Ci * Co);
  for (let b = 0; b < B; b++)
    for (let yr = 0; yr < Ho; yr++)
      for (let yc = 0; yc < Wo; yc++) {
        const dOff = ((b * Ho + yr) * Wo + yc) * Co;
        for (let wr = 0; wr < Kh; wr++) {
          const xr = yr + wr - top;
          if (xr < 0 || xr >= H) continue;
          for (let wc = 0; wc < Kw; wc++) {
            const xc = yc + wc - left;
            if (xc < 0 || xc >= W) continue;
            const xOff = ((b * H + xr) * W + xc) * Ci;
            const wOff = (wr * Kw + wc) * Ci * Co;
            for (let i = 0; i < Ci; i++) {
              const xv = xs[xOff + i]!;
              if (xv === 0) continue;
              const o = wOff + i * Co;
              for (let j = 0; j < Co; j++) dW[o + j]! += xv * ds[dOff + j]!;
            }
          }
        }
      }
  return backend.makeTensorInfo([Kh, Kw, Ci, Co], 'float32', dW);
}

/** The kernel function, as registered. */
export const fastBackpropFilter = backpropFilterImpl as unknown as tf.KernelFunc;

/** Replaces the CPU backend's Conv2DBackpropFilter (call once, after the CPU backend is set). */
export function useFastCpuConv(): void {
  tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'cpu', kernelFunc: fastBackpropFilter });
}
