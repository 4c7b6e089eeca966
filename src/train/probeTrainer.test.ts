import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../model/random';
import { ProbePair, type ProbeTrainConfig } from './probeTrainer';

const D = 16;
const T = 9;
const K = 4;

/**
 * Features with a planted, linearly separable class signal: class k adds 3·e_k to the CLS token
 * and to one randomly placed patch token; everything else is noise.
 */
function planted(rng: Rng, B: number): { x: tf.Tensor3D; y: Int32Array } {
  const data = new Float32Array(B * T * D);
  const y = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    y[b] = rng.randint(0, K - 1);
    for (let i = 0; i < T * D; i++) data[b * T * D + i] = rng.normal();
    const tok = rng.randint(1, T - 1);
    data[b * T * D + y[b]!]! += 3;
    data[b * T * D + tok * D + y[b]!]! += 3;
  }
  return { x: tf.tensor3d(data, [B, T, D]), y };
}

const CFG: ProbeTrainConfig = {
  seed: 1,
  batchSize: 64,
  totalSteps: 150,
  warmupSteps: 10,
  pooling: 'cls',
  // The official linear probe runs LARS at 0.1 × 16384/256 = 6.4: the trust ratio (0.001) needs it.
  linearBaseLr: 6.4,
  linearBaseBatch: 64,
  attentiveBaseLr: 0.4,
  attentiveBaseBatch: 256,
  momentum: 0.9,
  attentiveEvalBn: 'batch',
};

describe('linear and attentive probes', () => {
  it('both reach high accuracy on a planted linearly separable signal', async () => {
    const probes = new ProbePair(D, 4, K, CFG);
    const rng = new Rng(2);
    let last = { linearLoss: 0, attentiveLoss: 0 };
    for (let i = 0; i < CFG.totalSteps; i++) {
      const { x, y } = planted(rng, CFG.batchSize);
      last = await probes.train(x, y);
      x.dispose();
    }
    const test = planted(new Rng(99), 512);
    const ok = await probes.correct(test.x, test.y);
    console.log(`planted signal: linear ${ok.linear / 512}, attentive ${ok.attentive / 512}, last losses ${JSON.stringify(last)}`);
    expect(ok.linear / 512).toBeGreaterThan(0.9);
    expect(ok.attentive / 512).toBeGreaterThan(0.9);
    const maps = probes.attention(test.x);
    expect(maps.shape).toEqual([512, 4, T]);
    const sums = await maps.sum(-1).data();
    expect(Array.from(sums).every((s) => Math.abs(s - 1) < 1e-4)).toBe(true);
    tf.dispose([test.x, maps]);
    probes.dispose();
  });

  it('holds the tensor count flat over many steps and releases everything on dispose', async () => {
    const before = tf.memory().numTensors;
    const probes = new ProbePair(D, 2, K, CFG);
    const rng = new Rng(3);
    const { x, y } = planted(rng, 8);
    await probes.train(x, y);
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) await probes.train(x, y);
    await probes.correct(x, y);
    probes.attention(x).dispose();
    expect(tf.memory().numTensors).toBe(after1);
    x.dispose();
    probes.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("evaluates the attentive probe's BatchNorm with batch statistics (official) or running averages, as asked", async () => {
    const { x, y } = planted(new Rng(4), 64);
    const spread: number[] = [];
    for (const mode of ['batch', 'running'] as const) {
      const probes = new ProbePair(D, 2, K, { ...CFG, attentiveEvalBn: mode });
      await probes.train(x, y); // one step: the running averages are still 0.9·init + 0.1·batch
      const z = probes.logits(x, false);
      const bn = tf.tidy(() => z.attentive.sub(z.attentive.mean(0)).square().mean());
      spread.push((await bn.data())[0]!);
      tf.dispose([z.linear, z.attentive, bn]);
      probes.dispose();
    }
    // Batch statistics whiten the batch; the barely moved running averages leave it as it was.
    expect(Math.abs(spread[0]! - spread[1]!) / spread[0]!).toBeGreaterThan(0.1);
    x.dispose();
  });
});
