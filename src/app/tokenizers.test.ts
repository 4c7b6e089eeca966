import { beforeEach, describe, expect, it } from 'vitest';
import { MICRO, VIT_TINY_P4_32 } from '../model/presets';
import type { TokenizerEntry, TokenizerPoint } from '../protocol/messages';
import { defaultTrainConfig } from '../train/defaults';
import { testProbeSpec } from '../testing/probeSpec';
import { newSweep, nextAction, pointLabel, type SweepSpec } from './sweep/sweep';
import { buildSweepSpec } from './sweep/sweepForm';
import { useStore } from './store';
import { tokenizerSeries } from './tokenizerCharts';
import { DVAE_RECIPE } from '../train/dvaeSchedule';
import { buildTokenizerSpec, initialTokenizerForm, targetWords, tokenizerChoices, tokenizerMismatch, withTokenizer } from './tokenizers';

const micro: TokenizerEntry = { id: 'tok-a', model: { imgSize: 32, downsample: 8, vocabSize: 64, hiddenDim: 8, blocksPerGroup: 1 }, step: 20 };
const p4: TokenizerEntry = { id: 'tok-b', model: { imgSize: 32, downsample: 4, vocabSize: 128, hiddenDim: 8, blocksPerGroup: 1 }, step: 20 };
const runSpec = { id: 'r', presetId: 'micro', model: MICRO, train: defaultTrainConfig('micro'), dataset: 'shapes-easy', checkpointEvery: 50, createdAt: 0 };

describe('the tokenizer form', () => {
  it('builds a spec whose grid is the preset patch grid', () => {
    const spec = buildTokenizerSpec(initialTokenizerForm('micro'), 'tok-1', 5);
    expect(spec).toMatchObject({ id: 'tok-1', presetId: 'micro', model: { imgSize: 32, downsample: 8, vocabSize: 256, hiddenDim: 8 }, createdAt: 5 });
    // The recipe's rate and β are written into the spec, so a record keeps them if the defaults change.
    expect(spec).toMatchObject({ baseLr: DVAE_RECIPE.baseLr, klWeight: DVAE_RECIPE.klWeight });
    expect(buildTokenizerSpec({ ...initialTokenizerForm(), klWeight: 0.3, baseLr: 1e-3 }, 't', 0)).toMatchObject({ klWeight: 0.3, baseLr: 1e-3 });
  });

  it('starts each preset from the tokenizer presets’ K and width', () => {
    useStore.getState().chooseTokenizerPreset('vit-tiny-p4-32');
    expect(useStore.getState().tokenizerForm).toMatchObject({ presetId: 'vit-tiny-p4-32', vocabSize: 512, hiddenDim: 16 });
    useStore.getState().reset();
  });

  it('refuses bad fields in words, naming the paper’s K', () => {
    expect(buildTokenizerSpec({ ...initialTokenizerForm(), vocabSize: 1 }, 't', 0)).toMatch(/codebook size K .* 8192/);
    expect(buildTokenizerSpec({ ...initialTokenizerForm(), totalSteps: 0 }, 't', 0)).toMatch(/steps/);
    expect(buildTokenizerSpec({ ...initialTokenizerForm(), batchSize: 2.5 }, 't', 0)).toMatch(/batch/);
    expect(buildTokenizerSpec({ ...initialTokenizerForm(), baseLr: 0 }, 't', 0)).toMatch(/learning rate must be a number above 0/);
    expect(buildTokenizerSpec({ ...initialTokenizerForm(), baseLr: NaN }, 't', 0)).toMatch(/learning rate/);
    expect(buildTokenizerSpec({ ...initialTokenizerForm(), klWeight: -1 }, 't', 0)).toMatch(/KL weight β must be a number of at least 0/);
    expect(buildTokenizerSpec({ ...initialTokenizerForm(), klWeight: 0 }, 't', 0)).not.toBeTypeOf('string'); // β = 0: a plain autoencoder, allowed
  });
});

describe('a tokenizer’s fit to a pretraining preset', () => {
  it('fits when its grid is the patch grid, and says why not otherwise', () => {
    expect(tokenizerMismatch(micro.id, micro.model, MICRO)).toBeNull();
    const why = tokenizerMismatch(p4.id, p4.model, MICRO);
    expect(why).toMatch(/8×8 grid of codes .* 4×4 patches/);
    // Another input size with the same grid fits (DALL-E's 112 px for 224-px models).
    expect(tokenizerMismatch('d', { ...micro.model, imgSize: 64, downsample: 16 }, MICRO)).toBeNull();
  });

  it('makes a token-target spec with the tokenizer’s K, or refuses a mismatch', () => {
    const spec = withTokenizer(runSpec, micro);
    if (typeof spec === 'string') throw new Error(spec);
    expect(spec.model).toMatchObject({ target: 'token', vocabSize: 64 });
    expect(spec.tokenizer).toEqual({ id: 'tok-a', model: micro.model, step: 20 });
    expect(targetWords(spec)).toBe('tokens (tok-a, K=64)');
    expect(targetWords(runSpec)).toBe('pixels');
    expect(withTokenizer(runSpec, p4)).toMatch(/cannot use this tokenizer: .*4×4 patches/);
    expect(withTokenizer({ ...runSpec, model: VIT_TINY_P4_32 }, p4)).not.toBeTypeOf('string');
    expect(withTokenizer(runSpec, undefined)).toMatch(/train one in the Tokenizer view/);
  });

  it('offers kept tokenizers with a checkpoint and those the worker holds, once each', () => {
    const kept = [
      { spec: { id: 'tok-a', model: micro.model } as never, checkpoint: {}, step: 3 },
      { spec: { id: 'tok-none', model: micro.model } as never, checkpoint: null, step: 0 },
    ];
    expect(tokenizerChoices(kept, [micro, p4]).map((t) => [t.id, t.step])).toEqual([
      ['tok-a', 20],
      ['tok-b', 20],
    ]);
  });
});

