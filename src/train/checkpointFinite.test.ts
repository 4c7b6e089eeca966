// Damaged checkpoints: NaN and ±Inf in a weight or an optimizer moment are refused on every load
// path (import check, model load, run resume), naming the tensor, and leave nothing allocated.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Cae } from '../model/cae';
import { readModelCheckpoint } from '../model/checkpoint';
import { badValues, DamagedCheckpointError } from '../model/finite';
import { MICRO } from '../model/presets';
import { readSafetensors, writeSafetensors, type StTensor } from '../model/safetensors';
import { loadModelWeights, modelFromCheckpoint } from '../model/weights';
import { PAPER_TRAIN } from './config';
import { assertCheckpointFinite, loadCheckpoint, saveCheckpoint } from './checkpoint';
import { CaeTrainer } from './trainer';

const TRAIN = { ...PAPER_TRAIN, batchSize: 2, baseBatch: 2, totalSteps: 10, warmupSteps: 1 };
const QKV = 'encoder.blocks.0.attn.qkv.weight';

/** A real run checkpoint (weights and moments) of the micro preset, as the worker keeps it. */
async function runFile(): Promise<{ tensors: Map<string, StTensor>; metadata: Record<string, string> }> {
  const trainer = new CaeTrainer(new Cae(MICRO, 0), TRAIN);
  const f = readSafetensors(await saveCheckpoint(trainer));
  trainer.dispose();
  trainer.model.dispose();
  return { tensors: new Map(f.tensors), metadata: { ...f.metadata } };
}

/** The same file with `values` written at the start of one tensor. */
function poisoned(good: Awaited<ReturnType<typeof runFile>>, name: string, values: number[]): Uint8Array {
  const t = good.tensors.get(name)!;
  const data = Float32Array.from(t.data);
  data.set(values);
  return writeSafetensors(new Map([...good.tensors, [name, { ...t, data }]]), good.metadata);
}

describe('non-finite checkpoints', () => {
  it('describe what is wrong, counting each kind', () => {
    expect(badValues(Float32Array.from([1, 2]))).toBeNull();
    expect(badValues([NaN])).toBe('1 NaN value');
    expect(badValues([NaN, NaN, Infinity, -Infinity, -Infinity])).toBe('2 NaN values, 1 +Inf value and 2 -Inf values');
    expect(badValues([-1, 0.5])).toBeNull();
    expect(badValues([-1, 0.5], true)).toBe('1 negative value');
  });

  const cases: [string, string, number[], RegExp][] = [
    ['NaN in a weight', QKV, [NaN], /tensor "encoder.blocks.0.attn.qkv.weight" holds 1 NaN value; the checkpoint is damaged and was not loaded/],
    ['+Inf in a weight', 'decoder.head.bias', [Infinity, 1, Infinity], /"decoder.head.bias" holds 2 \+Inf values/],
    ['-Inf in a weight', 'encoder.norm.weight', [-Infinity], /"encoder.norm.weight" holds 1 -Inf value/],
    ['NaN in a frozen position table', 'encoder.pos_embed', [NaN], /"encoder.pos_embed" holds 1 NaN value/],
    ['NaN in a first moment', `optimizer.exp_avg.${QKV}`, [0, NaN], /"optimizer.exp_avg.encoder.blocks.0.attn.qkv.weight" holds 1 NaN value/],
    ['+Inf in a second moment', 'optimizer.exp_avg_sq.decoder.head.weight', [Infinity], /"optimizer.exp_avg_sq.decoder.head.weight" holds 1 \+Inf value/],
    ['-Inf in a first moment', 'optimizer.exp_avg.encoder.cls_token', [-Infinity], /"optimizer.exp_avg.encoder.cls_token" holds 1 -Inf value/],
    ['a negative second moment', 'optimizer.exp_avg_sq.encoder.norm.bias', [-1e-3], /"optimizer.exp_avg_sq.encoder.norm.bias" holds 1 negative value/],
  ];

  for (const [what, name, values, message] of cases) {
    it(`refuse ${what} on import and on resume, allocating nothing`, async () => {
      const good = await runFile();
      expect(good.tensors.has(name), name).toBe(true);
      const bytes = poisoned(good, name, values);
      const before = tf.memory().numTensors;
      // Import: the worker checks the file against the parameter table before keeping it.
      const { config, file } = readModelCheckpoint(bytes);
      expect(() => assertCheckpointFinite(file, config)).toThrow(DamagedCheckpointError);
      expect(() => assertCheckpointFinite(file, config)).toThrow(message);
      // Resume: a kept run's checkpoint from IndexedDB goes through loadCheckpoint.
      expect(() => loadCheckpoint(bytes)).toThrow(message);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('refuse a damaged weight when loading a model for probes and the lab, leaving it unchanged', async () => {
    const good = await runFile();
    const bytes = poisoned(good, QKV, [1, Infinity, NaN]);
    const before = tf.memory().numTensors;
    expect(() => modelFromCheckpoint(readModelCheckpoint(bytes))).toThrow(/"encoder.blocks.0.attn.qkv.weight" holds 1 NaN value and 1 \+Inf value/);
    expect(tf.memory().numTensors).toBe(before);
    const model = new Cae(MICRO, 0);
    const was = await model.vars.get(QKV)!.data();
    expect(() => loadModelWeights(model, readSafetensors(bytes))).toThrow(DamagedCheckpointError);
    expect(await model.vars.get(QKV)!.data()).toEqual(was);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuse NaN stored as half precision (widened on read)', async () => {
    const good = await runFile();
    const name = 'encoder.norm.bias';
    const n = good.tensors.get(name)!.data.length;
    const half = new Uint16Array(n).fill(0x3c00); // 1.0
    half[3] = 0x7e00; // a quiet NaN
    // Written without the tensor, then the F16 copy appended at the end of the data section.
    const rest = writeSafetensors(
      [...good.tensors].filter(([k]) => k !== name),
      good.metadata,
    );
    const headerLen = new DataView(rest.buffer, rest.byteOffset).getUint32(0, true);
    const dataLen = rest.length - 8 - headerLen;
    const header = JSON.parse(new TextDecoder().decode(rest.subarray(8, 8 + headerLen))) as Record<string, unknown>;
    header[name] = { dtype: 'F16', shape: [n], data_offsets: [dataLen, dataLen + 2 * n] };
    const h = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + h.length + dataLen + 2 * n);
    new DataView(out.buffer).setUint32(0, h.length, true);
    out.set(h, 8);
    out.set(rest.subarray(8 + headerLen), 8 + h.length);
    out.set(new Uint8Array(half.buffer), 8 + h.length + dataLen);
    expect(() => loadCheckpoint(out)).toThrow(/"encoder.norm.bias" holds 1 NaN value/);
  });

  it('load a finite checkpoint as before', async () => {
    const good = await runFile();
    const run = loadCheckpoint(writeSafetensors(good.tensors, good.metadata));
    expect(run.resumed).toBe(true);
    run.trainer.dispose();
    run.model.dispose();
  });
});
