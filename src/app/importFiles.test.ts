import { describe, expect, it } from 'vitest';
import { importKind, importName } from './importFiles';

const f = (...paths: string[]) => paths.map((path) => ({ path, file: new Blob([]) }));

describe('what picked or dropped files import as', () => {
  it('tells a folder, one zip and CIFAR-10 files apart, and names them', () => {
    expect(importKind(f('pets/cat/1.png', 'pets/dog/2.png'))).toBe('folder');
    expect(importName(f('pets/cat/1.png', 'pets/dog/2.png'), 'folder')).toBe('pets');
    expect(importName(f('1.png', '2.png'), 'folder')).toBe('images');
    expect(importKind(f('Pets.ZIP'))).toBe('zip');
    expect(importName(f('Pets.ZIP'), 'zip')).toBe('Pets');
    expect(importKind(f('cifar-10-batches-bin/data_batch_1.bin', 'cifar-10-batches-bin/batches.meta.txt'))).toBe('cifar10');
    const mnist = f('fashion/train-images-idx3-ubyte.gz', 'fashion/train-labels-idx1-ubyte.gz');
    expect(importKind(mnist)).toBe('idx');
    expect(importName(mnist, 'idx')).toBe('Fashion-MNIST');
    expect(importName(f('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'), 'idx')).toBe('IDX images');
    expect(importName(f('MNIST/raw/train-images-idx3-ubyte'), 'idx')).toBe('MNIST');
  });

  it('gives a reason for a choice that makes no import', () => {
    expect(importKind([])).toEqual({ error: expect.stringMatching(/empty folder/) });
    expect(importKind(f('a.zip', 'b.png'))).toEqual({ error: expect.stringMatching(/one \.zip on its own/) });
  });
});
