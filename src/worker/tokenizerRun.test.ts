import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { builtinDataset } from '../data/shapes';
import { BatchLoader } from '../data/loader';
import { Dvae } from '../model/dvae';
import { MICRO } from '../model/presets';
import { readSafetensors } from '../model/safetensors';
import { tokenizerPixels } from '../model/tokenTargets';
import type { FromWorker, RunSpec, TokenizerSpec } from '../protocol/messages';
import { readTokenizer } from './tokenizerCheckpoint';
import { runRecordingTokens } from '../testing/tokenRunSpy';
import { defaultTrainConfig } from '../train/defaults';
import { useFastCpuConv } from '../testing/fastCpuConv';
import { PretrainRun } from './pretrainRun';
import { TokenizerRun } from './tokenizerRun';

const spec = (totalSteps: number, checkpointEvery = 50): TokenizerSpec => ({
  id: 'tok-test',
  presetId: 'micro',
  model: { imgSize: 32, downsample: 8, vocabSize: 16, hiddenDim: 4, blocksPerGroup: 1 },
  totalSteps,
  batchSize: 4,
  seed: 3,
  dataset: 'shapes-easy',
  checkpointEvery,
  createdAt: 0,
});
// The stock CPU conv filter gradient takes seconds per layer.
useFastCpuConv();

const ds = () => builtinDataset('shapes-easy', 3, 32, { train: 64, val: 8 });

describe('a tokenizer run in the worker (CPU backend)', () => {
  it('trains to the end, streams losses, codebook usage and reconstructions, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const msgs: FromWorker[] = [];
    const run = new TokenizerRun(spec(3), (m) => msgs.push(m), ds());
    await run.run();
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(msgs.flatMap((m) => (m.type === 'tokenizer/status' ? [m.status] : []))).toEqual(['running', 'done']);
    const points = msgs.flatMap((m) => (m.type === 'tokenizer/metrics' ? m.points : []));
    expect(points.map((p) => p.step)).toEqual([0, 1, 2]);
    for (const p of points) {
      expect(Number.isFinite(p.total) && p.reconstruction > 0 && p.kl >= 0).toBe(true);
      expect(p.perplexity).toBeGreaterThanOrEqual(1);
      expect(p.perplexity).toBeLessThanOrEqual(16);
      expect(p.deadCodes).toBeGreaterThanOrEqual(0);
      expect(p.deadCodes).toBeLessThan(16);
    }
    expect(points[0]!.temperature).toBe(1); // DALL-E's start
    const view = msgs.find((m) => m.type === 'tokenizer/view');
    expect(view && view.type === 'tokenizer/view' && [view.view.count, view.view.recon.length, view.view.original.length]).toEqual([
      6,
      6 * 32 * 32 * 4,
      6 * 32 * 32 * 4,
    ]);
    const cps = msgs.flatMap((m) => (m.type === 'tokenizer/checkpoint' ? [m.step] : []));
    expect(cps).toEqual([0, 3]);
  });

  it("trains with the spec's learning rate and KL weight β", async () => {
    const msgs: FromWorker[] = [];
    const run = new TokenizerRun({ ...spec(2), baseLr: 1e-3, klWeight: 0.25 }, (m) => msgs.push(m), ds());
    await run.run();
    run.dispose();
    const points = msgs.flatMap((m) => (m.type === 'tokenizer/metrics' ? m.points : []));
    // β warms up over one step here (0.42 % of 2, at least 1): 0 at step 0, the spec's from step 1.
    expect(points.map((p) => p.klWeight)).toEqual([0, 0.25]);
  });

  it('resumes from its checkpoint exactly: the same losses as the run that went on', async () => {
    const straight: FromWorker[] = [];
    const a = new TokenizerRun(spec(4, 2), (m) => straight.push(m), ds());
    await a.run();
    a.dispose();
    const cp = straight.find((m) => m.type === 'tokenizer/checkpoint' && m.step === 2);
    if (cp?.type !== 'tokenizer/checkpoint') throw new Error('no checkpoint at step 2');
    const resumed: FromWorker[] = [];
    const b = new TokenizerRun(spec(4, 2), (m) => resumed.push(m), ds(), new Uint8Array(await cp.bytes.arrayBuffer()));
    await b.run();
    b.dispose();
    const tail = (msgs: FromWorker[]) => msgs.flatMap((m) => (m.type === 'tokenizer/metrics' ? m.points : [])).filter((p) => p.step >= 2);
    expect(tail(resumed).map((p) => [p.step, p.total])).toEqual(tail(straight).map((p) => [p.step, p.total]));
  });
});

