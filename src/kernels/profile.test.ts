import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { profileStep } from './profile';

describe('profileStep', () => {
  it('counts every kernel of a step by name, most expensive first, and disposes nothing it should keep', async () => {
    const a = tf.randomNormal([64, 64]);
    const before = tf.memory().numTensors;
    const p = await profileStep(7, async () => {
      const y = tf.tidy(() => a.matMul(a).add(1).matMul(a).relu());
      await y.data();
      y.dispose();
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(p.step).toBe(7);
    const calls = Object.fromEntries(p.kernels.map((k) => [k.name, k.calls]));
    expect(calls.BatchMatMul).toBe(2);
    expect(calls.Relu).toBe(1);
    expect(p.kernels.reduce((s, k) => s + k.calls, 0)).toBe(p.kernelCount);
    // The CPU backend times its kernels: times are present and sorted.
    expect(p.gpuMs).not.toBeNull();
    for (let i = 1; i < p.kernels.length; i++) expect(p.kernels[i - 1]!.ms!).toBeGreaterThanOrEqual(p.kernels[i]!.ms!);
    a.dispose();
  });
});
