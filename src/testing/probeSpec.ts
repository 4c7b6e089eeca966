// A small evaluation spec for tests: micro, a few images, LIN and ATT by default; override any field.
import { MICRO } from '../model/presets';
import type { EvalSettings, ProbeSpec } from '../protocol/messages';
import { DEFAULT_PLATEAU } from '../train/convergence';
import { defaultEvaluation } from '../train/evalDefaults';
import type { ProbeTrainConfig } from '../train/probeTrainer';

export const testProbeConfig = (batchSize: number, totalSteps: number): ProbeTrainConfig => ({
  seed: 1,
  batchSize,
  totalSteps,
  warmupSteps: 1,
  pooling: 'cls',
  linearBaseLr: 6.4,
  linearBaseBatch: batchSize,
  attentiveBaseLr: 0.4,
  attentiveBaseBatch: batchSize,
  momentum: 0.9,
  attentiveEvalBn: 'batch',
});

export function testProbeSpec(o: Partial<Omit<ProbeSpec, 'evaluation'>> & { batchSize?: number; evaluation?: Partial<EvalSettings> } = {}): ProbeSpec {
  const { batchSize = 16, evaluation, ...rest } = o;
  const d = defaultEvaluation();
  return {
    id: 'p1',
    encoder: { kind: 'random' },
    presetId: 'micro',
    model: MICRO,
    dataset: 'shapes',
    probe: testProbeConfig(batchSize, 8),
    epochs: 2,
    trainImages: 64,
    valImages: 20,
    augment: false,
    createdAt: 0,
    ...rest,
    // The official LIN recipe and ATT capped at the spec's 2 epochs keep these runs short and their curves whole.
    evaluation: {
      ...d,
      linear: 'official',
      plateau: { ...DEFAULT_PLATEAU, maxEpochs: 2 },
      evals: ['lin', 'att'],
      seeds: 1,
      fineTuneEpochs: 1,
      fineTuneWarmupEpochs: 0,
      fineTune: { ...d.fineTune, batchSize },
      ...evaluation,
    },
  };
}
