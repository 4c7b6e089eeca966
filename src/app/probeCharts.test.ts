import { describe, expect, it } from 'vitest';
import { colour, overlay, probeLayout, probeTraces, selectMap } from './probeCharts';

describe('probing views', () => {
  it('draws both probes: losses on the left axis, top-1 % on the right', () => {
    const t = probeTraces([{ epoch: 1, linearLoss: 2, attentiveLoss: 1.5, linearAcc: 0.3, attentiveAcc: 0.6 }]);
    expect(t.map((x) => x.name)).toEqual(['LIN loss', 'LIN top-1 %', 'ATT loss', 'ATT top-1 %']);
    expect(t[3]!.y).toEqual([60]);
    expect(t[3]!.yaxis).toBe('y2');
    // One epoch: markers, since a line needs two points.
    expect(t[3]!.mode).toBe('lines+markers');
  });
  it('draws no LIN curve when LIN was fitted by logistic regression, and gaps after a probe converged', () => {
    const t = probeTraces([
      { epoch: 1, linearLoss: null, attentiveLoss: 1.5, linearAcc: null, attentiveAcc: 0.5 },
      { epoch: 2, linearLoss: null, attentiveLoss: 1.2, linearAcc: null, attentiveAcc: 0.6 },
    ]);
    expect(t.map((x) => x.name)).toEqual(['ATT loss', 'ATT top-1 %']);
    expect(t[1]!.mode).toBe('lines');
    const late = probeTraces([
      { epoch: 1, linearLoss: 2, attentiveLoss: 1.5, linearAcc: 0.2, attentiveAcc: 0.5 },
      { epoch: 2, linearLoss: null, attentiveLoss: 1.2, linearAcc: null, attentiveAcc: 0.6 },
    ]);
    expect(late[1]!.y).toEqual([20, null]);
    // LIN stopped after its first epoch: one point, a marker (a line would draw nothing).
    expect(late[1]!.mode).toBe('lines+markers');
  });
  it('labels the axes of a 1-epoch probe three times or more, chance across the whole width', () => {
    const t = probeTraces([{ epoch: 1, linearLoss: 2, attentiveLoss: 1.5, linearAcc: 0.3, attentiveAcc: 0.6 }], [], 0.1);
    const layout = probeLayout(t);
    expect(layout.xaxis.tickvals).toEqual([0, 1, 2]);
    expect(layout.yaxis.tickvals!.length).toBeGreaterThanOrEqual(3);
    const chance = t.find((x) => x.name === 'chance')!;
    expect(chance.x).toEqual([0, 2.5]);
    expect(layout.xaxis.range).toEqual([0, 2.5]);
  });
  it('reduces heads to one map: a head or their mean', () => {
    const maps = Float32Array.from([1, 2, 3, 5, 6, 7]); // 2 heads × 3 patches
    expect(Array.from(selectMap(maps, 0, 2, 3, 1))).toEqual([5, 6, 7]);
    expect(Array.from(selectMap(maps, 0, 2, 3, 'mean'))).toEqual([3, 4, 5]);
  });
  it('blends a min–max scaled map over the image with the chosen opacity', () => {
    const img = new Uint8ClampedArray(2 * 2 * 4).fill(100);
    const out = overlay(img, 2, Float32Array.from([0, 1, 0, 0]), 2, 0.5, 'grey');
    expect(Array.from(out.subarray(0, 4))).toEqual([50, 50, 50, 255]);
    expect(Array.from(out.subarray(4, 8))).toEqual([178, 178, 178, 255]);
    expect(colour(0, 'inferno')).toEqual([0, 0, 4]);
  });
});
