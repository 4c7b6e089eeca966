import { describe, expect, it } from 'vitest';
import { themed } from './chartTheme';

describe('themed', () => {
  const dark = { fg: '#e6e6e6', muted: '#a8a8a8', grid: '#444444' };
  // A layout with a second y axis, as a chart with the learning rate beside the loss has.
  const lossLayout = {
    xaxis: { title: { text: 'step' } },
    yaxis: { title: { text: 'loss' }, type: 'log' as const },
    yaxis2: { title: { text: 'learning rate' }, overlaying: 'y' as const, side: 'right' as const },
    legend: { orientation: 'h' as const, y: 1.1 },
  };

  it('colours text, every axis and its grid, on a transparent background', () => {
    const l = themed(lossLayout, dark) as Record<string, unknown> & typeof lossLayout;
    expect(l.font).toEqual({ color: '#e6e6e6' });
    expect(l.paper_bgcolor).toBe('rgba(0,0,0,0)');
    for (const a of [l.xaxis, l.yaxis, l.yaxis2] as Record<string, unknown>[]) {
      expect(a.color).toBe('#e6e6e6');
      expect(a.gridcolor).toBe('#444444');
      expect(a.ticklabeloverflow).toBe('allow'); // no label measuring on each redraw
    }
  });

  it('keeps the axes settings and leaves the shared layout untouched', () => {
    const l = themed(lossLayout, dark);
    expect(l.yaxis.type).toBe('log');
    expect(l.yaxis2.overlaying).toBe('y');
    expect(lossLayout.yaxis).not.toHaveProperty('gridcolor');
    expect(l.legend).toBe(lossLayout.legend);
  });
});
