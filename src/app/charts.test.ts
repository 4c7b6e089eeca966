import { describe, expect, it } from 'vitest';
import { formatDuration, lossTraces, thin } from './charts';

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
