import { describe, expect, it } from 'vitest';
import { summarize } from '../train/accuracy';
import { combineSeeds, type SeedResult } from './seedSummary';

const seed = (k: number, pre: { lin: number; att: number }, rand: { lin: number; att: number }): SeedResult => ({
  phase: 'seed',
  seed: k,
  settings: { preset: 'micro', dataset: 'shapes-easy', split: 'test', pretrainSteps: 8000 },
  pretrain: null,
  rows: [
    {
      role: 'probed',
      results: { lin: summarize([pre.lin], 500), att: summarize([pre.att], 500, [{ epochs: 30 + k, finalLoss: 1, slope: -0.001, converged: true }]) },
    },
    { role: 'baseline', results: { lin: summarize([rand.lin], 500), att: summarize([rand.att], 500) } },
  ],
  chance: 0.1,
  curves: [],
  seconds: 10,
});

describe("bench:probe's seeds combined", () => {
  it('gives each readout mean, SE by the larger rule, and paired differences against the same seeds', () => {
    const lines = combineSeeds(
      [
        seed(0, { lin: 0.3, att: 0.6 }, { lin: 0.2, att: 0.5 }),
        seed(1, { lin: 0.34, att: 0.66 }, { lin: 0.22, att: 0.52 }),
        seed(2, { lin: 0.32, att: 0.63 }, { lin: 0.24, att: 0.58 }),
      ],
      { quick: true, experimentSeeds: 3 },
    ) as Record<string, unknown>[];
    const att = lines.find((l) => l.encoder === 'pretrained' && l.eval === 'att')!;
    expect(att.top1).toBeCloseTo(0.63, 4);
    expect(att.perSeed).toEqual([0.6, 0.66, 0.63]);
    // sd 0.03 over 3 seeds: 0.01732 beats the binomial √(0.63·0.37/1500) = 0.01247.
    expect(att.se).toBeCloseTo(0.0173, 4);
    expect(att.fit).toMatchObject({ epochs: 32, converged: true });
    expect(att.quickSeeds).toBeUndefined();
    // The hand-computed case of accuracy.test: differences 0.10, 0.14, 0.05.
    const d = lines.find((l) => l.compare === 'pretrained − random init' && l.eval === 'att')!;
    expect(d.delta).toBeCloseTo(0.0967, 4);
    expect(d.se).toBeCloseTo(0.026, 4);
    expect(d.z).toBeCloseTo(3.71, 2);
    const attLin = lines.find((l) => l.compare === 'ATT − LIN' && l.encoder === 'pretrained')!;
    expect(attLin.delta).toBeCloseTo(0.31, 4);
  });

  it('says when --quick ran fewer seeds than the default experiment, and when one seed measured no spread', () => {
    const lines = combineSeeds([seed(0, { lin: 0.3, att: 0.6 }, { lin: 0.2, att: 0.5 })], { quick: true, experimentSeeds: 3 }) as Record<string, unknown>[];
    const lin = lines.find((l) => l.encoder === 'pretrained' && l.eval === 'lin')!;
    expect(lin.quickSeeds).toBe("ran 1 of the default experiment's 3 seeds");
    expect(lin.note).toMatch(/one seed/);
    expect(lin.se).toBeCloseTo(Math.sqrt((0.3 * 0.7) / 500), 4);
  });
});
