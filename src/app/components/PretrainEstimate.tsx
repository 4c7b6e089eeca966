// Before Start: the run's time on this device and the storage it will take (../estimates.ts), from
// the speed the last run of this preset measured here.
import { pretrainEstimate } from '../estimates';
import { readSpeeds, runSpeedFor } from '../speeds';
import { useStore } from '../store';

export function PretrainEstimate() {
  const form = useStore((s) => s.form);
  const backend = useStore((s) => s.backend?.kind ?? null);
  // Re-read as a run measures its speed, so the estimate follows it.
  useStore((s) => s.run?.imgPerSec);
  const speed = runSpeedFor(readSpeeds().runs, form.presetId, backend);
  const e = pretrainEstimate({ presetId: form.presetId, model: form.model, steps: form.train.totalSteps, batchSize: form.train.batchSize, speed });
  return (
    <p data-testid="pretrain.estimate" className="hint" style={{ margin: '4px 0' }}>
      {e.text}
    </p>
  );
}
