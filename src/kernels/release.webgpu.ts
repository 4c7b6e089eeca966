// Freed buffers go back to the pool before the submit batch is full once they pile up (Dawn in
// Node over SwiftShader here).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { useWebGpuBackend } from '../testing/webgpuNode';
import { kernelsActive, SUBMIT_BATCH } from './ops';
import { PENDING_FLOOR } from './release';
import { poolBytesUsed } from './tfjsInternals';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await useWebGpuBackend();
});

it('submits once freed buffers pile up (past the floor here), and then holds them no longer', async () => {
  expect(kernelsActive()).toBe(true); // useWebGpuBackend registered the kernels and installed the early submit on this backend
  expect(tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE')).toBe(SUBMIT_BATCH);
  const tensors = tf.memory().numTensors;
  const size = 16 * 2 ** 20;
  const live = tf.fill([size / 4], 1); // 16 MB held throughout
  await live.data(); // starts from a submitted queue
  const held = poolBytesUsed();
  // 16 dispatches of 16 MB each, freed in turn: far fewer than a submit batch, so without the
  // early submit every buffer would wait for the next submit and the pool would hold them all.
  let worst = 0;
  for (let i = 0; i < 16; i++) {
    const t = live.add(i);
    t.dispose();
    worst = Math.max(worst, poolBytesUsed() - held);
  }
  // Here the floor rules (16 MB live): at most the floor and the next buffer wait.
  expect(worst).toBeLessThanOrEqual(PENDING_FLOOR + 2 * size);
  expect(worst).toBeLessThan(16 * size);
  const values = await live.data();
  expect(values[0]).toBe(1);
  live.dispose();
  expect(tf.memory().numTensors).toBe(tensors);
});
