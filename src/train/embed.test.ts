import { describe, expect, it } from 'vitest';
import { Rng } from '../model/random';
import { embed2d } from './embed';

/** Three clusters in 16-D around random directions (cosine-separated), 40 points each. */
function clusters(seed: number) {
  const rng = new Rng(seed);
  const d = 16;
  const centres = Array.from({ length: 3 }, () => Array.from({ length: d }, () => rng.normal()));
  const n = 120;
  const x = new Float32Array(n * d);
  const label = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    label[i] = i % 3;
    for (let j = 0; j < d; j++) x[i * d + j] = centres[i % 3]![j]! + 0.15 * rng.normal();
  }
  return { x, n, d, label };
}

describe('embed2d', () => {
  it('keeps clusters apart in 2-D: every point is nearer its own cluster’s centre than any other', async () => {
    const { x, n, d, label } = clusters(1);
    const y = await embed2d(x, n, d, { seed: 0 });
    const centre = [0, 1, 2].map((c) => {
      let sx = 0;
      let sy = 0;
      let k = 0;
      for (let i = 0; i < n; i++) if (label[i] === c) [sx, sy, k] = [sx + y[2 * i]!, sy + y[2 * i + 1]!, k + 1];
      return [sx / k, sy / k] as const;
    });
    let right = 0;
    for (let i = 0; i < n; i++) {
      const dist = centre.map(([cx, cy]) => Math.hypot(y[2 * i]! - cx, y[2 * i + 1]! - cy));
      if (dist.indexOf(Math.min(...dist)) === label[i]) right++;
    }
    expect(right).toBe(n);
  });

  it('is a pure function of the features and the seed, and can stop early', async () => {
    const { x, n, d } = clusters(2);
    const a = await embed2d(x, n, d, { seed: 5 });
    expect(await embed2d(x, n, d, { seed: 5 })).toEqual(a);
    expect(await embed2d(x, n, d, { seed: 6 })).not.toEqual(a);
    let calls = 0;
    await embed2d(x, n, d, { seed: 5, onEpoch: async () => (++calls, true) });
    expect(calls).toBe(1);
    await expect(embed2d(x, 2, d * 60, { seed: 0 })).rejects.toThrow(/at least 3/);
  });
});
