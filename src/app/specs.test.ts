import { describe, expect, it } from 'vitest';
import type { DatasetMeta } from '../data/stored';
import { SHAPES_TRAIN_SIZE } from '../data/shapes';
import { MICRO } from '../model/presets';
import { defaultTrainConfig } from '../train/defaults';
import { buildRunSpec, checkImport, missingDataset, trainSizeOf } from './specs';
import type { Form } from './store';

const form: Form = { presetId: 'micro', model: MICRO, train: defaultTrainConfig('micro'), checkpointEvery: 50, dataset: 'shapes-easy' };
const pets = { id: 'ds-1', name: 'pets', trainSize: 900 } as DatasetMeta;
const files = (...paths: string[]) => paths.map((path) => ({ path, file: new Blob([]) }));
const options = { valShare: 0.1, seed: 0, storedSize: 64 };

describe('a pretraining run from the form', () => {
  it('builds the spec with an id and time from `now`', () => {
    expect(buildRunSpec(form, [], 36)).toEqual({
      id: 'run-10',
      presetId: 'micro',
      model: MICRO,
      train: form.train,
      dataset: 'shapes-easy',
      checkpointEvery: 50,
      createdAt: 36,
    });
    expect(buildRunSpec({ ...form, dataset: 'ds-1' }, [pets], 1)).toMatchObject({ dataset: 'ds-1' });
  });

  it('says why a form cannot start a run', () => {
    expect(buildRunSpec({ ...form, model: { ...MICRO, patchSize: 5 } }, [], 0)).toMatch(/^Patch size must divide the image size \(32 px\) \(got 5\)\.$/);
    expect(buildRunSpec({ ...form, train: { ...form.train, batchSize: 0 } }, [], 0)).toBe('Batch must be a whole number of at least 1 (got 0).');
    expect(buildRunSpec({ ...form, train: { ...form.train, baseLr: NaN } }, [], 0)).toBe('Base lr is empty: enter a number.');
    expect(buildRunSpec({ ...form, dataset: 'ds-gone' }, [pets], 0)).toMatch(/no longer kept/);
    expect(buildRunSpec({ ...form, checkpointEvery: 0.5 }, [], 0)).toMatch(/^Checkpoint every must be a whole number of steps, at least 1 \(got 0.5\)/);
  });

  it('knows which datasets are there and how many training images they have', () => {
    expect(missingDataset('shapes', [])).toBe(false);
    expect(missingDataset('ds-1', [pets])).toBe(false);
    expect(missingDataset('ds-1', [])).toBe(true);
    expect(trainSizeOf('shapes-easy', [])).toBe(SHAPES_TRAIN_SIZE);
    expect(trainSizeOf('ds-1', [pets])).toBe(900);
    expect(trainSizeOf('ds-1', [])).toBeUndefined();
  });
});

describe('an import request', () => {
  it('names the kind and the dataset', () => {
    expect(checkImport(files('pets/cat/1.png', 'pets/dog/2.png'), options)).toEqual({ kind: 'folder', name: 'pets' });
    expect(checkImport(files('cifar/data_batch_1.bin'), options, 'cifar10')).toEqual({ kind: 'cifar10', name: 'CIFAR-10' });
  });

  it('says why files or options make no import', () => {
    expect(checkImport([], options)).toMatch(/No files were chosen/);
    expect(checkImport(files('pets/cat/1.png'), options, 'cifar10')).toMatch(/CIFAR-10 batch/);
    expect(checkImport(files('pets/cat/1.png'), { ...options, valShare: 1 })).toMatch(/validation share/);
    expect(checkImport(files('pets/cat/1.png'), { ...options, seed: -1 })).toMatch(/split seed/);
  });
});
