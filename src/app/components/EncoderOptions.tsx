// The <option>s for "which trained model": encoders the worker holds this session (runs of this
// session, imported checkpoints) and runs kept in this browser with a checkpoint not loaded yet.
import { useStore } from '../store';

export function EncoderOptions() {
  const encoders = useStore((s) => s.encoders);
  const runs = useStore((s) => s.runs);
  const kept = runs.filter((r) => r.checkpointStep != null && !encoders.some((e) => e.runId === r.spec.id));
  return (
    <>
      {encoders.map((e) => (
        <option key={e.runId} value={e.runId}>
          {e.runId} · {e.presetId} · step {e.step}
        </option>
      ))}
      {kept.map((r) => (
        <option key={r.spec.id} value={r.spec.id}>
          {r.spec.id} · {r.spec.presetId} · step {r.checkpointStep} (kept)
        </option>
      ))}
    </>
  );
}
