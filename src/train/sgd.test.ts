import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Lars, SgdNesterov } from './sgd';

describe('probe optimizers', () => {
  it('SGD with Nesterov momentum matches torch worked by hand', async () => {
    // p = 1, lr 0.1, m 0.9, gradients 1 then 1:
    // step 1: buf = 1, p ← 1 − 0.1·(1 + 0.9·1) = 0.81
    // step 2: buf = 0.9 + 1 = 1.9, p ← 0.81 − 0.1·(1 + 0.9·1.9) = 0.539
    const p = tf.variable(tf.tensor1d([1]));
    const opt = new SgdNesterov([p], 0.9);
    const g = tf.tensor1d([1]);
    opt.apply([g], 0.1);
    expect((await p.data())[0]).toBeCloseTo(0.81, 6);
    opt.apply([g], 0.1);
    expect((await p.data())[0]).toBeCloseTo(0.539, 6);
    tf.dispose([p, g]);
    opt.dispose();
  });

  it('LARS scales matrix updates by trust·‖p‖/‖g‖ and leaves 1-D parameters plain', async () => {
    // W = [[3, 4]] (‖W‖ = 5), g = [[0, 2]] (‖g‖ = 2): q = 0.001·5/2 = 0.0025, dp = [[0, 0.005]];
    // mu = dp; W ← W − 1·mu = [[3, 3.995]]. Bias b = [1], g = [2]: plain momentum step b ← 1 − 1·2 = −1.
    const w = tf.variable(tf.tensor2d([[3, 4]]));
    const b = tf.variable(tf.tensor1d([1]));
    const opt = new Lars([w, b]);
    const gs = [tf.tensor2d([[0, 2]]), tf.tensor1d([2])];
    opt.apply(gs, 1);
    const wv = await w.data();
    expect(wv[0]).toBeCloseTo(3, 6);
    expect(wv[1]).toBeCloseTo(3.995, 6);
    expect((await b.data())[0]).toBeCloseTo(-1, 6);
    tf.dispose([w, b, ...gs]);
    opt.dispose();
  });
});
