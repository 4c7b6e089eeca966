import { describe, expect, it } from 'vitest';
import { testProbeSpec } from '../testing/probeSpec';
import { summarize } from '../train/accuracy';
import { aboveBaseline, cellText, csvCell, fitText, resultRows, resultsCsv, rowResults } from './results';

const spec = testProbeSpec({ id: 'e1', encoder: { kind: 'run', runId: 'run-a' }, createdAt: 0 });
const result = {
  chance: 0.1,
  rows: [
    { role: 'probed' as const, results: { lin: summarize([0.2], 500), 'knn-cls': summarize([0.3, 0.32], 500) } },
    { role: 'baseline' as const, results: { lin: summarize([0.1], 500), 'knn-cls': summarize([0.1, 0.12], 500) } },
  ],
};

describe('the results table', () => {
  it('turns an evaluation into a pretrained row and its baseline, and says how far apart they are', () => {
    const rows = resultRows(spec, result, 4000, 'shapes-easy');
    expect(rows.map((r) => [r.id, r.encoder, r.role, r.pretrainSteps])).toEqual([
      ['e1', 'run-a', 'probed', 4000],
      ['e1:baseline', 'random init', 'baseline', 0],
    ]);
    const se = Math.sqrt((0.2 * 0.8) / 500);
    const seb = Math.sqrt((0.1 * 0.9) / 500);
    expect(aboveBaseline(rows[0]!, rows, 'lin')).toBeCloseTo(0.1 / Math.hypot(se, seb), 9);
    expect(aboveBaseline(rows[1]!, rows, 'lin')).toBeNull();
    expect(aboveBaseline(rows[0]!, rows, 'att')).toBeNull();
    expect(cellText(rows[0]!.results!.lin!)).toBe('20.0 ± 1.8');
    expect(cellText(rows[0]!.results!['knn-cls']!)).toBe('31.0 ± 1.5 (sd 1.4, 2 seeds)');
    // An encoder without a finished seed adds no row.
    expect(resultRows(spec, { chance: 0.1, rows: [{ role: 'probed', results: {} }] }, 0, 'x')).toEqual([]);
  });

  it('reads rows kept before the suite, and exports every evaluation with its errors as CSV', () => {
    const old = { id: 'o', encoder: 'random init', presetId: 'micro', pretrainSteps: 0, epochs: 10, linear: 0.4567, attentive: 0.8, createdAt: 0 };
    expect(rowResults(old).att!.top1).toBe(0.8);
    expect(cellText(rowResults(old).lin!)).toBe('45.7');
    const csv = resultsCsv([{ ...old, encoder: 'run, "x"' }, ...resultRows(spec, result, 4000, 'shapes-easy')]).split('\n');
    expect(csv[0]).toBe(
      'encoder,role,preset,pretrain_steps,probe_epochs,lin_top1,lin_se,lin_sd,att_top1,att_se,att_sd,knn-cls_top1,knn-cls_se,knn-cls_sd,knn-mean_top1,knn-mean_se,knn-mean_sd,ft_top1,ft_se,ft_sd,seeds,chance,date,dataset,split,lin_readout',
    );
    expect(csv[1]).toBe('"run, ""x""",probed,micro,0,10,45.67,,0,80,,0,,,,,,,,,,1,,1970-01-01T00:00:00.000Z,shapes,test,official');
    expect(csv[2]).toBe('run-a,probed,micro,4000,2,20,1.79,0,,,,31,1.46,1.41,,,,,,,2,10,1970-01-01T00:00:00.000Z,shapes-easy,test,official');
  });

  it('says how a trained readout ended: converged, stopped by a cap, or a convex fit with its penalty', () => {
    const att = summarize([0.5, 0.6], 500, [
      { epochs: 30, finalLoss: 0.8, slope: -0.001, converged: true },
      { epochs: 34, finalLoss: 0.9, slope: -0.002, converged: true },
    ]);
    expect(fitText(att)).toBe('converged · 34 ep · loss 0.85, -0.2 %/ep');
    const capped = summarize([0.5], 500, [{ epochs: 100, finalLoss: 1.2, slope: -0.03, converged: false }]);
    expect(fitText(capped)).toBe('stopped · 100 ep · loss 1.2, -3 %/ep');
    const lin = summarize([0.3], 500, [{ epochs: 45, finalLoss: 1.9, slope: NaN, converged: true, l2: 0.01, unit: 'iterations' }]);
    expect(fitText(lin)).toBe('converged · λ 0.01 · 45 it');
    expect(fitText(summarize([0.3], 500))).toBeNull();
  });

  it('quotes line breaks of either kind and defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('a\rb')).toBe('"a\rb"');
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    for (const lead of ['+', '-', '@']) expect(csvCell(`${lead}1`)).toBe(`'${lead}1`);
    expect(csvCell(-0.5)).toBe('-0.5');
    expect(csvCell('plain')).toBe('plain');
  });
});
