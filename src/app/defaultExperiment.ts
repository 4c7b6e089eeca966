// What the Probe view says about the notebook's default experiment: what it runs, what it showed when
// it was measured (bench:probe --quick; docs/experiments.md has every number and how it was chosen),
// and how long its pretraining takes on this device, from the speed a run of its preset measured here.
import { DEFAULT_EXPERIMENT } from '../train/evalDefaults';
import { defaultTrainConfig } from '../train/defaults';

/** One readout of the default experiment: pretrained against random init, paired seed by seed. */
export interface DefaultReadout {
  readonly readout: string;
  /** Mean top-1 over the seeds, %. */
  readonly pretrained: number;
  readonly random: number;
  /** The paired difference in its standard errors. */
  readonly z: number;
}

/** An experiment as measured by `bench:probe`: pretrained against random init on each readout. */
export interface MeasuredExperiment {
  /** What was measured, when it is not the default experiment itself. */
  readonly title?: string;
  readonly date: string;
  readonly where: string;
  readonly seeds: number;
  readonly split: 'test' | 'val';
  readonly readouts: readonly DefaultReadout[];
  /** ATT − LIN of the pretrained encoder, in SE. */
  readonly attOverLin: number;
  /** What else the measurement showed, in a sentence. */
  readonly footnote: string;
}

/** `bench:probe -- --quick`, as measured (docs/experiments.md, "The default experiment"). */
export const DEFAULT_MEASURED: MeasuredExperiment = Object.freeze({
  date: '2026-12-06',
  where: '2-core CPU, Node, TF.js WASM',
  seeds: 3,
  split: 'test',
  readouts: [
    { readout: 'LIN', pretrained: 34.4, random: 23.7, z: 5.1 },
    { readout: 'ATT', pretrained: 70.4, random: 63.7, z: 3.9 },
    { readout: 'kNN CLS', pretrained: 18.7, random: 13.3, z: 4.1 },
    { readout: 'kNN mean', pretrained: 28.4, random: 11.5, z: 7.5 },
  ],
  attOverLin: 8.9,
  footnote: 'Budgets of 4 000 and 8 000 steps left ATT a tie or behind random init.',
});

/**
 * The default experiment's settings on Fashion-MNIST's embedded split (`bench:probe -- --dataset
 * fashion-mnist`; docs/experiments.md, 2026-12-07): shown beside a probe on it.
 */
export const FASHION_MEASURED: MeasuredExperiment = Object.freeze({
  date: '2026-12-07',
  where: 'micro, 16 000 steps; 2-core CPU, Node, TF.js WASM',
  seeds: 3,
  split: 'test',
  readouts: [
    { readout: 'LIN', pretrained: 69.3, random: 72.8, z: -2.1 },
    { readout: 'ATT', pretrained: 75.3, random: 71.5, z: 1.0 },
    { readout: 'kNN CLS', pretrained: 61.3, random: 58.5, z: 1.6 },
    { readout: 'kNN mean', pretrained: 69.5, random: 52.0, z: 10.0 },
  ],
  attOverLin: 3.6,
  footnote:
    "On these centred grayscale images a random micro's tokens are already strong linear features: at 4 000, 8 000 and 16 000 steps only kNN on mean-pooled patches separates the encoders.",
});

/**
 * The encoder-size axis (docs/experiments.md, 2026-12-07): mini's width and depth at micro's 8-px
 * patches, the default experiment's recipe otherwise, ATT at the rate chosen for it on the
 * validation split. Shown under the default experiment's findings.
 */
export const WIDER_MEASURED: MeasuredExperiment = Object.freeze({
  title: "A wider, deeper encoder (mini's 96 wide, 4 blocks, at micro's 8-px patches; 467 k encoder parameters against 32 k)",
  date: '2026-12-07',
  where: '8 000 steps, ATT at ×16 chosen for it on the validation split; 2-core CPU, Node, TF.js WASM',
  seeds: 3,
  split: 'test',
  readouts: [
    { readout: 'LIN', pretrained: 60.4, random: 39.7, z: 11.6 },
    { readout: 'ATT', pretrained: 82.9, random: 79.3, z: 2.6 },
    { readout: 'kNN CLS', pretrained: 28.8, random: 13.0, z: 10.9 },
    { readout: 'kNN mean', pretrained: 29.8, random: 11.5, z: 8.5 },
  ],
  attOverLin: 14.1,
  footnote:
    "A wider random encoder is a stronger baseline (ATT 79.3 against micro's 63.7). At 4 000 steps random init was still ahead on ATT (−2.6 SE); at 8 000 pretraining leads on every readout, where micro needed 16 000. At 16 000 steps the lead grows on every readout: ATT 87.8 against 79.3 (+6.3 SE), LIN +13.7, kNN CLS +14.4, kNN mean +17.5 SE. The mini preset itself (4-px patches, 64 of them) was measured at 4 000 steps only: kNN mean +4.63 SE, while LIN (+0.38), ATT (+0.39) and kNN CLS (+1.95, under the 2 SE a lead needs) tie; its later budgets wait for a GPU.",
});

/** Within 2 SE either way is a tie: the readouts cannot tell the encoders apart. */
export function verdict(z: number): 'pretrained ahead' | 'tie' | 'random init ahead' {
  return z >= 2 ? 'pretrained ahead' : z <= -2 ? 'random init ahead' : 'tie';
}

/** Images the default pretraining run sees. */
export const defaultPretrainImages = (): number => DEFAULT_EXPERIMENT.pretrainSteps * defaultTrainConfig(DEFAULT_EXPERIMENT.presetId).batchSize;

/**
 * The default pretraining's time on this device from a measured speed of its preset (img/s), or
 * null when none has been measured here yet.
 */
export function defaultPretrainSeconds(measured: { presetId: string; imgPerSec: number } | null): number | null {
  if (!measured || measured.presetId !== DEFAULT_EXPERIMENT.presetId || !(measured.imgPerSec > 0)) return null;
  return defaultPretrainImages() / measured.imgPerSec;
}

/** "1 h 05 min", "12 min", "40 s". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.round(seconds / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
