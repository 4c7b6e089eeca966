// Beside "Start evaluation": why it cannot start (the recipe's problems, each also shown beside its
// field) and, before it starts, its time on this device and the storage its results take.
import { evalEstimate } from '../estimates';
import { type EvalProblems, evalStartReason } from '../evalValidation';
import { evalImages, evalSpeedFor, readSpeeds } from '../speeds';
import { probedPreset } from '../probeForm';
import { useStore } from '../store';

export function ProbeStartInfo(props: { problems: EvalProblems; active: boolean }) {
  const f = useStore((s) => s.probeForm);
  const backend = useStore((s) => s.backend?.kind ?? null);
  const presetId = useStore(probedPreset);
  // Re-read when an evaluation ends, as it may have measured a new speed.
  useStore((s) => s.probe?.status);
  const reason = evalStartReason(props.problems);
  const e = f.evaluation;
  const random = f.encoder === 'random';
  const speed = evalSpeedFor(readSpeeds().evals, presetId, backend, e.evals);
  const estimate = evalEstimate({
    presetId,
    images: evalImages({ trainImages: f.trainImages, valImages: f.valImages, seeds: e.seeds, baseline: e.baseline, random }),
    encoders: e.baseline && !random ? 2 : 1,
    speed,
  });
  if (props.active) return null;
  return (
    <>
      {reason && (
        <p data-testid="probe.start-reason" style={{ color: 'var(--error)', fontSize: 12, maxWidth: 300, margin: '4px 0' }}>
          {reason}
        </p>
      )}
      <p data-testid="probe.estimate" className="hint" style={{ fontSize: 12, maxWidth: 300, margin: '4px 0' }}>
        {estimate.text}
      </p>
    </>
  );
}
