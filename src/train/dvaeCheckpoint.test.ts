import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Dvae } from '../model/dvae';
import type { DvaeConfig } from '../model/dvaeConfig';
import { dvaeFromFile } from '../model/dvaeWeights';
import { readSafetensors, type StTensor, writeSafetensors } from '../model/safetensors';
import { patternImages } from '../testing/batches';
import { loadDvaeCheckpoint, saveDvaeCheckpoint } from './dvaeCheckpoint';
import { dvaeTrainConfig } from './dvaeSchedule';
import { DvaeTrainer } from './dvaeTrainer';

const SMALL: DvaeConfig = { imgSize: 16, downsample: 4, vocabSize: 16, hiddenDim: 2, blocksPerGroup: 1 };
const TRAIN = dvaeTrainConfig(20, { seed: 4, batchSize: 2 });

describe('tokenizer checkpoints', () => {
  it('save → load → continue gives the same next steps as never stopping', async () => {
    const images = patternImages(2, 16, 5);
    const a = new DvaeTrainer(new Dvae(SMALL, 4), TRAIN);
    for (let i = 0; i < 2; i++) await a.trainStep({ images });
    const bytes = await saveDvaeCheckpoint(a, { dataCursor: '4' });
    const straight = [await a.trainStep({ images }), await a.trainStep({ images })];
    const r = loadDvaeCheckpoint(bytes);
    expect(r.resumed).toBe(true);
    expect(r.extra).toEqual({ dataCursor: '4' });
    expect(r.trainer.step).toBe(2);
    const resumed = [await r.trainer.trainStep({ images }), await r.trainer.trainStep({ images })];
    expect(resumed.map((s) => s.total)).toEqual(straight.map((s) => s.total));
    expect(Array.from(resumed[1]!.codes)).toEqual(Array.from(straight[1]!.codes));
    // The export (no optimizer) holds the same weights, read back through the config in its metadata.
    const exported = readSafetensors(await saveDvaeCheckpoint(r.trainer, {}, false));
    const m = dvaeFromFile(exported);
    const x = tf.randomUniform([1, 3, 16, 16], 0, 1, 'float32', 1) as tf.Tensor4D;
    expect(Array.from(m.logits(x).dataSync())).toEqual(Array.from(r.model.logits(x).dataSync()));
    tf.dispose([images, x]);
    [a, r.trainer].forEach((t) => t.dispose());
    [a.model, r.model, m].forEach((mm) => mm.dispose());
  });

  it('refuses files that do not fit, naming what is wrong', async () => {
    const t = new DvaeTrainer(new Dvae(SMALL, 1), TRAIN);
    const file = readSafetensors(await saveDvaeCheckpoint(t, {}, false));
    const rewrite = (f: (m: Map<string, StTensor>) => void, meta = file.metadata) => {
      const tensors = new Map(file.tensors);
      f(tensors);
      return writeSafetensors(tensors, meta);
    };
    expect(() => loadDvaeCheckpoint(rewrite((m) => m.delete('decoder.output.bias')))).toThrow(/missing tensor "decoder.output.bias" \(expected shape \[3\]\)/);
    expect(() => loadDvaeCheckpoint(rewrite((m) => m.set('encoder.output.bias', { dtype: 'F32', shape: [17], data: new Float32Array(17) })))).toThrow(
      /"encoder.output.bias" has shape \[17\], the tokenizer's config expects \[16\]/,
    );
    expect(() => loadDvaeCheckpoint(rewrite((m) => m.set('encoder.extra', { dtype: 'F32', shape: [1], data: new Float32Array(1) })))).toThrow(
      /unexpected tensor "encoder.extra"/,
    );
    expect(() => loadDvaeCheckpoint(rewrite((m) => m.set('decoder.output.bias', { dtype: 'F32', shape: [3], data: new Float32Array([0, NaN, 0]) })))).toThrow(
      /"decoder.output.bias" holds 1 NaN value/,
    );
    expect(() => loadDvaeCheckpoint(rewrite(() => undefined, { format: 'cae-notebook/1' }))).toThrow(/not a tokenizer: its metadata has no "dvae.model"/);
    t.dispose();
    t.model.dispose();
  });
});
