import { describe, expect, it } from 'vitest';
import { Rng } from '../model/random';
import { DEFAULT_PLATEAU, Plateau } from './convergence';

describe('the plateau rule that says when a readout has converged', () => {
  it('drives noisy SGD to the known optimum of a least-squares problem and stops before the cap', () => {
    // min_w E[(x·w − y)²] with x ~ N(0, I₄) and y = x·w* + noise: the optimum is w*, the loss there
    // the noise variance 0.01. SGD at a rate too high to settle (its noise floor is well above
    // 0.01) reaches it only through the rule's rate drops.
    const wStar = [1.5, -2, 0.5, 3];
    const rng = new Rng(4);
    const w = [0, 0, 0, 0];
    const plateau = new Plateau({ ...DEFAULT_PLATEAU, maxEpochs: 200 });
    const lr = 0.05;
    let action = 'continue';
    const losses: number[] = [];
    while (action === 'continue' || action === 'decay') {
      let loss = 0;
      for (let k = 0; k < 200; k++) {
        const x = wStar.map(() => rng.normal());
        const y = x.reduce((s, v, i) => s + v * wStar[i]!, 0) + 0.1 * rng.normal();
        const err = x.reduce((s, v, i) => s + v * w[i]!, 0) - y;
        loss += err * err;
        for (let i = 0; i < 4; i++) w[i]! -= lr * plateau.scale * 2 * err * x[i]!;
      }
      losses.push(loss / 200);
      action = plateau.observe(loss / 200);
    }
    expect(action).toBe('converged');
    expect(plateau.epochs).toBeLessThan(200);
    expect(plateau.scale).toBeCloseTo(0.01, 12); // two drops of ×0.1
    for (let i = 0; i < 4; i++) expect(w[i]).toBeCloseTo(wStar[i]!, 1);
    // The last epochs sit at the noise floor of the optimum (0.01), within SGD's own noise.
    expect(losses.at(-1)!).toBeLessThan(0.02);
    const fit = plateau.summary(true);
    expect(fit.epochs).toBe(plateau.epochs);
    expect(Math.abs(fit.slope)).toBeLessThan(0.2);
  });

  it('drops the rate after a window without improvement, stops after the last drop, and says when the cap stopped it', () => {
    const p = new Plateau({ window: 2, minImprovement: 0.1, decays: 1, factor: 0.5, maxEpochs: 50 });
    expect(p.observe(1)).toBe('continue');
    expect(p.observe(0.95)).toBe('continue'); // under 10 %: no improvement
    expect(p.observe(0.94)).toBe('decay');
    expect(p.scale).toBe(0.5);
    expect(p.observe(0.5)).toBe('continue'); // a real improvement resets the window
    expect(p.observe(0.49)).toBe('continue');
    expect(p.observe(0.49)).toBe('converged');
    const capped = new Plateau({ ...DEFAULT_PLATEAU, maxEpochs: 3 });
    expect([1, 0.5, 0.25].map((l) => capped.observe(l))).toEqual(['continue', 'continue', 'cap']);
    // Still falling by half an epoch: a slope of −1 per epoch relative to the last loss.
    expect(capped.summary(false)).toEqual({ epochs: 3, finalLoss: 0.25, slope: (0.25 - 1) / (2 * 0.25), converged: false });
    expect(() => new Plateau({ ...DEFAULT_PLATEAU, factor: 1 })).toThrow(/out of range/);
  });
});
