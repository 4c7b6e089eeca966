// Exact (erf) GELU and its derivative as single elementwise dispatches. WGSL has no erf, so the
// kernel uses the same Abramowitz–Stegun 7.1.26 polynomial as TF.js's own WebGPU Erf (|error| ≤
// 1.5e-7), which keeps the fused and plain paths within float round-off of each other.
import * as tf from '@tensorflow/tfjs';
import { type Backend, elementwise, flat, run } from './program';
import { OUTPUT } from './tfjsInternals';

const ERF = `
  fn erfAS(v: f32) -> f32 {
    let a = abs(v);
    let t = 1.0 / (1.0 + 0.3275911 * a);
    let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
    return sign(v) * y;
  }`;

/**
 * WGSL for any kernel that applies GELU: geluOf(v) = 0.5·v·(1 + erf(v/√2)) and its derivative
 * geluSlope(v) = 0.5·(1 + erf(v/√2)) + v·φ(v). One copy, so every fused path rounds alike.
 */
export const GELU_WGSL = `${ERF}
  fn geluOf(v: f32) -> f32 { return 0.5 * v * (1.0 + erfAS(v * 0.7071067811865476)); }
  fn geluSlope(v: f32) -> f32 { return 0.5 * (1.0 + erfAS(v * 0.7071067811865476)) + v * 0.3989422804014327 * exp(-0.5 * v * v); }`;

/** gelu(x) = 0.5·x·(1 + erf(x/√2)). */
export function geluForward(backend: Backend, x: tf.TensorInfo): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape);
  const out = run(backend, elementwise('caeGelu', ['x'], n, `${OUTPUT}[i] = geluOf(x[i]);`, GELU_WGSL), [flat(x)]);
  return { ...out, shape: x.shape };
}

/** dy·gelu'(x) = dy·(0.5·(1 + erf(x/√2)) + x·φ(x)). */
export function geluBackward(backend: Backend, x: tf.TensorInfo, dy: tf.TensorInfo): tf.TensorInfo {
  const n = tf.util.sizeFromShape(x.shape);
  const out = run(backend, elementwise('caeGeluGrad', ['x', 'dy'], n, `${OUTPUT}[i] = dy[i] * geluSlope(x[i]);`, GELU_WGSL), [flat(x), flat(dy)]);
  return { ...out, shape: x.shape };
}