describe('the tokenizer slice', () => {
  beforeEach(() => useStore.getState().reset());
  const point = (step: number): TokenizerPoint => ({ step, total: 1, reconstruction: 0.5, kl: 2, klWeight: 0, temperature: 1, perplexity: 30, deadCodes: 3 });

  it('follows its run and ignores other tokenizers’ messages', () => {
    const spec = buildTokenizerSpec(initialTokenizerForm(), 'tok-1', 0);
    if (typeof spec === 'string') throw new Error(spec);
    const s = useStore.getState();
    s.tokenizerStarted(spec);
    s.receive({ type: 'tokenizer/status', id: 'tok-1', status: 'running', step: 0, message: null });
    s.receive({ type: 'tokenizer/metrics', id: 'tok-1', points: [0, 1, 2].map(point), imgPerSec: 9 });
    s.receive({ type: 'tokenizer/metrics', id: 'tok-other', points: [point(7)], imgPerSec: 9 });
    s.receive({ type: 'tokenizer/checkpoint', id: 'tok-1', step: 3, bytes: new Blob([]) });
    expect(useStore.getState().tokenizerRun).toMatchObject({ status: 'running', step: 2, imgPerSec: 9, checkpointStep: 3 });
    expect(useStore.getState().tokenizerRun!.history.map((p) => p.step)).toEqual([0, 1, 2]);
    // Back to a saved state: the curve after it goes.
    s.receive({ type: 'tokenizer/status', id: 'tok-1', status: 'running', step: 1, message: null });
    expect(useStore.getState().tokenizerRun!.history.map((p) => p.step)).toEqual([0, 1]);
  });

  it('marks a refused run and tells a refused file as a notice', () => {
    const spec = buildTokenizerSpec(initialTokenizerForm(), 'tok-1', 0);
    if (typeof spec === 'string') throw new Error(spec);
    const s = useStore.getState();
    s.tokenizerStarted(spec);
    s.receive({ type: 'tokenizer/refused', id: 'tok-1', message: 'no backend' });
    expect(useStore.getState().tokenizerRun).toMatchObject({ status: 'failed', refused: true, message: 'no backend' });
    s.receive({ type: 'tokenizer/refused', id: 'tok-file-x', message: 'bad names' });
    expect(useStore.getState().notices.at(-1)!.text).toMatch(/tok-file-x was not taken: bad names/);
  });

  it('takes the worker’s list of tokenizers, which a lost worker empties', () => {
    const s = useStore.getState();
    s.receive({ type: 'tokenizer/list', list: [micro] });
    expect(useStore.getState().heldTokenizers).toEqual([micro]);
    s.workerLost('gone');
    expect(useStore.getState().heldTokenizers).toEqual([]);
  });

  it('builds each curve with its latest value', () => {
    const series = tokenizerSeries([point(0), { ...point(1), perplexity: 41 }]);
    expect(series.find((x) => x.key === 'perplexity')).toMatchObject({ values: [30, 41], last: 41 });
    expect(series.map((x) => x.key)).toEqual(['total', 'reconstruction', 'kl', 'temperature', 'klWeight', 'perplexity', 'deadCodes']);
  });
});

describe('the target sweep', () => {
  const { id: _id, encoder: _e, presetId: _p, model: _m, createdAt: _c, ...probe } = testProbeSpec({});
  const form = { presetId: 'micro' as const, model: MICRO, train: defaultTrainConfig('micro'), dataset: 'shapes-easy', checkpointEvery: 50 };
  const probeForm = useStore.getState().probeForm;

  it('gives the tokenizer to the token point only, with its K', () => {
    const built = buildSweepSpec({
      name: '',
      knobs: [{ path: 'model.target', values: ['pixel', 'token'] }],
      form: { ...form, tokenizer: 'tok-a' },
      probeForm,
      datasets: [],
      now: 0,
      id: 's',
      tokenizers: [micro],
    });
    if (typeof built === 'string') throw new Error(built);
    let s = newSweep({ ...built, probe });
    const first = nextAction(s, () => 'r1', 0);
    expect(first.action).toMatchObject({ kind: 'pretrain', run: { model: { target: 'pixel' } } });
    expect((first.action as { run: { tokenizer?: unknown } }).run.tokenizer).toBeUndefined();
    s = { ...first.state, points: first.state.points.map((p, i) => (i === 0 ? { ...p, status: 'done' as const } : p)) };
    const second = nextAction(s, () => 'r2', 0);
    expect(second.action).toMatchObject({ kind: 'pretrain', run: { model: { target: 'token', vocabSize: 64 }, tokenizer: { id: 'tok-a' } } });
    expect(s.points.map((p) => pointLabel(s.spec, p))).toEqual(['target pixel', 'target token (tok-a)']);
  });

  it('fails a token point without a tokenizer, and refuses a tokenizer that does not fit', () => {
    const spec: SweepSpec = { id: 's', name: '', base: form, knobs: [{ path: 'model.target', values: ['token'] }], probe, createdAt: 0 };
    const { state } = nextAction(newSweep(spec), () => 'r1', 0);
    expect(state.points[0]).toMatchObject({ status: 'failed', message: expect.stringMatching(/token targets need a tokenizer/) });
    const refused = buildSweepSpec({
      name: '',
      knobs: spec.knobs,
      form: { ...form, tokenizer: 'tok-b' },
      probeForm,
      datasets: [],
      now: 0,
      id: 's',
      tokenizers: [p4],
    });
    expect(refused).toMatch(/4×4 patches/);
  });
});
