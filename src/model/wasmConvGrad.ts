// The one kernel the d-VAE tokenizer's gradient needs that TF.js 4.22's WebAssembly backend lacks:
// Conv2DBackpropFilter (the gradient of a 2-D convolution with respect to its filter). The backend
// has the 3-D one, and a 2-D convolution is a 3-D one of depth 1, so this kernel views x [B, H, W, C]
// and dy [B, H', W', O] as depth-1 volumes and calls it: the same sums, no copy (a view shares the
// data, as TF.js's Reshape does). Registered once, with the model's other registrations
// (model/register.ts), for the WASM backend the notebook falls back to and the Node benches run on.
import * as tf from '@tensorflow/tfjs';

type Info = { dataId: object; shape: number[]; dtype: tf.DataType };

let registered = false;

/** Registers Conv2DBackpropFilter on 'wasm' (once; a no-op where TF.js already has one). */
export function registerWasmConvGrad(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as unknown as { x: Info; dy: Info };
      const { strides, pad, dataFormat, filterShape } = attrs as unknown as {
        strides: number | [number, number];
        pad: unknown;
        dataFormat: string;
        filterShape: [number, number, number, number];
      };
      if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter on wasm reads NHWC only, got ${dataFormat}`);
      if (pad !== 'same' && pad !== 'valid') throw new Error(`Conv2DBackpropFilter on wasm pads 'same' or 'valid' only, got ${String(pad)}`);
      const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
      // The WASM Conv3DBackpropFilterV2 disagrees with the CPU backend at stride 2 (measured in the
      // test); the tokenizer's convolutions all have stride 1 (it downsamples by max-pooling).
      if (sh !== 1 || sw !== 1) throw new Error(`Conv2DBackpropFilter on wasm supports stride 1 only, got ${sh}×${sw}`);
      const conv3d = tf.getKernel('Conv3DBackpropFilterV2', 'wasm');
      if (!conv3d) throw new Error('the WASM backend has no Conv3DBackpropFilterV2 to build the filter gradient from');
      const depth1 = (t: Info): Info => ({ ...t, shape: [t.shape[0]!, 1, ...t.shape.slice(1)] });
      const dw = conv3d.kernelFunc({
        inputs: { x: depth1(x), dy: depth1(dy) } as unknown as tf.NamedTensorMap,
        backend,
        attrs: { strides: [1, 1, 1], pad, filterShape: [1, ...filterShape] },
      }) as Info;
      return { ...dw, shape: [...filterShape] } as unknown as tf.TensorInfo;
    },
  });
}
