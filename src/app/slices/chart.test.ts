import { describe, expect, it } from 'vitest';
import { DEFAULT_CHART, parseChart } from './chart';

describe('the chart settings kept across reloads', () => {
  it('reads what was kept', () => {
    expect(parseChart('{"scale":"linear","smoothing":0.6}')).toEqual({ scale: 'linear', smoothing: 0.6 });
  });
  it('falls back field by field on a missing, damaged or out-of-range entry', () => {
    expect(parseChart(null)).toEqual(DEFAULT_CHART);
    expect(parseChart('not json')).toEqual(DEFAULT_CHART);
    expect(parseChart('null')).toEqual(DEFAULT_CHART);
    expect(parseChart('{"scale":"cubic","smoothing":0.5}')).toEqual({ scale: 'log', smoothing: 0.5 });
    expect(parseChart('{"scale":"linear","smoothing":7}')).toEqual({ scale: 'linear', smoothing: 0.99 });
    expect(parseChart('{"smoothing":-1}').smoothing).toBe(0);
  });
});
