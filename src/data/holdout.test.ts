import { describe, expect, it } from 'vitest';
import { validationFromTraining } from './holdout';
import { builtinDataset } from './shapes';

describe('a validation split carved from the training images', () => {
  it('validates and trains on disjoint training images and never reads the held-out split', () => {
    const ds = builtinDataset('shapes-easy', 3, 16, { train: 60, val: 10 });
    const reads: string[] = [];
    const spy = { ...ds, sample: (split: 'train' | 'val', i: number) => (reads.push(`${split}:${i}`), ds.sample(split, i)) };
    const carved = validationFromTraining(spy, { train: 40, val: 12 }, 5);
    expect(carved.valSize).toBe(12);
    expect(carved.trainSize).toBe(40);
    for (let i = 0; i < carved.valSize; i++) carved.sample('val', i);
    for (let i = 0; i < carved.trainSize; i++) carved.sample('train', i);
    expect(reads.every((r) => r.startsWith('train:'))).toBe(true);
    const val = new Set(reads.slice(0, 12));
    const train = new Set(reads.slice(12));
    expect(val.size).toBe(12);
    expect(train.size).toBe(40);
    expect([...val].some((r) => train.has(r))).toBe(false);
    // The same seed carves the same split; another seed another.
    const again = validationFromTraining(ds, { train: 40, val: 12 }, 5);
    const other = validationFromTraining(ds, { train: 40, val: 12 }, 6);
    expect(Array.from(again.sample('val', 0).image)).toEqual(Array.from(carved.sample('val', 0).image));
    expect(Array.from(other.sample('val', 0).image)).not.toEqual(Array.from(carved.sample('val', 0).image));
    expect(() => carved.sample('val', 12)).toThrow(/out of range/);
  });

  it('keeps at least four fifths of a small training split for training', () => {
    const ds = builtinDataset('shapes-easy', 1, 16, { train: 20, val: 5 });
    const carved = validationFromTraining(ds, { train: 100, val: 100 }, 0);
    expect(carved.valSize).toBe(4);
    expect(carved.trainSize).toBe(16);
  });
});
