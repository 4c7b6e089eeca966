import { describe, expect, it } from 'vitest';
import { continueStroke, generateMask, maskCount, patchAt, ratioCount, startStroke } from './labMask';

describe('lab masks', () => {
  it('a click toggles one patch; clicking again unmasks it', () => {
    const m0 = new Uint8Array(16);
    const a = startStroke(m0, 5);
    expect(a.value).toBe(1);
    expect(maskCount(a.mask)).toBe(1);
    expect(m0[5]).toBe(0); // the old mask is left as it was (store snapshots stay valid)
    const b = startStroke(a.mask, 5);
    expect(b.value).toBe(0);
    expect(maskCount(b.mask)).toBe(0);
  });

  it('a drag paints every patch it crosses with its first patch’s new state', () => {
    let { mask, value } = startStroke(new Uint8Array(16), 0);
    for (const k of [1, 2, 1, 0, 6]) mask = continueStroke(mask, k, value); // crossing 1 and 0 again keeps them masked
    expect([...mask].flatMap((v, i) => (v ? [i] : []))).toEqual([0, 1, 2, 6]);
    ({ mask, value } = startStroke(mask, 2)); // a stroke starting on a masked patch unmasks
    for (const k of [1, 3, 6]) mask = continueStroke(mask, k, value);
    expect([...mask].flatMap((v, i) => (v ? [i] : []))).toEqual([0]);
    expect(continueStroke(mask, 0, 1)).toBe(mask); // nothing changed: same array
    expect(continueStroke(mask, 99, 1)).toBe(mask);
  });

  it('finds the patch under the pointer', () => {
    expect(patchAt(0, 0, 256, 4)).toBe(0);
    expect(patchAt(255, 255, 256, 4)).toBe(15);
    expect(patchAt(70, 130, 256, 4)).toBe(9);
    expect(patchAt(256, 0, 256, 4)).toBe(-1);
    expect(patchAt(-1, 3, 256, 4)).toBe(-1);
  });

  it('generated masks are seeded and mask the ratio, keeping one patch on each side', () => {
    for (const kind of ['block', 'random'] as const) {
      const a = generateMask(kind, 8, 0.5, 7, 5);
      expect(maskCount(a)).toBe(32);
      expect(generateMask(kind, 8, 0.5, 7, 5)).toEqual(a);
      expect(generateMask(kind, 8, 0.5, 8, 5)).not.toEqual(a);
    }
    expect(maskCount(generateMask('block', 4, 0.1, 1, 2))).toBe(2);
    expect(ratioCount(0, 16)).toBe(1);
    expect(ratioCount(1, 16)).toBe(15);
  });
});
