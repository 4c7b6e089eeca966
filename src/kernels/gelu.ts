// Exact (erf) GELU and its derivative as single elementwise dispatches. WGSL has no erf, so the
// kernel uses the same Abramowitz–Stegun 7.1.26 polynomial as TF.js's own WebGPU Erf (|error| ≤
// 1.5e-7), which keeps the fused and plain paths within float round-off of each other.
import * as tf from '@tensorflow/tfjs';
import { type Backend, elementwise, flat, run } from './program';

const ERF = `
  fn erfAS(v: f32) -> f32 {
    let a = abs(v);
    let t = 1.0 / (1.0 + 0.3275911 * a);
    let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
    return sign(v) * y;
  }`;

/** gelu(x) = 0.5·x·(1 + erf(x/√2)). */
export function geluForward(backend: Backend, x: tf.TensorInfo): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape);
  const out = run(backend, elementwise('caeGelu', ['x'], n, `let v = x[i]; result[i] = 0.5 * v * (1.0 + erfAS(v * 0.7071067811865476));`, ERF), [flat(x)]);
  return { ...out, shape: x.shape };
}

/** dy·gelu'(x) = dy·(0.5·(1 + erf(x/√2)) + x·φ(x)). */
export function geluBackward(backend: Backend, x: tf.TensorInfo, dy: tf.TensorInfo): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape);
  const body = `let v = x[i];
    let d = 0.5 * (1.0 + erfAS(v * 0.7071067811865476)) + v * 0.3989422804014327 * exp(-0.5 * v * v);
    result[i] = dy[i] * d;`;
  const out = run(backend, elementwise('caeGeluGrad', ['x', 'dy'], n, body, ERF), [flat(x), flat(dy)]);
  return { ...out, shape: x.shape };
}
