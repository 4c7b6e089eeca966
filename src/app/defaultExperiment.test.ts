import { describe, expect, it } from 'vitest';
import { defaultPretrainImages, defaultPretrainSeconds, duration, verdict } from './defaultExperiment';
import { DEFAULT_EXPERIMENT } from '../train/evalDefaults';

describe("the Probe view's note on the default experiment", () => {
  it('calls a difference within 2 SE either way a tie', () => {
    expect(verdict(2)).toBe('pretrained ahead');
    expect(verdict(1.99)).toBe('tie');
    expect(verdict(-1.5)).toBe('tie');
    expect(verdict(-2.1)).toBe('random init ahead');
  });

  it("estimates the pretraining's time from this device's measured speed of the same preset, and only from that", () => {
    const images = defaultPretrainImages();
    expect(defaultPretrainSeconds({ presetId: DEFAULT_EXPERIMENT.presetId, imgPerSec: 100 })).toBeCloseTo(images / 100, 9);
    expect(defaultPretrainSeconds({ presetId: 'vit-s-p16-224', imgPerSec: 100 })).toBeNull();
    expect(defaultPretrainSeconds({ presetId: DEFAULT_EXPERIMENT.presetId, imgPerSec: 0 })).toBeNull();
    expect(defaultPretrainSeconds(null)).toBeNull();
    expect([duration(40), duration(720), duration(3900)]).toEqual(['40 s', '12 min', '1 h 05 min']);
  });
});
