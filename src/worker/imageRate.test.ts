import { describe, expect, it } from 'vitest';
import { ImageRate } from './imageRate';

describe('ImageRate', () => {
  it('is 0 until two marks, then counts the images after the first over the elapsed time', () => {
    const r = new ImageRate();
    expect(r.add(0, 8)).toBe(0);
    expect(r.add(500, 8)).toBe(16); // 8 images in 0.5 s
    expect(r.add(1000, 8)).toBe(16); // 16 images in 1 s
  });

  it('drops marks older than the window, so a slow start stops weighing', () => {
    const r = new ImageRate();
    r.add(0, 8);
    r.add(10_000, 8); // one slow step: 0.8 img/s
    for (let t = 10_100; t <= 14_000; t += 100) r.add(t, 8);
    // Only the last ~3 s are left: 80 img/s.
    expect(r.add(14_100, 8)).toBeCloseTo(80, 5);
  });

  it('starts over after reset', () => {
    const r = new ImageRate();
    r.add(0, 8);
    r.add(100, 8);
    r.reset();
    expect(r.add(60_000, 8)).toBe(0);
    expect(r.add(60_200, 8)).toBe(40);
  });
});
