import { describe, expect, it } from 'vitest';
import type { DatasetMeta } from '../data/stored';
import type { CaeConfig } from '../model/config';
import type { EncoderEntry } from '../protocol/messages';
import { MICRO, MINI } from '../model/presets';
import { evalPatch } from './components/evalFields';
import { buildProbeSpec, chanceFor, formFor, initialProbeForm, probedPreset } from './probeForm';

const meta = (o: Partial<DatasetMeta>): DatasetMeta =>
  ({
    id: 'd1',
    name: 'flowers',
    source: 'folder',
    status: 'ready',
    storedSize: 64,
    classes: ['a', 'b', 'c', 'd'],
    trainSize: 900,
    valSize: 100,
    counts: { train: [], val: [] },
    split: { by: 'folders' },
    imagesPerChunk: 1,
    chunks: 1,
    bytes: 0,
    skipped: [],
    skippedCount: 0,
    preview: { size: 8, count: 0, rgba: new Uint8ClampedArray(), labels: [] },
    createdAt: 0,
    ...o,
  }) as DatasetMeta;
const fallback = { presetId: 'micro', model: MICRO };
const enc = { runId: 'run-a', presetId: 'micro', step: 4000, model: MICRO };

describe('the evaluation form', () => {
  it('builds the default spec: the learnable set, the frozen readouts to convergence on the test split, a baseline', () => {
    const spec = buildProbeSpec({ ...initialProbeForm(), encoder: 'run-a' }, enc, undefined, fallback, 7);
    if (typeof spec === 'string') throw new Error(spec);
    expect(spec.dataset).toBe('shapes-easy');
    expect(spec.encoder).toEqual({ kind: 'run', runId: 'run-a' });
    expect(spec.evaluation.evals).toEqual(['lin', 'att', 'knn']);
    expect(spec.evaluation.linear).toBe('logistic');
    expect(spec.evaluation.plateau!.maxEpochs).toBe(100);
    expect(spec.split).toBe('test');
    expect(spec.evaluation.baseline).toBe(true);
    expect(spec.probe.totalSteps).toBe(Math.floor(2000 / 64) * 10);
    expect(spec.probe.warmupSteps).toBe(31);
    expect(spec.probe.attentiveEvalBn).toBe('batch');
    expect(chanceFor('shapes-easy', [])).toBe(0.1);
    expect(chanceFor('d1', [meta({})])).toBe(0.25);
  });

  it('counts only the images an import holds, and refuses what cannot run with a reason', () => {
    const f = initialProbeForm();
    const ok = buildProbeSpec({ ...f, dataset: 'd1' }, undefined, meta({}), fallback, 1);
    if (typeof ok === 'string') throw new Error(ok);
    expect([ok.trainImages, ok.valImages]).toEqual([900, 100]);
    expect(buildProbeSpec({ ...f, dataset: 'gone' }, undefined, undefined, fallback, 1)).toMatch(/not kept in this browser/);
    expect(buildProbeSpec({ ...f, dataset: 'd1' }, undefined, meta({ classes: [] }), fallback, 1)).toMatch(/needs labels, and flowers has none/);
    expect(buildProbeSpec({ ...f, dataset: 'd1' }, undefined, meta({ valSize: 0 }), fallback, 1)).toMatch(/no held-out \(test\) images/);
    // Without a held-out split, results can still be read on validation images carved from the training images.
    const carved = buildProbeSpec({ ...f, dataset: 'd1', split: 'val' }, undefined, meta({ valSize: 0 }), fallback, 1);
    if (typeof carved === 'string') throw new Error(carved);
    expect([carved.split, carved.valImages]).toEqual(['val', 500]);
    const cap = (maxEpochs: number) => ({ ...f, evaluation: { ...f.evaluation, plateau: { ...f.evaluation.plateau!, maxEpochs } } });
    expect(buildProbeSpec(cap(0), undefined, undefined, fallback, 1)).toMatch(/ATT epoch cap/);
    expect(buildProbeSpec({ ...f, encoder: 'run-x' }, undefined, undefined, fallback, 1)).toMatch(/not available in this session/);
    expect(buildProbeSpec({ ...f, evaluation: { ...f.evaluation, evals: [] } }, undefined, undefined, fallback, 1)).toMatch(/at least one evaluation/);
    expect(buildProbeSpec({ ...f, evaluation: { ...f.evaluation, seeds: 0 } }, undefined, undefined, fallback, 1)).toMatch(/Seeds/);
    const share = (labelFraction: number) => ({ ...f, evaluation: { ...f.evaluation, fineTune: { ...f.evaluation.fineTune, labelFraction } } });
    expect(buildProbeSpec(share(0), undefined, undefined, fallback, 1)).toMatch(/labelled share/);
    expect(typeof buildProbeSpec(share(0.01), undefined, undefined, fallback, 1)).toBe('object');
    expect(buildProbeSpec({ ...f, warmupEpochs: 10 }, undefined, undefined, fallback, 1)).toMatch(
      /^Warmup epochs must be below the LIN epochs \(\d+\) \(got 10\)\.$/,
    );
  });

  it('names each failing condition on its own line, with the values that fail', () => {
    const f = initialProbeForm();
    const refused = buildProbeSpec({ ...f, epochs: 2, warmupEpochs: 3, trainImages: 5, valImages: 0 }, undefined, undefined, fallback, 1);
    expect(typeof refused).toBe('string');
    const lines = (refused as string).split('\n');
    expect(lines).toEqual([
      'Warmup epochs must be below the LIN epochs (2) (got 3).',
      `Training images must be at least one probe batch (${f.probe.batchSize}) (got 5).`,
      'Test images must be a whole number of at least 1 (got 0).',
    ]);
    expect(buildProbeSpec({ ...f, epochs: 0 }, undefined, undefined, fallback, 1)).toMatch(/^LIN epochs must be a whole number of at least 1 \(got 0\)\./);
  });

  it("reads each encoder at its preset's own ATT rate until the user sets one, then at theirs", () => {
    const f = { ...initialProbeForm(), encoder: 'run-b' };
    const mini = { runId: 'run-b', presetId: 'mini', step: 4000, model: MINI };
    const rate = (form: typeof f, e: EncoderEntry | null = mini, fb: { presetId: string; model: CaeConfig } = fallback) => {
      const spec = buildProbeSpec(form, e ?? undefined, undefined, fb, 1);
      if (typeof spec === 'string') throw new Error(spec);
      return spec.probe.attentiveBaseLr;
    };
    // mini: ×16 the official 0.4, chosen for it on the validation split; micro keeps ×64.
    expect(rate(f)).toBeCloseTo(6.4, 10);
    expect(rate({ ...f, encoder: 'run-a' }, enc)).toBeCloseTo(25.6, 10);
    expect(rate({ ...f, encoder: 'random' }, null, { presetId: 'mini', model: MINI })).toBeCloseTo(6.4, 10);
    expect(rate({ ...f, encoder: 'random' }, null)).toBeCloseTo(25.6, 10);
    // The field shows what will run.
    expect(formFor(f, 'mini').probe.attentiveBaseLr).toBeCloseTo(6.4, 10);
    expect(formFor(f, 'micro')).toBe(f);
    // Once typed, the user's rate holds on every preset.
    const p = evalPatch(f, 'sgdLr', 3.2);
    const typed = { ...f, ...p.form, probe: { ...f.probe, ...p.probe } };
    expect(rate(typed)).toBe(3.2);
    expect(rate({ ...typed, encoder: 'run-a' }, enc)).toBe(3.2);
  });

  it("knows the read encoder's preset: the worker's, a kept run's, or the pretraining form's for random init", () => {
    const s = (encoder: string) => ({
      probeForm: { ...initialProbeForm(), encoder },
      encoders: [{ runId: 'imported:w.safetensors', presetId: 'mini', step: 1, model: MINI }],
      runs: [{ spec: { id: 'run-k', presetId: 'mini' } }],
      form: { presetId: 'micro' },
    });
    expect(probedPreset(s('imported:w.safetensors'))).toBe('mini');
    expect(probedPreset(s('run-k'))).toBe('mini');
    expect(probedPreset(s('random'))).toBe('micro');
  });
});
