// The worker's tokenizer/* commands and token-target runs (issue 24) in Node on the CPU backend,
// with the worker global stubbed as in worker.test.ts: messages go in as the page sends them.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MICRO } from '../model/presets';
import type { FromWorker, RunSpec, TokenizerSpec, ToWorker } from '../protocol/messages';
import { useFastCpuConv } from '../testing/fastCpuConv';
import { defaultTrainConfig } from '../train/defaults';

const posted: FromWorker[] = [];
let onmessage: ((e: { data: ToWorker }) => void) | null = null;

async function send(msg: ToWorker, until: (m: FromWorker) => boolean): Promise<FromWorker[]> {
  const from = posted.length;
  onmessage!({ data: msg });
  await vi.waitFor(() => expect(posted.slice(from).some(until)).toBe(true), { timeout: 60_000, interval: 20 });
  return posted.slice(from);
}

const tokenizer = (id: string, downsample: number): TokenizerSpec => ({
  id,
  presetId: downsample === 8 ? 'micro' : 'vit-tiny-p4-32',
  model: { imgSize: 32, downsample, vocabSize: 16, hiddenDim: 4, blocksPerGroup: 1 },
  totalSteps: 2,
  batchSize: 4,
  seed: 1,
  dataset: 'shapes-easy',
  checkpointEvery: 50,
  createdAt: 0,
});

const tokenRun = (id: string, tok: TokenizerSpec): RunSpec => ({
  id,
  presetId: 'micro',
  model: { ...MICRO, target: 'token', vocabSize: 16 },
  train: { ...defaultTrainConfig('micro', 5), batchSize: 4, totalSteps: 2, warmupSteps: 1 },
  dataset: 'shapes-easy',
  checkpointEvery: 50,
  createdAt: 0,
  tokenizer: { id: tok.id, model: tok.model, step: 2 },
});

beforeAll(async () => {
  useFastCpuConv();
  vi.stubGlobal('self', {
    postMessage: (m: FromWorker) => void posted.push(m),
    addEventListener: () => undefined,
    close: () => undefined,
    set onmessage(f: (e: { data: ToWorker }) => void) {
      onmessage = f;
    },
  });
  await import('./worker');
  await send({ type: 'init', forceBackend: 'cpu' }, (m) => m.type === 'backend');
});
afterAll(() => void vi.unstubAllGlobals());

describe('the worker’s tokenizers', () => {
  const micro = tokenizer('tok-micro', 8);
  const p4 = tokenizer('tok-p4', 4);
  let p4Bytes: Blob | null = null;

  it('trains a tokenizer to its end and then holds it for token targets', async () => {
    const out = await send({ type: 'tokenizer/start', spec: micro }, (m) => m.type === 'tokenizer/list');
    expect(out.flatMap((m) => (m.type === 'tokenizer/status' ? [m.status] : []))).toEqual(['running', 'done']);
    expect(out.find((m) => m.type === 'tokenizer/list')).toMatchObject({ list: [{ id: 'tok-micro', model: micro.model, step: 2 }] });
  });

  it('runs a token-target run with a held tokenizer', async () => {
    const out = await send({ type: 'pretrain/start', run: tokenRun('r-tok', micro) }, (m) => m.type === 'encoders');
    expect(out.flatMap((m) => (m.type === 'pretrain/status' ? [m.status] : []))).toEqual(['running', 'done']);
    const points = out.flatMap((m) => (m.type === 'pretrain/metrics' ? m.points : []));
    expect(points.map((p) => p.step)).toEqual([0, 1]);
  });

  it('refuses, in words, a token run whose tokenizer is not held or does not fit, and a file that is no tokenizer', async () => {
    const missing = await send({ type: 'pretrain/start', run: tokenRun('r-missing', tokenizer('tok-gone', 8)) }, (m) => m.type === 'pretrain/refused');
    expect(missing.find((m) => m.type === 'pretrain/refused')).toMatchObject({ message: expect.stringMatching(/tokenizer tok-gone is not loaded/) });
    const trained = await send({ type: 'tokenizer/start', spec: p4 }, (m) => m.type === 'tokenizer/list');
    const cp = trained.filter((m) => m.type === 'tokenizer/checkpoint').at(-1);
    if (cp?.type !== 'tokenizer/checkpoint') throw new Error('no checkpoint');
    p4Bytes = cp.bytes;
    const wrong = await send({ type: 'pretrain/start', run: tokenRun('r-wrong', p4) }, (m) => m.type === 'pretrain/refused');
    expect(wrong.find((m) => m.type === 'pretrain/refused')).toMatchObject({
      message: expect.stringMatching(/Training cannot start: the tokenizer makes a 8×8 grid of codes .* 4×4 patches/),
    });
    const junk = await send(
      { type: 'tokenizer/load', id: 'tok-junk', name: 'junk.safetensors', bytes: new Blob([new Uint8Array(64)]) },
      (m) => m.type === 'tokenizer/refused',
    );
    expect(junk.find((m) => m.type === 'tokenizer/refused')).toMatchObject({
      id: 'tok-junk',
      message: expect.stringMatching(/^junk.safetensors is not a tokenizer this notebook can use: /),
    });
  });

  it('takes a kept tokenizer’s bytes under its id', async () => {
    const out = await send({ type: 'tokenizer/load', id: 'tok-kept', name: 'tok-kept.safetensors', bytes: p4Bytes! }, (m) => m.type === 'tokenizer/list');
    const list = out.find((m) => m.type === 'tokenizer/list');
    expect(list?.type === 'tokenizer/list' && list.list.map((t) => [t.id, t.step])).toContainEqual(['tok-kept', 2]);
  });
});
