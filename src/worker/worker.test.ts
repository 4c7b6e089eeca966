// The worker's message handlers (worker.ts) in Node on the CPU backend, with the worker global
// stubbed: what it posts is collected, and messages go in through its onmessage as the page sends
// them. The order matters (one worker module, one state): before init, init, a run, an encoder.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MICRO } from '../model/presets';
import type { FromWorker, RunSpec, ToWorker } from '../protocol/messages';
import { defaultTrainConfig } from '../train/defaults';

const posted: FromWorker[] = [];
let onmessage: ((e: { data: ToWorker }) => void) | null = null;

/** Sends a message as the page would, and waits until `until` is among what the worker posted since. */
async function send(msg: ToWorker, until: (m: FromWorker) => boolean): Promise<FromWorker[]> {
  const from = posted.length;
  onmessage!({ data: msg });
  await vi.waitFor(() => expect(posted.slice(from).some(until)).toBe(true), { timeout: 60_000, interval: 20 });
  return posted.slice(from);
}

const spec = (id: string, totalSteps: number): RunSpec => ({
  id,
  presetId: 'micro',
  model: MICRO,
  train: { ...defaultTrainConfig('micro', 5), batchSize: 4, totalSteps, warmupSteps: 1 },
  dataset: 'shapes',
  checkpointEvery: 50,
  createdAt: 0,
});

beforeAll(async () => {
  const self = {
    postMessage: (m: FromWorker) => void posted.push(m),
    addEventListener: () => undefined,
    close: () => undefined,
    set onmessage(f: (e: { data: ToWorker }) => void) {
      onmessage = f;
    },
  };
  vi.stubGlobal('self', self);
  await import('./worker');
});
afterAll(() => void vi.unstubAllGlobals());

describe('the worker, given messages as the page sends them', () => {
  it('refuses a run before its backend is up, without failing it', async () => {
    const out = await send({ type: 'pretrain/start', run: spec('early', 2) }, (m) => m.type === 'pretrain/refused');
    expect(out).toContainEqual({ type: 'pretrain/refused', runId: 'early', message: 'Training cannot start: the worker has no backend yet.' });
  });

  it('starts the backend it is asked for and says which', async () => {
    const out = await send({ type: 'init', forceBackend: 'cpu' }, (m) => m.type === 'backend');
    expect(out.find((m) => m.type === 'backend')).toMatchObject({ info: { kind: 'cpu' } });
  });

  it('answers a fault hook with an error in a build without test hooks', async () => {
    const out = await send({ type: 'debug/crash' }, (m) => m.type === 'error');
    expect(out.find((m) => m.type === 'error')).toMatchObject({ message: expect.stringMatching(/^unhandled message \{"type":"debug\/crash"\}/) });
  });

  it('trains a run to its end, posts its checkpoints as Blobs, and offers it as an encoder only then', async () => {
    const out = await send({ type: 'pretrain/start', run: spec('r1', 3) }, (m) => m.type === 'encoders');
    const statuses = out.flatMap((m) => (m.type === 'pretrain/status' && m.runId === 'r1' ? [m.status] : []));
    expect(statuses).toEqual(['running', 'done']);
    const checkpoints = out.flatMap((m) => (m.type === 'pretrain/checkpoint' ? [m] : []));
    expect(checkpoints.map((c) => c.step)).toEqual([0, 3]);
    expect(checkpoints.every((c) => c.bytes instanceof Blob && c.bytes.size > 1000)).toBe(true);
    // The encoders list is the worker's: the run is in it once it ended, after its last checkpoint.
    const encoders = out.findIndex((m) => m.type === 'encoders');
    expect(encoders).toBeGreaterThan(out.lastIndexOf(checkpoints.at(-1)!));
    expect(out[encoders]).toMatchObject({ type: 'encoders', list: [{ runId: 'r1', presetId: 'micro', step: 3 }] });
  });

  it('refuses a checkpoint that is not one, naming the file, and keeps the encoders it had', async () => {
    const from = posted.length;
    const out = await send(
      { type: 'checkpoint/import', name: 'junk.safetensors', bytes: new Blob([new Uint8Array(64)]) },
      (m) => m.type === 'checkpoint/refused',
    );
    expect(out.find((m) => m.type === 'checkpoint/refused')).toMatchObject({ name: 'junk.safetensors', message: expect.any(String) });
    expect(posted.slice(from).some((m) => m.type === 'encoders')).toBe(false);
  });

  it('takes a kept run back as an encoder from its Blob', async () => {
    const checkpoint = posted.flatMap((m) => (m.type === 'pretrain/checkpoint' && m.runId === 'r1' ? [m.bytes] : [])).at(-1)!;
    const out = await send(
      { type: 'checkpoint/import', name: 'r1-copy.safetensors', bytes: checkpoint, runId: 'r1-copy', presetId: 'micro' },
      (m) => m.type === 'encoders',
    );
    const list = out.flatMap((m) => (m.type === 'encoders' ? m.list.map((e) => [e.runId, e.step]) : []));
    expect(list).toEqual([
      ['r1', 3],
      ['r1-copy', 3],
    ]);
  });
});
