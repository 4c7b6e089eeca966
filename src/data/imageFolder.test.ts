import { describe, expect, it } from 'vitest';
import { planImageFolder } from './imageFolder';
import { seededSplit } from './split';

const opts = { valShare: 0.25, seed: 7 };
const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

describe('ImageFolder labels and splits', () => {
  it('takes one subfolder per class, sorted, with files at any depth, below the picked folder', () => {
    const paths = ['pets/dog/1.png', 'pets/cat/2.JPG', 'pets/cat/deeper/3.webp', 'pets/bird/4.jpeg', 'pets/.DS_Store', 'pets/cat/notes.txt', 'pets/loose.png'];
    const plan = planImageFolder(paths, { valShare: 0, seed: 0 });
    expect(plan.classes).toEqual(['bird', 'cat', 'dog']);
    expect(plan.files.map((f) => [f.path, f.label, f.split])).toEqual([
      ['pets/bird/4.jpeg', 0, 'train'],
      ['pets/cat/2.JPG', 1, 'train'],
      ['pets/cat/deeper/3.webp', 1, 'train'],
      ['pets/dog/1.png', 2, 'train'],
    ]);
    // Hidden files go unmentioned; the rest that is left out is listed with why.
    expect(plan.skipped).toEqual([
      { path: 'pets/cat/notes.txt', reason: 'not an image type this reader takes (.txt)' },
      { path: 'pets/loose.png', reason: 'not inside a class folder' },
    ]);
  });

  it('reads a flat folder (or a lone class folder) as an unlabelled set', () => {
    for (const root of ['photos/', 'photos/only-class/', '']) {
      const plan = planImageFolder(
        range(8, (i) => `${root}img${i}.png`),
        opts,
      );
      expect(plan.classes).toEqual([]);
      expect(plan.files.every((f) => f.label === -1)).toBe(true);
      expect(plan.files.filter((f) => f.split === 'val')).toHaveLength(2);
    }
  });

  it('lets train/ and val/ folders above the class folders set the split, whatever the seed', () => {
    const paths = ['d/train/a/1.png', 'd/train/b/2.png', 'd/train/b/3.png', 'd/val/a/4.png', 'd/val/c/5.png', 'd/extra/a/6.png'];
    const plan = planImageFolder(paths, { valShare: 0.9, seed: 1 });
    expect(plan.splitBy).toBe('folders');
    expect(plan.classes).toEqual(['a', 'b', 'c']);
    expect(plan.files.map((f) => [f.path, f.label, f.split])).toEqual([
      ['d/train/a/1.png', 0, 'train'],
      ['d/train/b/2.png', 1, 'train'],
      ['d/train/b/3.png', 1, 'train'],
      ['d/val/a/4.png', 0, 'val'],
      ['d/val/c/5.png', 2, 'val'],
    ]);
    expect(plan.skipped).toEqual([{ path: 'd/extra/a/6.png', reason: 'outside train/ and val/, which set the split' }]);
    // validation/ counts as val; an unlabelled set with split folders keeps them.
    const flat = planImageFolder(['train/1.png', 'train/2.png', 'Validation/3.png'], opts);
    expect(flat.classes).toEqual([]);
    expect(flat.files.map((f) => f.split)).toEqual(['train', 'train', 'val']);
  });

  it('holds out a seeded share of each class: reproducible, stratified, seed-dependent', () => {
    const paths = [...range(40, (i) => `r/cat/${i}.png`), ...range(20, (i) => `r/dog/${i}.png`)];
    const a = planImageFolder(paths, opts);
    const b = planImageFolder([...paths].reverse(), opts);
    expect(a.splitBy).toBe('seed');
    expect(b.files).toEqual(a.files); // the order files come in does not matter
    const val = a.files.filter((f) => f.split === 'val');
    expect(val.filter((f) => f.label === 0)).toHaveLength(10);
    expect(val.filter((f) => f.label === 1)).toHaveLength(5);
    // Training files come first, then validation files.
    expect(a.files.findIndex((f) => f.split === 'val')).toBe(45);
    const c = planImageFolder(paths, { ...opts, seed: 8 });
    expect(c.files.filter((f) => f.split === 'val').map((f) => f.path)).not.toEqual(val.map((f) => f.path));
  });
});

describe('the seeded split', () => {
  it('is a pure function of the files, share and seed, and a class keeps its split when another is added', () => {
    const cats = range(30, (i) => `cat/${i}`);
    const dogs = range(30, (i) => `dog/${i}`);
    const one = seededSplit(new Map([['cat', cats]]), { valShare: 0.2, seed: 3 });
    const two = seededSplit(
      new Map([
        ['cat', cats],
        ['dog', dogs],
      ]),
      { valShare: 0.2, seed: 3 },
    );
    expect(one.size).toBe(6);
    expect([...two].filter((p) => p.startsWith('cat/')).sort()).toEqual([...one].sort());
    expect(seededSplit(new Map([['cat', cats]]), { valShare: 0, seed: 3 }).size).toBe(0);
    expect(() => seededSplit(new Map(), { valShare: 1, seed: 0 })).toThrow(/\[0, 1\)/);
  });
});
