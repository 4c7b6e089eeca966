// Gradients of mean and sum that broadcast dy back over the reduced axes. TF.js's own (tfjs-core
// 4.x Mean_grad, Sum_grad) build ones(x.shape) on the CPU, upload it and multiply dy by it: every
// step, a full-size array filled and uploaded for each MSE loss (29 MB at vit-s-p16-224 batch 64),
// and twice for each LayerNorm on the plain-ops path (tf.moments). Broadcasting (one Tile kernel)
// gives the same values bit for bit: dy·1 = dy, and (dy·1)/n = dy/n. `registerReductionGrads`
// (called once, through model/register.ts, by the worker's backend set-up and the test set-up)
// replaces TF.js's for every caller; importing the module changes nothing.
import * as tf from '@tensorflow/tfjs';

/** dy [reduced shape] seen with the reduced axes of x kept as size 1. */
function keepDims(dy: tf.Tensor, x: tf.Tensor, axis: unknown): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis as number | number[], x.shape);
  return dy.reshape(x.shape.map((s, i) => (axes.includes(i) ? 1 : s)));
}

let registered = false;

/** Replaces TF.js's Sum and Mean gradients for the whole process (once; later calls do nothing). */
export function registerReductionGrads(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: 'Sum',
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => ({ x: () => tf.broadcastTo(keepDims(dy as tf.Tensor, x!, attrs.axis), x!.shape) }),
  });

  tf.registerGradient({
    kernelName: 'Mean',
    inputsToSave: ['x'],
    gradFunc: (dy, [x], attrs) => {
      const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x!.shape);
      const n = axes.reduce((p, a) => p * x!.shape[a]!, 1);
      return { x: () => tf.broadcastTo(keepDims(dy as tf.Tensor, x!, attrs.axis).div(n), x!.shape) };
    },
  });
}