describe('a tokenizer run whose GPU device is lost', () => {
  it('ends as interrupted, keeping its last checkpoint, without hanging or leaking', async () => {
    const before = tf.memory().numTensors;
    const msgs: FromWorker[] = [];
    const run = new TokenizerRun(
      spec(1000, 2),
      (m) => {
        msgs.push(m);
        if (m.type === 'tokenizer/checkpoint' && m.step === 2) run.markDeviceLost('test: device destroyed');
      },
      ds(),
    );
    await run.run();
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const last = msgs.filter((m) => m.type === 'tokenizer/status').at(-1);
    expect(last).toMatchObject({ status: 'interrupted', message: expect.stringMatching(/device was lost \(test: device destroyed\).*checkpoint from step 2/) });
    expect(run.step).toBeLessThan(1000);
  });
});

describe('token-target pretraining in the worker (CPU backend)', () => {
  const tokenSpec: RunSpec = {
    id: 'tok-run',
    presetId: 'micro',
    model: { ...MICRO, target: 'token', vocabSize: 16 },
    tokenizer: { id: 'tok-x', model: spec(1).model, step: 1 },
    train: { ...defaultTrainConfig('micro', 5), batchSize: 4, totalSteps: 2, warmupSteps: 1 },
    dataset: 'shapes-easy',
    checkpointEvery: 50,
    createdAt: 0,
  };

  it('trains on the tokenizer’s codes of the very batch, leaking no tensor', async () => {
    const tokenizer = new Dvae(spec(1).model, 7);
    // The targets the run builds equal the argmax codes computed here on the same crop.
    const loader = new BatchLoader(ds(), 4, tokenSpec.train.seed);
    const b = await loader.next();
    const expected = tf.tidy(
      () =>
        tokenizer
          .codes(tokenizerPixels(tf.tensor4d(b.images, [4, 3, 32, 32]), 32))
          .reshape([-1])
          .arraySync() as number[],
    );
    const { msgs, seen, tensorsChange } = await runRecordingTokens(tokenSpec, ds(), tokenizer);
    expect(tensorsChange).toBe(-tokenizer.specs.length);
    expect(msgs.flatMap((m) => (m.type === 'pretrain/status' ? [m.status] : []))).toEqual(['running', 'done']);
    expect(seen.length).toBe(2);
    // Its live view decodes codes through the tokenizer.
    expect(msgs.some((m) => m.type === 'pretrain/recon' && m.view.recon.length === 6 * 32 * 32 * 4)).toBe(true);
    // Its checkpoint names the tokenizer whose codes it predicts.
    const cp = msgs.filter((m) => m.type === 'pretrain/checkpoint').at(-1);
    if (cp?.type !== 'pretrain/checkpoint') throw new Error('no checkpoint');
    expect(JSON.parse(readSafetensors(new Uint8Array(await cp.bytes.arrayBuffer())).metadata['run.tokenizer']!)).toMatchObject({ id: 'tok-x' });
    expect(Array.from(seen[0]!)).toEqual(expected);
    const points = msgs.flatMap((m) => (m.type === 'pretrain/metrics' ? m.points : []));
    // Cross-entropy over 16 codes starts near ln 16.
    expect(points[0]!.reconstruction).toBeGreaterThan(0.5 * Math.log(16));
    expect(points[0]!.reconstruction).toBeLessThan(2 * Math.log(16));
  });

  it('refuses a tokenizer whose grid is not the patch grid, in words', () => {
    const wrong = new Dvae({ imgSize: 32, downsample: 4, vocabSize: 16, hiddenDim: 4, blocksPerGroup: 1 }, 1);
    expect(() => new PretrainRun(tokenSpec, () => undefined, undefined, ds(), undefined, wrong)).toThrow(/8×8 grid of codes .* 4×4 patches/);
    expect(() => new PretrainRun(tokenSpec, () => undefined, undefined, ds())).toThrow(/token targets need a tokenizer/);
    wrong.dispose();
  });

  it('reads a tokenizer back from its checkpoint bytes', async () => {
    const msgs: FromWorker[] = [];
    const run = new TokenizerRun(spec(1), (m) => msgs.push(m), ds());
    await run.run();
    const bytes = run.checkpoint!;
    run.dispose();
    const { tokenizer, step } = readTokenizer(bytes);
    expect([tokenizer.config.vocabSize, step]).toEqual([16, 1]);
    tokenizer.dispose();
  });
});
