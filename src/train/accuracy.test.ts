import { describe, expect, it } from 'vitest';
import { paired, separation, standardError, summarize } from './accuracy';

describe('accuracies with their uncertainty', () => {
  it('gives the binomial standard error, and mean ± sd over seeds', () => {
    expect(standardError(0.5, 500)).toBeCloseTo(Math.sqrt(0.25 / 500), 12);
    expect(standardError(0.1, 0)).toBeNaN();
    const a = summarize([0.6, 0.7, 0.8], 500);
    expect(a.top1).toBeCloseTo(0.7, 12);
    expect(a.sd).toBeCloseTo(0.1, 12); // sample sd of 0.6, 0.7, 0.8
    expect(a.seeds).toBe(3);
    expect(a.perSeed).toEqual([0.6, 0.7, 0.8]);
    expect(summarize([0.3], 100).sd).toBe(0);
    expect(() => summarize([], 100)).toThrow(/no accuracy/);
  });

  it('takes the larger of the binomial error and the seed spread', () => {
    // Seeds that disagree: sd 0.1 over 3 seeds gives 0.1/√3 = 0.0577, far above the binomial
    // √(0.7·0.3/1500) = 0.0118.
    expect(summarize([0.6, 0.7, 0.8], 500).se).toBeCloseTo(0.1 / Math.sqrt(3), 12);
    // Seeds that agree: 0.50, 0.51, 0.49 (sd 0.01, /√3 = 0.00577) on 500 images each: binomial
    // √(0.25/1500) = 0.0129 wins.
    expect(summarize([0.5, 0.51, 0.49], 500).se).toBeCloseTo(Math.sqrt(0.25 / 1500), 12);
    // One seed: the binomial error alone.
    expect(summarize([0.2], 400).se).toBeCloseTo(0.02, 12);
  });

  it('pairs the differences seed by seed', () => {
    // a = 0.60, 0.66, 0.63; b = 0.50, 0.52, 0.58: differences 0.10, 0.14, 0.05, mean 0.09667,
    // sample sd √(((0.00333)² + (0.04333)² + (−0.04667)²)/2) = 0.045092, /√3 = 0.026034.
    // Binomial: p_a 0.63, p_b 0.53333 on 1 500 images each: √(0.63·0.37/1500 + 0.53333·0.46667/1500)
    // = √(1.554e-4 + 1.6593e-4) = 0.017926. The seed spread is larger.
    const p = paired([0.6, 0.66, 0.63], [0.5, 0.52, 0.58], 500);
    expect(p.delta).toBeCloseTo(0.096667, 5);
    expect(p.sd).toBeCloseTo(0.045092, 5);
    expect(p.se).toBeCloseTo(0.026034, 5);
    expect(p.z).toBeCloseTo(0.096667 / 0.026034, 3);
    expect(p.seeds).toBe(3);
    // The same mean difference with a constant shift: no spread, the binomial error decides.
    const q = paired([0.6, 0.6, 0.6], [0.5, 0.5, 0.5], 500);
    expect(q.sd).toBe(0);
    expect(q.se).toBeCloseTo(Math.sqrt((0.6 * 0.4 + 0.5 * 0.5) / 1500), 12);
    expect(() => paired([0.1], [0.1, 0.2], 10)).toThrow(/1 and 2 seeds/);
  });

  it('measures a difference in standard errors, paired when both carry the same seeds', () => {
    const a = summarize([0.6], 500);
    const b = summarize([0.5], 500);
    expect(separation(a, b)).toBeCloseTo(0.1 / Math.sqrt(a.se ** 2 + b.se ** 2), 12);
    expect(separation(b, a)).toBeLessThan(0);
    // Two encoders whose means differ by 6 points but whose seeds move together: unpaired errors
    // (sd 6 points each over 3 seeds) would call it a tie; paired, it is far apart.
    const x = summarize([0.5, 0.62, 0.56], 500);
    const y = summarize([0.44, 0.56, 0.5], 500);
    expect((x.top1 - y.top1) / Math.sqrt(x.se ** 2 + y.se ** 2)).toBeLessThan(1.3);
    expect(separation(x, y)).toBeCloseTo(paired([0.5, 0.62, 0.56], [0.44, 0.56, 0.5], 500).z, 12);
    expect(separation(x, y)).toBeGreaterThan(2);
    // Rows kept before per-seed values were recorded fall back to the combined errors.
    expect(separation({ ...x, perSeed: undefined }, y)).toBeCloseTo((x.top1 - y.top1) / Math.sqrt(x.se ** 2 + y.se ** 2), 12);
  });
});
