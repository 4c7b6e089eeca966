// The residual update of a ViT block with layer scale and stochastic depth, x + γ·a·m_b (m_b the
// per-sample drop-path factor, or 1), in one dispatch; backward: da = dy·γ·m_b in one, dγ as a
// column sum (two), and dx = dy. The plain ops take three forward and five backward dispatches.
import * as tf from '@tensorflow/tfjs';
import { type Backend, elementwise, flat, run } from './program';
import { columnSum } from './reduce';
import { OUT_SHAPE, OUTPUT, shapeOf, uniform } from './tfjsInternals';

/**
 * The drop-path factor of element i of the flat output: mask [B] read at i's sample. The elements
 * per sample come from the shape uniforms (output size / B), so any batch and any token count
 * share one pipeline.
 */
const SAMPLE_FACTOR = ` * mask[i / (${OUT_SHAPE} / ${shapeOf('mask')})]`;

/** Width D and element count of an activation [B, N, D] (or [B·N, D]). */
function dims(x: tf.TensorInfo): { D: number; size: number } {
  return { D: x.shape[x.shape.length - 1]!, size: tf.util.sizeFromShape(x.shape) };
}

/** x + a·γ·m; `mask` [B] or null. */
export function residualForward(backend: Backend, x: tf.TensorInfo, a: tf.TensorInfo, gamma: tf.TensorInfo, mask: tf.TensorInfo | null): tf.TensorInfo {
  const { D, size } = dims(x);
  const prog = elementwise(
    `caeResidual_${D}_${Boolean(mask)}`,
    mask ? ['x', 'a', 'gamma', 'mask'] : ['x', 'a', 'gamma'],
    size,
    `${OUTPUT}[i] = x[i] + a[i] * gamma[i % ${D}]${mask ? SAMPLE_FACTOR : ''};`,
  );
  const out = run(backend, prog, [flat(x), flat(a), gamma, ...(mask ? [mask] : [])]);
  return { ...out, shape: x.shape };
}

/** [da, dγ] for dy of the residual's shape. */
export function residualBackward(backend: Backend, dy: tf.TensorInfo, a: tf.TensorInfo, gamma: tf.TensorInfo, mask: tf.TensorInfo | null): tf.TensorInfo[] {
  const { D, size } = dims(dy);
  const withMask = (xs: string[]) => (mask ? [...xs, 'mask'] : xs);
  const maskIn = mask ? [mask] : [];
  const da = run(
    backend,
    elementwise(`caeResidualDa_${D}_${Boolean(mask)}`, withMask(['dy', 'gamma']), size, `${OUTPUT}[i] = dy[i] * gamma[i % ${D}]${mask ? SAMPLE_FACTOR : ''};`),
    [flat(dy), gamma, ...maskIn],
  );
  // Rows per sample, from the uniforms as well: rows / B.
  const term = `dy[at] * a[at]${mask ? ` * mask[r / (${uniform('rows')} / ${shapeOf('mask')})]` : ''}`;
  const dg = columnSum(backend, {
    key: `resDGamma_${Boolean(mask)}`,
    names: withMask(['dy', 'a']),
    inputs: [flat(dy), flat(a), ...maskIn],
    R: size / D,
    W: D,
    c0: 0,
    n: D,
    term,
  });
  return [{ ...da, shape: dy.shape }, dg];
}
