import { describe, expect, it } from 'vitest';
import { compareTraces } from './compare';
import { dashArray, formatDuration, lossTraces, markLonePoints, thin } from './charts';

const pt = (step: number, alignment: number | null = 0.5) => ({ step, total: 3 - step / 100, reconstruction: 2, alignment, lr: 1e-3, gradNorm: 1 });

describe('chart builders', () => {
  it('draws total, reconstruction, alignment and the learning rate on its own axis', () => {
    const t = lossTraces([pt(0), pt(1), pt(2)]);
    expect(t.map((x) => x.name)).toEqual(['total', 'reconstruction', 'alignment', 'learning rate']);
    expect(t[0]!.x).toEqual([0, 1, 2]);
    expect(t[0]!.y).toEqual([3, 2.99, 2.98]);
    expect(t[3]!.yaxis).toBe('y2');
  });
  it('leaves out alignment when the run trains without it', () => {
    expect(lossTraces([pt(0, null)]).map((x) => x.name)).toEqual(['total', 'reconstruction', 'learning rate']);
  });
  it('tells every series apart by its dash as well as its colour', () => {
    const t = lossTraces([pt(0), pt(1)]);
    expect(new Set(t.map((x) => x.line?.dash)).size).toBe(t.length);
    expect(new Set(t.map((x) => x.line?.color)).size).toBe(t.length);
    expect(new Set(t.map((x) => dashArray(x.line?.dash) ?? 'solid')).size).toBe(t.length);
    const runs = [0, 1, 2].map((i) => ({ id: `r${i}`, batchSize: 8, curve: [pt(0), pt(1)] }));
    expect(new Set(compareTraces(runs, 'total', 'step').map((x) => x.line?.dash)).size).toBe(3);
  });
  it('smooths the losses with the debiased EMA, never the learning rate', () => {
    const h = [0, 1, 2, 3].map((s) => ({ ...pt(s), total: s % 2 ? 4 : 2, lr: s }));
    const raw = lossTraces(h);
    const smooth = lossTraces(h, 0.9);
    expect(smooth[0]!.y[0]).toBeCloseTo(2); // debiased: the first point stays where it is
    const spread = (y: readonly (number | null)[]) => Math.max(...(y as number[])) - Math.min(...(y as number[]));
    expect(spread(smooth[0]!.y)).toBeLessThan(spread(raw[0]!.y));
    expect(smooth[3]!.y).toEqual(raw[3]!.y);
    const runs = [{ id: 'a', batchSize: 8, curve: h }];
    expect(compareTraces(runs, 'total', 'step', 0.9)[0]!.y).toEqual(smooth[0]!.y);
  });
  it('marks series of one point, which a line cannot draw', () => {
    const one = lossTraces([pt(0)]);
    expect(one.every((x) => x.mode === 'lines+markers')).toBe(true);
    expect(lossTraces([pt(0), pt(1)]).every((x) => x.mode === 'lines')).toBe(true);
    const gappy = markLonePoints([{ x: [0, 1, 2], y: [null, 2, NaN], name: 'a', type: 'scatter', mode: 'lines' }]);
    expect(gappy[0]!.mode).toBe('lines+markers');
  });
  it('thins long histories but keeps the last point', () => {
    const xs = Array.from({ length: 10_001 }, (_, i) => i);
    const t = thin(xs, 600);
    expect(t.length).toBeLessThanOrEqual(601);
    expect(t.at(-1)).toBe(10_000);
    expect(t[0]).toBe(0);
  });
  it('formats durations', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(200)).toBe('3m 20s');
    expect(formatDuration(7300)).toBe('2h 1m');
    expect(formatDuration(Infinity)).toBe('—');
  });
});
