// Every fused kernel against the plain-ops path on a real WebGPU implementation (Dawn in Node over
// SwiftShader here): forward values and gradients, at shapes that are not multiples of any tile,
// with one head and with batch 1.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWebGpuBackend } from '../testing/webgpuNode';
import { crossAttention, gelu, layerNorm, linear, residual, selfAttention, type DropPath, type Params } from '../model/layers';
import { Rng } from '../model/random';
import { maxRelDiff, randomTensor } from '../testing/compare';
import { kernelChoice, useKernels } from './ops';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await useWebGpuBackend();
});

/** Value and gradients of Σ f(inputs)·w (w random, so every output element matters) with the kernels on or off. */
async function run(fused: boolean, f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], seed: number): Promise<Float32Array[]> {
  useKernels({ ...kernelChoice(), fused });
  try {
    const out = tf.tidy(() => {
      const y = f(...xs);
      const w = randomTensor(y.shape, new Rng(seed));
      const g = tf.grads((...a: tf.Tensor[]) =>
        f(...a)
          .mul(w)
          .sum(),
      )(xs);
      return [y, ...g];
    });
    const vals = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(out);
    return vals;
  } finally {
    useKernels({ ...kernelChoice(), fused: true });
  }
}

/** `restart` runs before each path, so stateful inputs (drop-path draws) repeat on both. */
async function compare(f: (...xs: tf.Tensor[]) => tf.Tensor, shapes: number[][], seed: number, tol = 2e-5, restart = () => {}): Promise<void> {
  const rng = new Rng(seed);
  const xs = shapes.map((s) => randomTensor(s, rng));
  const before = tf.memory().numTensors;
  restart();
  const fused = await run(true, f, xs, seed + 1);
  restart();
  const plain = await run(false, f, xs, seed + 1);
  expect(tf.memory().numTensors).toBe(before);
  const errs = fused.map((f, i) => maxRelDiff(f, plain[i]!));
  if (process.env.KERNEL_DEBUG) console.log(errs);
  for (const e of errs) expect(e).toBeLessThan(tol);
  tf.dispose(xs);
}

const paramsOf =
  (m: Record<string, tf.Tensor>): Params =>
  (n) =>
    m[n]!;

describe('fused LayerNorm', () => {
  for (const shape of [
    [1, 1, 7],
    [2, 5, 33],
    [3, 64],
    [1, 130, 384],
  ]) {
    it(`matches the plain ops for ${JSON.stringify(shape)}`, async () => {
      const D = shape[shape.length - 1]!;
      await compare((x, w, b) => layerNorm(x!, paramsOf({ 'n.weight': w!, 'n.bias': b! }), 'n'), [shape, [D], [D]], D);
    });
  }
});

describe('fused linear', () => {
  // x [..., K], W [N, K]: rank 2 and 3, one row, widths beside any tile; with and without bias.
  for (const [xShape, N, bias] of [
    [[1, 3], 5, true],
    [[2, 7, 33], 65, true],
    [[3, 17, 64], 130, false],
  ] as const) {
    it(`matches the plain ops for x ${JSON.stringify(xShape)}, N=${N}${bias ? '' : ', no bias'}`, async () => {
      const K = xShape[xShape.length - 1]!;
      const f = bias ? (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => linear(x, w, b) : (x: tf.Tensor, w: tf.Tensor) => linear(x, w);
      await compare(f as never, [[...xShape], [N, K], ...(bias ? [[N]] : [])], N + K);
    });
  }
});

describe('fused GELU', () => {
  for (const shape of [[1], [7, 131]]) {
    it(`matches the plain ops for ${JSON.stringify(shape)}`, async () => {
      await compare((x) => gelu(x!.mul(3)), [shape], shape.length);
    });
  }
});

describe('fused scaled residual', () => {
  // [B, N, D] and the drop-path rate (0: no mask input).
  for (const [B, N, D, rate] of [
    [1, 5, 7, 0],
    [3, 9, 33, 0.5],
    [2, 65, 64, 0.25],
  ] as const) {
    it(`matches the plain ops for B=${B} N=${N} D=${D} drop ${rate}`, async () => {
      let dp: DropPath = { rng: new Rng(1) };
      const f = (x: tf.Tensor, a: tf.Tensor, g: tf.Tensor) => residual(x, a, g, rate, dp);
      await compare(f as never, [[B, N, D], [B, N, D], [D]], B + N + D, 2e-5, () => (dp = { rng: new Rng(1) }));
    });
  }
});

describe('fused self-attention', () => {
  // [B, N, D, heads]: one head; batch 1; sequence lengths beside the tile sizes (and over 64 queries
  // a workgroup); head widths 8, 16, 64.
  for (const [B, N, D, H] of [
    [1, 5, 8, 1],
    [2, 37, 32, 2],
    [1, 70, 64, 1],
    [3, 17, 64, 4],
  ] as const) {
    it(`matches the plain ops for B=${B} N=${N} D=${D} heads=${H}`, async () => {
      const f = (x: tf.Tensor, w: tf.Tensor, qb: tf.Tensor, vb: tf.Tensor, pw: tf.Tensor, pb: tf.Tensor) =>
        selfAttention(x, paramsOf({ 'a.qkv.weight': w, 'a.q_bias': qb, 'a.v_bias': vb, 'a.proj.weight': pw, 'a.proj.bias': pb }), 'a', H);
      await compare(f as never, [[B, N, D], [3 * D, D], [D], [D], [D, D], [D]], N + D);
    });
  }
});

describe('fused cross-attention', () => {
  for (const [B, Nq, Nk, D, H] of [
    [1, 5, 70, 16, 1],
    [2, 33, 9, 48, 3],
  ] as const) {
    it(`matches the plain ops for B=${B} Nq=${Nq} Nk=${Nk} D=${D} heads=${H}`, async () => {
      const f = (
        xq: tf.Tensor,
        xk: tf.Tensor,
        xv: tf.Tensor,
        wq: tf.Tensor,
        wk: tf.Tensor,
        wv: tf.Tensor,
        qb: tf.Tensor,
        vb: tf.Tensor,
        pw: tf.Tensor,
        pb: tf.Tensor,
      ) =>
        crossAttention(
          xq,
          xk,
          xv,
          paramsOf({ 'c.q.weight': wq, 'c.k.weight': wk, 'c.v.weight': wv, 'c.q_bias': qb, 'c.v_bias': vb, 'c.proj.weight': pw, 'c.proj.bias': pb }),
          'c',
          H,
        );
      await compare(f as never, [[B, Nq, D], [B, Nk, D], [B, Nk, D], [D, D], [D, D], [D, D], [D], [D], [D, D], [D]], Nq + Nk);
    });
  }
});
