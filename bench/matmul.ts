// Microbenchmark of the tiled matmul against TF.js's own on WebGPU, at the linear layers' shapes of
// vit-s-p8-64 at batch 64 (encoder rows M = 64·33 = 2112), forward and backward, and 4096³. Per
// shape, one JSON line with ms and GFLOP/s of: the tiled kernel, the tiled kernel with bias and
// GELU, tf.matMul, and tf.fused.matMul with bias. Wall time per call over `iters` calls with one
// read-back at the end (which waits for the GPU), after `warmup` calls (which compile).
//   npm run bench:matmul -- [--quick] [--iters 10] [--warmup 2]
// --quick: the same layer list at batch 4 and a quarter of the widths, no 4096³ (for SwiftShader).
import * as tf from '@tensorflow/tfjs';
import { arg, run } from './cli';
import { matmulTensor, tileFor } from '../src/kernels/matmul';
import { kernelsActive } from '../src/kernels/ops';
import { useWebGpuBackend } from '../src/testing/webgpuNode';

interface Shape {
  readonly name: string;
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

/** The encoder's linear layers (width D, MLP 4D) over M rows: forward X·Wᵀ, backward dY·W and dYᵀ·X. */
function layerShapes(M: number, D: number): Shape[] {
  const layers: [string, number, number][] = [
    ['qkv', 3 * D, D],
    ['proj', D, D],
    ['fc1', 4 * D, D],
    ['fc2', D, 4 * D],
  ];
  return layers.flatMap(([name, out, inp]) => [
    { name: `${name} fwd`, M, N: out, K: inp, transA: false, transB: true },
    { name: `${name} dx`, M, N: inp, K: out, transA: false, transB: false },
    { name: `${name} dw`, M: out, N: inp, K: M, transA: true, transB: false },
  ]);
}

/** ms per call of f, its outputs disposed, synchronised by reading the last one back. */
async function time(f: () => tf.Tensor, warmup: number, iters: number): Promise<number> {
  for (let i = 0; i < warmup; i++) {
    const y = f();
    await y.data();
    y.dispose();
  }
  const t0 = performance.now();
  let y = f();
  for (let i = 1; i < iters; i++) {
    y.dispose();
    y = f();
  }
  await y.data();
  y.dispose();
  return (performance.now() - t0) / iters;
}

async function main(): Promise<void> {
  tf.env().set('PROD', true);
  const quick = process.argv.includes('--quick');
  const iters = Number(arg('iters', quick ? '3' : '10'));
  const warmup = Number(arg('warmup', quick ? '1' : '2'));
  const adapter = await useWebGpuBackend();
  kernelsActive(); // useWebGpuBackend applied the app's backend settings (submit batch); this checks it
  console.log(JSON.stringify({ adapter, iters, warmup, quick }));
  const shapes = quick ? layerShapes(4 * 33, 96) : [...layerShapes(64 * 33, 384), { name: '4096³', M: 4096, N: 4096, K: 4096, transA: false, transB: true }];
  for (const s of shapes) {
    const a = tf.randomNormal(s.transA ? [s.K, s.M] : [s.M, s.K]);
    const b = tf.randomNormal(s.transB ? [s.N, s.K] : [s.K, s.N]);
    const bias = tf.randomNormal([s.N]);
    const o = { transA: s.transA, transB: s.transB };
    const variants: Record<string, () => tf.Tensor> = {
      tiled: () => matmulTensor(a, b, o),
      tiledBiasGelu: () => matmulTensor(a, b, { ...o, bias, epilogue: 'gelu' }),
      tfMatMul: () => tf.matMul(a, b, s.transA, s.transB),
      tfFusedBias: () => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeA: s.transA, transposeB: s.transB, bias }),
    };
    const ms: Record<string, number> = {};
    const gflops: Record<string, number> = {};
    for (const [name, f] of Object.entries(variants)) {
      const t = await time(f, warmup, iters);
      ms[name] = Number(t.toFixed(3));
      gflops[name] = Number(((2 * s.M * s.N * s.K) / (t * 1e6)).toPrecision(3));
    }
    console.log(JSON.stringify({ ...s, tile: tileFor(s.M, s.N), ms, gflops, tiledVsTf: Number((ms.tfMatMul! / ms.tiled!).toFixed(2)) }));
    tf.dispose([a, b, bias]);
  }
}

run(main);
