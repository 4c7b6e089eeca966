import { describe, expect, it } from 'vitest';
import { viridis } from '../data/labPanels';
import { colour } from './probeCharts';
import { colourBarLabels, colourBarRgba } from './colourBar';

describe('colour bars', () => {
  it('draws the ramp from its low colour to its high colour', () => {
    const px = colourBarRgba(viridis, 5);
    expect(Array.from(px.subarray(0, 4))).toEqual([...viridis(0).map(Math.round), 255]);
    expect(Array.from(px.subarray(16, 20))).toEqual([...viridis(1).map(Math.round), 255]);
    const grey = colourBarRgba((t) => colour(t, 'grey'), 3);
    expect(Array.from(grey.subarray(4, 8))).toEqual([128, 128, 128, 255]);
  });
  it('labels three values, with enough digits to tell them apart', () => {
    expect(colourBarLabels(0, 0.5)).toEqual(['0', '0.25', '0.5']);
    expect(colourBarLabels(0, 2.5e-5)).toEqual(['0', '1.25e-5', '2.5e-5']);
    expect(new Set(colourBarLabels(1.0001, 1.0002)).size).toBe(3);
  });
});
