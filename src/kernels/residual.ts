// The residual update of a ViT block with layer scale and stochastic depth, x + γ·a·m_b (m_b the
// per-sample drop-path factor, or 1), in one dispatch; backward: da = dy·γ·m_b in one, dγ as a
// column sum (two), and dx = dy. The plain ops take three forward and five backward dispatches.
import * as tf from '@tensorflow/tfjs';
import { type Backend, elementwise, flat, run } from './program';
import { columnSum } from './reduce';

/** Rows per sample N and width D of a [B, N, D] (or [B·N, D]) activation with B samples. */
function dims(x: tf.TensorInfo, B: number): { D: number; N: number; size: number } {
  const size = tf.util.sizeFromShape(x.shape);
  const D = x.shape[x.shape.length - 1]!;
  return { D, N: size / D / B, size };
}

/** x + a·γ·m; `mask` [B] or null. */
export function residualForward(backend: Backend, x: tf.TensorInfo, a: tf.TensorInfo, gamma: tf.TensorInfo, mask: tf.TensorInfo | null): tf.TensorInfo {
  const { D, N, size } = dims(x, x.shape[0]!);
  const m = mask ? ` * mask[i / ${N * D}]` : '';
  const prog = elementwise(`caeResidual_${D}_${N}_${Boolean(mask)}`, mask ? ['x', 'a', 'gamma', 'mask'] : ['x', 'a', 'gamma'], size, `result[i] = x[i] + a[i] * gamma[i % ${D}]${m};`);
  const out = run(backend, prog, [flat(x), flat(a), gamma, ...(mask ? [mask] : [])]);
  return { ...out, shape: x.shape };
}

/** [da, dγ] for dy of the residual's shape. */
export function residualBackward(backend: Backend, dy: tf.TensorInfo, a: tf.TensorInfo, gamma: tf.TensorInfo, mask: tf.TensorInfo | null): tf.TensorInfo[] {
  const B = dy.shape[0]!;
  const { D, N, size } = dims(dy, B);
  const m = mask ? ` * mask[i / ${N * D}]` : '';
  const withMask = (xs: string[]) => (mask ? [...xs, 'mask'] : xs);
  const maskIn = mask ? [mask] : [];
  const da = run(backend, elementwise(`caeResidualDa_${D}_${N}_${Boolean(mask)}`, withMask(['dy', 'gamma']), size, `result[i] = dy[i] * gamma[i % ${D}]${m};`), [flat(dy), gamma, ...maskIn]);
  const term = `dy[at] * a[at]${mask ? ` * mask[r / ${N}]` : ''}`;
  const dg = columnSum(backend, { key: `resDGamma_${Boolean(mask)}`, names: withMask(['dy', 'a']), inputs: [flat(dy), flat(a), ...maskIn], R: B * N, W: D, c0: 0, n: D, term });
  return [{ ...da, shape: dy.shape }, dg];
}
