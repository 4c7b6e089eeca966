// The tiled matmul against TF.js's own on a real WebGPU implementation (Dawn over SwiftShader
// here): every transpose, bias and GELU combination at both tile sizes, at sizes that are not
// multiples of any tile or slice; then fusedLinear's gradients against the plain ops.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWebGpuBackend } from '../testing/webgpuNode';
import { gelu } from '../model/layers';
import { Rng } from '../model/random';
import { maxRelDiff, randomTensor, uniformValues } from '../testing/compare';
import { matmulTensor, type Epilogue, type Tile } from './matmul';
import { fusedLinear, kernelsActive, kernelChoice, useKernels } from './ops';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await useWebGpuBackend();
  kernelsActive(); // useWebGpuBackend registered the kernels fusedLinear runs; this checks it
});

/** A random [rows, cols] matrix as a tensor, and the same values stored transposed ([cols, rows]). */
function matrix(rows: number, cols: number, rng: Rng): { plain: tf.Tensor; transposed: tf.Tensor } {
  const v = uniformValues(rows * cols, rng);
  const t = new Float32Array(v.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = v[r * cols + c]!;
  return { plain: tf.tensor(v, [rows, cols]), transposed: tf.tensor(t, [cols, rows]) };
}

/** The plain-ops exact GELU (tf.erf), whatever the kernels switch says elsewhere. */
function plainGelu(x: tf.Tensor): tf.Tensor {
  useKernels({ ...kernelChoice(), fused: false });
  try {
    return gelu(x);
  } finally {
    useKernels({ ...kernelChoice(), fused: true });
  }
}

// [M, N, K]: one row and a K within one slice; sizes beside the tiles (64, 128) and slices (8,
// 16); K over many slices with a ragged last one; several ragged tiles along both M and N.
const SHAPES = [
  [1, 5, 3],
  [7, 129, 65],
  [130, 5, 200],
  [257, 129, 20],
] as const;

async function check(tile: Tile, transA: boolean, transB: boolean, withBias: boolean, epilogue: Epilogue): Promise<void> {
  const rng = new Rng(tile + Number(transA) * 2 + Number(transB) * 3 + Number(withBias) * 5);
  for (const [M, N, K] of SHAPES) {
    // op(A) [M, K] and op(B) [K, N], stored transposed where asked (transposed here, on the CPU,
    // so the reference is always tf.matMul(op(A), op(B)): one TF.js program per shape to compile).
    const a = matrix(M, K, rng);
    const b = matrix(K, N, rng);
    const bias = withBias ? randomTensor([N], rng) : null;
    const before = tf.memory().numTensors;
    const [got, want] = tf.tidy(() => {
      const ref = tf.matMul(a.plain, b.plain);
      const pre = bias ? ref.add(bias) : ref;
      const y = matmulTensor(transA ? a.transposed : a.plain, transB ? b.transposed : b.plain, { transA, transB, bias, epilogue, tile });
      return [y, epilogue === 'gelu' ? plainGelu(pre) : pre];
    });
    const err = maxRelDiff(await got!.data(), await want!.data());
    tf.dispose([got!, want!]);
    expect(tf.memory().numTensors).toBe(before);
    expect(got!.shape).toEqual([M, N]);
    expect(err, `[${M}, ${N}, ${K}]`).toBeLessThan(1e-5);
    tf.dispose([a.plain, a.transposed, b.plain, b.transposed, ...(bias ? [bias] : [])]);
  }
}

// Each pipeline costs SwiftShader ~3 s to compile, so not the whole product: a Latin square in
// which every transpose case runs at both tiles, and every bias × GELU combination at both tiles
// and with two transpose cases (the epilogue code does not depend on the loads). [A, B, bias, GELU].
const SQUARE: Record<Tile, [boolean, boolean, boolean, boolean][]> = {
  64: [
    [false, false, false, false],
    [false, true, true, true],
    [true, false, true, false],
    [true, true, false, true],
  ],
  128: [
    [false, false, true, true],
    [false, true, false, false],
    [true, false, false, true],
    [true, true, true, false],
  ],
};

describe('tiled matmul', () => {
  for (const tile of [64, 128] as const)
    for (const [transA, transB, withBias, act] of SQUARE[tile]) {
      const name = `${act ? 'GELU(' : ''}A${transA ? 'ᵀ' : ''}·B${transB ? 'ᵀ' : ''}${withBias ? ' + bias' : ''}${act ? ')' : ''}`;
      it(`${name} matches the plain ops, tile ${tile}`, () => check(tile, transA, transB, withBias, act ? 'gelu' : 'none'));
    }
});

describe('fusedLinear on the tiled matmul', () => {
  beforeAll(() => useKernels({ ...kernelChoice(), tiledMatmul: true }));
  afterAll(() => useKernels({ ...kernelChoice(), tiledMatmul: false }));
  // x's shape, N, bias, GELU.
  const cases: [number[], number, boolean, boolean][] = [
    [[257, 65], 129, true, true],
    [[2, 33, 40], 96, true, false],
    [[130, 200], 5, false, false],
  ];
  for (const [xShape, N, withBias, act] of cases) {
    it(`matches the plain ops and their gradients for x [${xShape}], N ${N}${withBias ? ', bias' : ''}${act ? ', GELU' : ''}`, async () => {
      const rng = new Rng(N);
      const K = xShape[xShape.length - 1]!;
      const xs = [randomTensor(xShape, rng), randomTensor([N, K], rng), ...(withBias ? [randomTensor([N], rng)] : [])];
      const r = randomTensor([...xShape.slice(0, -1), N], rng);
      const before = tf.memory().numTensors;
      const fused = (x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor) => fusedLinear(x, w, b, act);
      const plain = (x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor) => {
        const y = tf.matMul(x.reshape([-1, K]), w, false, true).reshape(r.shape);
        const z = b ? y.add(b) : y;
        return act ? plainGelu(z) : z;
      };
      const valueAndGrads = (f: (...a: tf.Tensor[]) => tf.Tensor) =>
        tf.tidy(() => [
          f(...xs),
          ...tf.grads((...a: tf.Tensor[]) =>
            f(...a)
              .mul(r)
              .sum(),
          )(xs),
        ]);
      const got = valueAndGrads(fused as never);
      const want = valueAndGrads(plain as never);
      for (let i = 0; i < got.length; i++) {
        expect(got[i]!.shape).toEqual(want[i]!.shape);
        expect(maxRelDiff(await got[i]!.data(), await want[i]!.data()), `output ${i}`).toBeLessThan(1e-5);
      }
      tf.dispose([...got, ...want]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([...xs, r]);
    });
  }
});
