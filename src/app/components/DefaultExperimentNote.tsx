// The Probe view's note on the default experiment: what it runs, how long its pretraining takes on
// this device, and what it showed when measured (each readout: pretrained ahead, tie, or random init
// ahead, by the paired difference in standard errors).
import { DEFAULT_EXPERIMENT } from '../../train/evalDefaults';
import { DEFAULT_MEASURED, WIDER_MEASURED, defaultPretrainImages, defaultPretrainSeconds, duration } from '../defaultExperiment';
import { FindingsTable } from './FindingsTable';
import { readSpeeds, runSpeedFor } from '../speeds';
import { useStore } from '../store';

const READOUT_NAMES: Record<string, string> = { lin: 'LIN', att: 'ATT', knn: 'kNN', ft: 'fine-tuning' };

export function DefaultExperimentNote() {
  // Primitives, not an object: a selector that builds a new object each call never settles.
  const presetId = useStore((s) => s.run?.spec.presetId ?? null);
  const imgPerSec = useStore((s) => s.run?.imgPerSec ?? 0);
  const backend = useStore((s) => s.backend?.kind ?? null);
  // The live run's speed, else the one the last run of the default preset measured here (../speeds.ts).
  const kept = runSpeedFor(readSpeeds().runs, DEFAULT_EXPERIMENT.presetId, backend);
  const speed = presetId === DEFAULT_EXPERIMENT.presetId && imgPerSec > 0 ? { presetId, imgPerSec } : kept;
  const seconds = defaultPretrainSeconds(speed);
  const x = DEFAULT_EXPERIMENT;
  const m = DEFAULT_MEASURED;
  return (
    <div style={{ fontSize: 12, color: 'var(--muted)', maxWidth: 300 }} data-testid="probe.budget">
      <p style={{ margin: '4px 0' }}>
        The first-run defaults: {x.presetId} pretrained for {x.pretrainSteps} steps ({defaultPretrainImages().toLocaleString('en')} images) on {x.dataset}, then{' '}
        {x.evals.map((e) => READOUT_NAMES[e]).join(', ')} on {x.trainImages} / {x.valImages} labelled images (test split), beside the same init untrained. They
        are the smallest measured budget at which pretraining beat random init on every one of these frozen readouts on a validation split
        (docs/experiments.md).
      </p>
      <p style={{ margin: '4px 0' }} data-testid="probe.budget-time">
        {seconds !== null
          ? `Its pretraining takes about ${duration(seconds)} on this device (at the ${speed!.imgPerSec.toFixed(0)} img/s your ${x.presetId} run measured).`
          : `Its pretraining time on this device is unknown until a ${x.presetId} run has trained its first steps here.`}
      </p>
      {m.readouts.length > 0 && <FindingsTable m={m} testId="probe.default-findings" />}
      {/* Folded: the note sits beside the form, and this is the second table a reader wants. */}
      <details style={{ marginTop: 6 }}>
        <summary>A wider, deeper encoder, as measured</summary>
        <FindingsTable m={WIDER_MEASURED} testId="probe.wider-findings" />
      </details>
    </div>
  );
}
