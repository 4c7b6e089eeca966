import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxRelDiff } from '../testing/compare';
import { meanSquaredError } from './mse';

describe('meanSquaredError', () => {
  it("gives TF.js's mean of squared differences and its gradient, and keeps no tensor", async () => {
    const a = tf.variable(tf.randomNormal([6, 5, 7], 0, 1, 'float32', 3));
    const b = tf.randomNormal([6, 5, 7], 0, 1, 'float32', 4);
    const before = tf.memory().numTensors;
    const ours = tf.variableGrads(() => meanSquaredError(a.mul(1.5), b), [a]);
    const theirs = tf.variableGrads(() => tf.mean(tf.squaredDifference(a.mul(1.5), b)), [a]);
    expect(Math.abs((await ours.value.data())[0]! - (await theirs.value.data())[0]!)).toBeLessThan(1e-6);
    expect(maxRelDiff(await ours.grads[a.name]!.data(), await theirs.grads[a.name]!.data())).toBeLessThan(1e-6);
    tf.dispose([ours.value, theirs.value, ours.grads, theirs.grads] as never);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });

  it('keeps its target alive for the backward pass even when the target was made in the recorded function', () => {
    const a = tf.variable(tf.tensor1d([1, 2, 3]));
    const { grads, value } = tf.variableGrads(() => meanSquaredError(a, tf.tensor1d([1, 1, 1])), [a]);
    // 2(a − b)/n = [0, 2/3, 4/3]
    expect(Array.from(grads[a.name]!.dataSync())).toEqual([0, 2 / 3, 4 / 3].map((x) => Math.fround(x)));
    expect(value.dataSync()[0]).toBeCloseTo(5 / 3, 6);
    tf.dispose([value, grads[a.name]!, a]);
  });
});
