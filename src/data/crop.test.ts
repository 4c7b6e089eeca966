import { describe, expect, it } from 'vitest';
import { axisWeights, centreCrop, clampCrop, cropToSquare, moveCrop, setCropSide } from './crop';

/** RGBA bytes of a W×H image from a function of (x, y) giving [r, g, b] bytes. */
const image = (W: number, H: number, f: (x: number, y: number) => [number, number, number]) => {
  const out = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out.set([...f(x, y), 255], (y * W + x) * 4);
  return out;
};

describe('the lab crop', () => {
  it('defaults to the largest centred square', () => {
    expect(centreCrop(300, 200)).toEqual({ left: 50, top: 0, side: 200 });
    expect(centreCrop(101, 300)).toEqual({ left: 0, top: 99, side: 101 });
  });

  it('stays inside the image when moved or resized', () => {
    const W = 300;
    const H = 200;
    expect(moveCrop({ left: 50, top: 0, side: 200 }, 80, -10, W, H)).toEqual({ left: 100, top: 0, side: 200 });
    expect(moveCrop({ left: 10, top: 10, side: 100 }, -30, 30, W, H)).toEqual({ left: 0, top: 40, side: 100 });
    expect(setCropSide({ left: 100, top: 50, side: 100 }, 50, W, H)).toEqual({ left: 125, top: 75, side: 50 }); // centre kept
    expect(setCropSide({ left: 0, top: 0, side: 100 }, 500, W, H)).toEqual({ left: 0, top: 0, side: 200 });
    expect(clampCrop({ left: -5, top: 1e9, side: 0 }, W, H)).toEqual({ left: 0, top: 199, side: 1 });
  });

  it('resampling weights sum to one and copy at scale 1', () => {
    for (const [len, size] of [
      [100, 32],
      [32, 32],
      [7, 32],
    ] as const) {
      const w = axisWeights(3, len, size, 200);
      for (let i = 0; i < size; i++) expect(w.weight.subarray(i * w.taps, (i + 1) * w.taps).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
    const img = image(8, 8, (x, y) => [x * 30, y * 30, 7]);
    const out = cropToSquare(img, 8, 8, { left: 2, top: 1, side: 4 }, 4);
    expect(out[0]).toBeCloseTo(60 / 255, 6); // red at (0, 0) is source x = 2
    expect(out[16 + 1 * 4 + 3]).toBeCloseTo(60 / 255, 6); // green at (3, 1) is source y = 2
    expect(out[32 + 5]).toBeCloseTo(7 / 255, 6);
  });

  it('keeps flat images flat, averages when shrinking, interpolates when enlarging', () => {
    const flat = cropToSquare(
      image(50, 40, () => [51, 102, 204]),
      50,
      40,
      centreCrop(50, 40),
      16,
    );
    expect(Math.max(...flat.subarray(0, 256)) - Math.min(...flat.subarray(0, 256))).toBeLessThan(1e-6);
    expect(flat[256 * 2 + 5]).toBeCloseTo(0.8, 6);
    // A fine checkerboard shrunk 4× is grey, not aliased stripes.
    const checker = cropToSquare(
      image(64, 64, (x, y) => ((x + y) % 2 ? [255, 255, 255] : [0, 0, 0])),
      64,
      64,
      { left: 0, top: 0, side: 64 },
      16,
    );
    for (const v of checker.subarray(0, 256)) expect(v).toBeCloseTo(0.5, 1);
    // Two pixels enlarged to four: bilinear between them, edges repeated.
    const ramp = cropToSquare(
      image(2, 2, (x) => [x * 255, 0, 0]),
      2,
      2,
      { left: 0, top: 0, side: 2 },
      4,
    );
    expect([...ramp.subarray(0, 4)].map((v) => +v.toFixed(3))).toEqual([0, 0.25, 0.75, 1]);
  });
});
