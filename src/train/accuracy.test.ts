import { describe, expect, it } from 'vitest';
import { separation, standardError, summarize } from './accuracy';

describe('accuracies with their uncertainty', () => {
  it('gives the binomial standard error, and mean ± sd over seeds', () => {
    expect(standardError(0.5, 500)).toBeCloseTo(Math.sqrt(0.25 / 500), 12);
    expect(standardError(0.1, 0)).toBeNaN();
    const a = summarize([0.6, 0.7, 0.8], 500);
    expect(a.top1).toBeCloseTo(0.7, 12);
    expect(a.sd).toBeCloseTo(0.1, 12); // sample sd of 0.6, 0.7, 0.8
    expect(a.se).toBeCloseTo(Math.sqrt((0.7 * 0.3) / 1500), 12);
    expect(a.seeds).toBe(3);
    expect(summarize([0.3], 100).sd).toBe(0);
    expect(() => summarize([], 100)).toThrow(/no accuracy/);
  });

  it('measures a difference in combined standard errors', () => {
    const a = summarize([0.6], 500);
    const b = summarize([0.5], 500);
    expect(separation(a, b)).toBeCloseTo(0.1 / Math.sqrt(a.se ** 2 + b.se ** 2), 12);
    expect(separation(b, a)).toBeLessThan(0);
  });
});
