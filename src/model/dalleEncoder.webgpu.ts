// DALL-E's converted encoder on WebGPU (Dawn over SwiftShader), with the engine's default kernels:
// the PyTorch fixture's logits within 1e-5 (relative) and its codes, token targets without leaks.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { normalizeImageNet } from '../data/augment';
import { useWebGpuBackend } from '../testing/webgpuNode';
import { DEFAULT_ENGINE, applyEngine } from '../train/engine';
import { readSafetensors } from './safetensors';
import { dalleEncoderFromFile } from './tokenizer';
import { tokenTargets } from './tokenTargets';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await useWebGpuBackend();
  applyEngine(DEFAULT_ENGINE);
});

const FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), '../../pytorch/tests/fixtures/dalle-encoder-tiny.safetensors');

it("DALL-E's encoder on WebGPU: PyTorch's logits and codes, token targets, no leaks", async () => {
  const file = readSafetensors(new Uint8Array(readFileSync(FIXTURE)));
  const get = (n: string) => file.tensors.get(n)!;
  const enc = dalleEncoderFromFile({ ...file, tensors: new Map([...file.tensors].filter(([n]) => !['input', 'logits', 'codes'].includes(n))) });
  const x = tf.tensor4d(get('input').data as Float32Array, get('input').shape as [number, number, number, number]);
  const logits = enc.logits(x);
  const got = (await logits.data()) as Float32Array;
  const want = get('logits').data as Float32Array;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  expect(diff, `max |Δ| ${diff} at scale ${scale}`).toBeLessThanOrEqual(1e-5 * scale);
  const B = x.shape[0];
  const px = get('input').data as Float32Array;
  const norm = new Float32Array(px.length);
  for (let b = 0; b < B; b++) norm.set(normalizeImageNet(px.slice(b * 3 * 32 * 32, (b + 1) * 3 * 32 * 32)), b * 3 * 32 * 32);
  const batch = tf.tensor4d(norm, x.shape);
  const before = tf.memory().numTensors;
  const tokens = await tokenTargets(enc, batch);
  expect(tf.memory().numTensors).toBe(before);
  expect(tokens.length).toBe(B * 16); // the fixture's 4×4 codes per image
  expect(Array.from(tokens)).toEqual(Array.from(get('codes').data as Int32Array));
  tf.dispose([x, logits, batch]);
  enc.dispose();
});
