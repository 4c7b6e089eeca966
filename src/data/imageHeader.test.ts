import { describe, expect, it } from 'vitest';
import { animatedGif, apng, blankPng, flatCmykJpeg, png, testPicture } from '../testing/images';
import { readImageHeader } from './imageHeader';
import { DECODE_SIDE, decodeFailure, fitSide, flattenAlpha, planDecode } from './imagePolicy';

const rgb = png({ width: 20, height: 10, colourType: 2, bitDepth: 8, pixel: testPicture(20, 10) });

describe('image headers', () => {
  it('reads size, depth and colour of PNGs, and spots animation', () => {
    expect(readImageHeader(rgb)).toMatchObject({ format: 'png', width: 20, height: 10, bitDepth: 8, colour: 'rgb', animated: false, problem: null });
    const g16 = png({ width: 3, height: 4, colourType: 0, bitDepth: 16, pixel: () => [0.5] });
    expect(readImageHeader(g16)).toMatchObject({ width: 3, height: 4, bitDepth: 16, colour: 'gray', problem: null });
    const frame = { width: 4, height: 4, colourType: 6, bitDepth: 8, pixel: () => [1, 0, 0, 1] } as const;
    expect(readImageHeader(apng([frame, { ...frame, pixel: () => [0, 0, 1, 1] }]))).toMatchObject({ animated: true, colour: 'rgba', problem: null });
    expect(readImageHeader(blankPng(12000, 12000))).toMatchObject({ width: 12000, height: 12000, problem: null });
  });

  it('finds truncated and corrupt PNGs without decoding them', () => {
    expect(readImageHeader(rgb.subarray(0, rgb.length - 20)).problem).toMatch(/^is truncated/);
    expect(readImageHeader(rgb.subarray(0, 30)).problem).toMatch(/^is truncated/);
    const bad = rgb.slice();
    bad[45] = bad[45]! ^ 0xff; // a byte of the IDAT data
    expect(readImageHeader(bad).problem).toBe('is corrupt: its IDAT chunk fails its checksum');
  });

  it('reads JPEG frames, CMYK included, and needs the end-of-image marker', () => {
    const j = flatCmykJpeg(16, 8, [255, 0, 0, 255]);
    expect(readImageHeader(j)).toMatchObject({ format: 'jpeg', width: 16, height: 8, bitDepth: 8, colour: 'cmyk', problem: null });
    expect(readImageHeader(j.subarray(0, j.length - 2)).problem).toMatch(/^is truncated/);
    expect(readImageHeader(j.subarray(0, 40)).problem).toMatch(/^is truncated/);
  });

  it('counts GIF frames', () => {
    const gif = animatedGif(
      4,
      4,
      [
        [255, 0, 0],
        [0, 0, 255],
      ],
      [() => 0, () => 1],
    );
    expect(readImageHeader(gif)).toMatchObject({ format: 'gif', width: 4, height: 4, animated: true, problem: null });
    expect(readImageHeader(animatedGif(4, 4, [[1, 2, 3]], [() => 0]))).toMatchObject({ animated: false, problem: null });
    expect(readImageHeader(gif.subarray(0, 30)).problem).toMatch(/^is truncated/);
  });

  it('knows SVG from its text and everything else as unknown', () => {
    const svg = new TextEncoder().encode('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>');
    expect(readImageHeader(svg).format).toBe('svg');
    expect(readImageHeader(new TextEncoder().encode('hello, not an image')).format).toBe('unknown');
    expect(readImageHeader(new Uint8Array(0)).format).toBe('unknown');
  });
});

describe('what the lab opens', () => {
  it('refuses empty, broken and huge files with what to do', () => {
    const empty = planDecode('a.png', 0, readImageHeader(new Uint8Array(0)));
    expect(empty).toEqual({ ok: false, message: expect.stringMatching(/^a\.png is empty \(0 bytes\)\. Choose/) });
    const cut = planDecode('b.png', 40, readImageHeader(rgb.subarray(0, 40)));
    expect(!cut.ok && cut.message).toMatch(/^b\.png is truncated: .*upload the complete file\.$/);
    const huge = planDecode('c.png', 1000, readImageHeader(blankPng(12000, 12000)));
    expect(!huge.ok && huge.message).toMatch(/12000×12000 pixels \(144 megapixels\).*Scale it down/);
    expect(decodeFailure('d.png', readImageHeader(new Uint8Array([1, 2, 3])), 'x')).toMatch(/^d\.png is not an image this browser can read/);
  });

  it('decodes large images at DECODE_SIDE and says what changed', () => {
    const plan = planDecode('e.png', 1000, { format: 'png', width: 4000, height: 3000, bitDepth: 16, colour: 'gray', animated: true, problem: null });
    expect(plan.ok && plan.resize).toEqual({ width: DECODE_SIDE, height: 768 });
    expect(plan.ok && plan.notes.join(' ')).toMatch(/animated.*first frame.*16 bits.*Grayscale/);
    expect(fitSide(100, 50, 1024)).toBeNull();
  });

  it('flattens transparency onto white and says whether there was any', () => {
    const px = new Uint8ClampedArray([10, 20, 30, 255, 0, 0, 0, 0, 200, 100, 0, 128]);
    expect(flattenAlpha(px)).toBe(true);
    expect([...px]).toEqual([10, 20, 30, 255, 255, 255, 255, 255, 227, 177, 127, 255]);
    expect(flattenAlpha(px)).toBe(false);
  });
});
