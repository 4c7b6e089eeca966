import { describe, expect, it } from 'vitest';
import { lossTraces } from './charts';
import { chartGeometry } from './lineChart';
import { logTicks, niceTicks, plotlyTicks, roundness, spaced } from './ticks';

const box = { width: 640, height: 360, margin: { l: 56, r: 64, t: 12, b: 44 } };
const pt = (step: number, total: number, lr = 5e-4 * Math.min(1, step / 20)) => ({ step, total, reconstruction: total, alignment: null, lr, gradNorm: 1 });
/** A run whose loss goes from `hi` down to `lo` over `n` steps, with a warmup-then-flat learning rate. */
const run = (hi: number, lo: number, n = 200) => Array.from({ length: n }, (_, i) => pt(i, hi * (lo / hi) ** (i / (n - 1))));
const labels = (ticks: readonly { label: string }[]) => ticks.map((t) => t.label);

describe('at least three labelled ticks on every axis', () => {
  it('labels a log axis spanning 1.0–1.3 several times (plotly showed "1" alone)', () => {
    const g = chartGeometry(lossTraces(run(1.3, 1.0)), box)!;
    expect(labels(g.y)).toEqual(expect.arrayContaining(['1', '1.1', '1.2', '1.3']));
  });
  it('labels the region below 2 where two curves settle (once nothing was)', () => {
    const g = chartGeometry(lossTraces(run(9, 1.2)), box)!;
    expect(
      labels(g.y)
        .map(Number)
        .filter((v) => v < 2).length,
    ).toBeGreaterThanOrEqual(1);
  });
  it('gives the learning-rate axis more than "0" and "5e-4"', () => {
    const g = chartGeometry(lossTraces(run(3, 1)), box)!;
    expect(labels(g.y2)).toEqual(['0', '2e-4', '4e-4']);
  });
  it('holds for any range, log and linear, in the SVG chart and for plotly', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let k = 0; k < 300; k++) {
      const lo = 10 ** (rand() * 8 - 5);
      const hi = lo * (1 + 10 ** (rand() * 6 - 4)); // from 1.0001× to 10 000× the low end
      const steps = 1 + Math.floor(rand() * 5000);
      for (const yScale of ['log', 'linear'] as const) {
        const g = chartGeometry(lossTraces([pt(0, hi), pt(steps, lo)]), box, { yScale })!;
        expect(g.y.length, `${yScale} ${lo}–${hi}`).toBeGreaterThanOrEqual(3);
        expect(g.x.length, `x 0–${steps}`).toBeGreaterThanOrEqual(3);
        expect(new Set(labels(g.y)).size, `distinct labels ${lo}–${hi}`).toBe(g.y.length);
        expect(plotlyTicks(lo, hi, yScale, 300)!.tickvals.length).toBeGreaterThanOrEqual(3);
      }
    }
  });
  it('labels a chart of one point', () => {
    const g = chartGeometry(lossTraces([pt(0, 2.3)]), box)!;
    expect(g.x.length).toBeGreaterThanOrEqual(3);
    expect(g.y.length).toBeGreaterThanOrEqual(3);
    expect(plotlyTicks(2.3, 2.3, 'log')!.tickvals.length).toBeGreaterThanOrEqual(3);
  });
  it('keeps every tick plotly is given inside the range it is given', () => {
    const t = plotlyTicks(1.0, 1.3, 'log')!;
    for (const v of t.tickvals) expect(Math.log10(v)).toBeGreaterThanOrEqual(t.range[0]);
    for (const v of t.tickvals) expect(Math.log10(v)).toBeLessThanOrEqual(t.range[1]);
    expect(plotlyTicks(0, 1, 'log')).toBeNull(); // a log axis cannot reach 0
  });
});

describe('tick helpers', () => {
  it('halves the step until there are three ticks', () => {
    expect(niceTicks(0, 0.000525, 2).length).toBeGreaterThanOrEqual(3);
    expect(logTicks(1.02, 1.05).length).toBeGreaterThanOrEqual(3);
  });
  it('thins crowded labels, keeping the roundest', () => {
    expect([1, 10, 2, 3, 1.5].map(roundness)).toEqual([0, 0, 1, 2, 3]);
    const kept = spaced(
      [0.9, 1, 1.1].map((value, i) => ({ value, px: i * 5 })),
      8,
    );
    expect(kept.map((t) => t.value)).toEqual([1]);
  });
});

describe('chart options', () => {
  it('draws the loss axis linear when asked, with linear ticks', () => {
    const g = chartGeometry(lossTraces(run(3, 1)), box, { yScale: 'linear' })!;
    const values = labels(g.y).map(Number);
    const steps = values.slice(1).map((v, i) => +(v - values[i]!).toFixed(9));
    expect(new Set(steps).size).toBe(1); // evenly spaced values
  });
  it('shows only the step range asked for, scaled to the points inside it', () => {
    const h = run(10, 1, 101);
    const all = chartGeometry(lossTraces(h), box)!;
    const late = chartGeometry(lossTraces(h), box, { xRange: [80, 100] })!;
    expect(labels(late.x)[0]).toBe('80');
    expect(labels(late.x).at(-1)).toBe('100');
    expect(late.xDomain).toEqual([80, 100]);
    // An open end is the data's own end; a start between round numbers is still the left edge.
    const open = chartGeometry(lossTraces(h), box, { xRange: [2, Infinity] })!;
    expect(open.xDomain).toEqual([2, 100]);
    expect(
      labels(open.x)
        .map(Number)
        .every((v) => v >= 2),
    ).toBe(true);
    // The late losses (1 to ~1.6) fill the height: finer labels than the whole run's.
    expect(labels(late.y)).not.toEqual(labels(all.y));
    expect(
      labels(late.y)
        .map(Number)
        .every((v) => v < 2),
    ).toBe(true);
  });
  it('draws a series of one point as a dot, and lines without dots', () => {
    expect(chartGeometry(lossTraces([pt(0, 2)]), box)!.dots.map((d) => d.name)).toEqual(['total', 'reconstruction', 'learning rate']);
    expect(chartGeometry(lossTraces(run(3, 1)), box)!.dots).toEqual([]);
  });
});
