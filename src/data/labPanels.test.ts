import { describe, expect, it } from 'vitest';
import { denormalizeImageNet, normalizeImageNet } from './augment';
import { NO_VALUE, heatmapRgba, maxFinite, patchError, tokenColour, tokenMapRgba, viridis } from './labPanels';
import { normalizePatch, patchVector, predictedPatchPixels } from './patches';

/** A channel-major [3, S, S] image in [0, 1] with texture in every patch. */
const picture = (S: number) => Float32Array.from({ length: 3 * S * S }, (_, i) => 0.2 + 0.6 * (((i * 37) % 101) / 101));

describe('lab reconstruction panels', () => {
  it('a perfect normalized prediction comes back as the true pixels (true mean and variance restored)', () => {
    const S = 8;
    const p = 4;
    const shown = picture(S);
    const img = normalizeImageNet(shown.slice());
    for (const k of [0, 3]) {
      const truth = patchVector(img, S, p, k);
      const pixels = predictedPatchPixels(normalizePatch(truth), truth, p, true);
      const want = patchVector(denormalizeImageNet(img), S, p, k);
      pixels.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
      // Without per-patch normalization the row already is the (ImageNet-normalized) patch.
      predictedPatchPixels(truth, truth, p, false).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    }
  });

  it('a zero prediction of a normalized target shows the patch mean everywhere', () => {
    const truth = Float32Array.from({ length: 12 }, (_, i) => (i % 3) - 1 + 0.1 * i);
    const px = predictedPatchPixels(new Float32Array(12), truth, 2, true);
    const mean = truth.reduce((a, b) => a + b, 0) / 12;
    // every channel of every pixel got the same normalized value back, ImageNet-denormalized per channel
    expect(px[0]).toBeCloseTo(Math.min(1, Math.max(0, mean * 0.229 + 0.485)), 5);
    expect(px[3]).toBeCloseTo(px[0]!, 6);
  });

  it('patch errors are the loss per patch: zero for a perfect prediction, 1 for zeros against a normalized target', () => {
    const truth = Float32Array.from({ length: 48 }, (_, i) => Math.sin(i));
    expect(patchError(normalizePatch(truth), truth, true)).toBeCloseTo(0, 10);
    expect(patchError(new Float32Array(48), truth, true)).toBeCloseTo(1, 4); // unit variance target
    expect(patchError(new Float32Array(48).fill(1), new Float32Array(48).fill(3), false)).toBe(4);
  });

  it('heatmap colours run from viridis dark (0) to yellow (max), grey where there is no value', () => {
    expect(viridis(0)).toEqual([68, 1, 84]);
    expect(viridis(1)).toEqual([253, 231, 37]);
    expect(viridis(2)).toEqual([253, 231, 37]);
    const values = Float32Array.from([0, 2, Number.NaN, 4]);
    expect(maxFinite(values)).toBe(4);
    const rgba = heatmapRgba(values, 2, 3, 4); // 2×2 grid of 3-px patches: 6×6 pixels
    const at = (x: number, y: number) => [...rgba.subarray((y * 6 + x) * 4, (y * 6 + x) * 4 + 4)];
    expect(at(0, 0)).toEqual([68, 1, 84, 255]);
    expect(at(2, 2)).toEqual([68, 1, 84, 255]); // the same patch throughout
    expect(at(4, 1)).toEqual([...viridis(0.5).map(Math.round), 255]);
    expect(at(1, 4)).toEqual([...NO_VALUE, 255]);
    expect(at(5, 5)).toEqual([253, 231, 37, 255]);
  });

  it('token maps colour equal ids alike and leave unpredicted patches grey', () => {
    const rgba = tokenMapRgba(Int32Array.from([7, -1, 7, 8]), 2, 1);
    expect([...rgba.subarray(0, 4)]).toEqual([...rgba.subarray(8, 12)]);
    expect([...rgba.subarray(4, 8)]).toEqual([...NO_VALUE, 255]);
    expect(tokenColour(7)).not.toEqual(tokenColour(8));
  });
});
