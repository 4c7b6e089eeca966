import { describe, expect, it } from 'vitest';
import { ema } from './smoothing';

describe("TensorBoard's debiased EMA", () => {
  it('leaves a curve as it is at weight 0', () => {
    expect(ema([3, 1, 2], 0)).toEqual([3, 1, 2]);
  });
  it('starts at the first value (debiased) and follows the recurrence after it', () => {
    const out = ema([2, 4, 4], 0.5) as number[];
    // last: 1, 2.5, 3.25; debias 1 − 0.5^n: 0.5, 0.75, 0.875.
    expect(out[0]).toBeCloseTo(2);
    expect(out[1]).toBeCloseTo(2.5 / 0.75);
    expect(out[2]).toBeCloseTo(3.25 / 0.875);
  });
  it('keeps a constant curve constant and smooths noise towards its mean', () => {
    expect((ema([5, 5, 5, 5], 0.9) as number[]).every((v) => Math.abs(v - 5) < 1e-12)).toBe(true);
    const noisy = Array.from({ length: 400 }, (_, i) => 1 + (i % 2 ? 0.5 : -0.5));
    const smooth = ema(noisy, 0.95) as number[];
    expect(Math.abs(smooth.at(-1)! - 1)).toBeLessThan(0.05);
  });
  it('passes gaps through without letting them into the average', () => {
    const out = ema([1, null, NaN, 3], 0.5);
    expect(out[1]).toBeNull();
    expect(out[2]).toBeNaN();
    expect(out[3]).toBeCloseTo((0.5 * 0.5 + 0.5 * 3) / 0.75);
  });
  it('caps the weight at 0.99', () => {
    expect(ema([0, 1], 5)).toEqual(ema([0, 1], 0.99));
  });
});
