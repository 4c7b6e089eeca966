// The arena planner on hand-made lives: lives that do not overlap share a buffer, lives that touch
// at one command do not, a small life may take a larger free buffer, and the arena holds no more than the live peak when
// every life has one size.
import { describe, expect, it } from 'vitest';
import { type Life, arenaOf, livePeak } from './arena';

const life = (buffer: number, size: number, first: number, last: number): Life => ({ buffer, size, first, last, before: false, written: true });

describe('arenaOf', () => {
  it('shares a buffer between lives that end before the next begins', () => {
    const lives = [life(1, 64, 0, 2), life(2, 64, 3, 5), life(3, 64, 1, 4)];
    const a = arenaOf(lives);
    expect(a.sizes).toEqual([64, 64]);
    expect(a.assignment.get(lives[0]!)).toBe(a.assignment.get(lives[1]!));
    expect(a.assignment.get(lives[2]!)).not.toBe(a.assignment.get(lives[0]!));
  });

  it('keeps apart a life read and another written by the same command', () => {
    const lives = [life(1, 64, 0, 3), life(2, 64, 3, 4)];
    expect(arenaOf(lives).sizes).toEqual([64, 64]);
  });

  it('lets a small life use a larger buffer once free, never a smaller one', () => {
    expect(arenaOf([life(1, 64, 0, 0), life(2, 128, 1, 1)]).sizes).toEqual([128]);
    expect(arenaOf([life(1, 64, 0, 0), life(2, 128, 0, 1)]).sizes).toEqual([128, 64]);
  });

  it('needs exactly the live peak when all lives have one size', () => {
    const lives = Array.from({ length: 40 }, (_, i) => life(i, 16, (i * 7) % 23, ((i * 7) % 23) + (i % 5)));
    const a = arenaOf(lives);
    expect(a.sizes.reduce((s, n) => s + n, 0)).toBe(livePeak(lives));
    // No two lives that overlap share a buffer.
    for (const x of lives)
      for (const y of lives) if (x !== y && a.assignment.get(x) === a.assignment.get(y)) expect(x.last < y.first || y.last < x.first).toBe(true);
  });
});
