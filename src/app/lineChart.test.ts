import { describe, expect, it } from 'vitest';
import { lossTraces } from './charts';
import { chartGeometry, formatExp, formatTick, logTicks, niceTicks } from './lineChart';

const box = { width: 600, height: 300, margin: { l: 50, r: 50, t: 10, b: 40 } };
const pt = (step: number, total: number) => ({ step, total, reconstruction: total / 2, alignment: null, lr: 1e-3 * Math.min(1, step / 10), gradNorm: 1 });

describe('line chart geometry', () => {
  it('puts ticks at 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0, 0.0012, 4)).toEqual([0, 0.0005, 0.001]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
  it('puts log ticks on decades, with 2 and 5 when the span is short', () => {
    // Within two decades the lowest part, where curves settle, gets linear ticks too (0.15).
    expect(logTicks(0.05, 3)).toEqual([0.05, 0.1, 0.15, 0.2, 0.5, 1, 2]);
    expect(logTicks(1e-6, 10)).toEqual([1e-6, 1e-5, 1e-4, 0.001, 0.01, 0.1, 1, 10]);
    expect(logTicks(1.05, 5.5)).toEqual([1.5, 2, 2.5, 3, 4, 5]);
    expect(logTicks(0.8, 5.5)).toEqual([0.8, 0.9, 1, 1.5, 2, 3, 4, 5]);
  });
  it('formats tick labels plainly in the usual range and as exponents outside it', () => {
    expect(formatTick(0.05)).toBe('0.05');
    expect(formatTick(2000)).toBe('2000');
    expect(formatTick(1e-5)).toBe('1e-5');
    expect(formatExp(0.0002)).toBe('2e-4');
    expect(formatExp(0.0015)).toBe('1.5e-3');
  });
  it('draws each trace inside the plot area, losses falling upwards on screen as they fall', () => {
    const g = chartGeometry(lossTraces([pt(0, 2), pt(5, 1), pt(10, 0.5)]), box)!;
    expect(g.paths.map((p) => p.name)).toEqual(['total', 'reconstruction', 'learning rate']);
    const coords = g.paths[0]!.d.match(/-?[\d.]+/g)!.map(Number);
    expect(coords[0]).toBeCloseTo(50); // first step at the left edge
    expect(coords[4]).toBeCloseTo(550); // last at the right edge
    expect(coords[5]).toBeGreaterThan(coords[1]!); // lower loss, lower on the chart
    const ys = coords.filter((_, i) => i % 2 === 1);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...ys)).toBeLessThanOrEqual(260);
    expect(g.y2.map((t) => t.label)).toContain('1e-3');
    expect(g.x.at(-1)!.label).toBe('10');
  });
  it('breaks a line at NaN and at values a log axis cannot show', () => {
    const g = chartGeometry(lossTraces([pt(0, 2), pt(1, NaN), pt(2, 1), pt(3, 0), pt(4, 0.5)]), box)!;
    expect(g.paths[0]!.d.match(/M/g)).toHaveLength(3);
    expect(g.paths[0]!.d).not.toContain('NaN');
  });
  it('has nothing to draw without a finite positive loss or without room', () => {
    expect(chartGeometry(lossTraces([]), box)).toBeNull();
    expect(chartGeometry(lossTraces([pt(0, NaN)]), box)).toBeNull();
    expect(chartGeometry(lossTraces([pt(0, 1)]), { ...box, width: 0 })).toBeNull();
  });
  it('maps pixels back to steps for the hover readout', () => {
    const g = chartGeometry(lossTraces([pt(0, 2), pt(100, 1)]), box)!;
    expect(g.pxToX(g.xToPx(37))).toBeCloseTo(37);
  });
});
