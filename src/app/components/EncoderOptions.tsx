// The <option>s for "which trained model": runs kept in this browser with a checkpoint and the
// encoders the worker holds this session (runs of this session, imported checkpoints).
// One list in a stable order (the runs list's, then imports), so a run's option stays the same
// element when its run ends and the worker takes it over: a <select> whose chosen option is
// replaced shows its first option, while its value says otherwise.
import { runTitle } from '../runNames';
import { useStore } from '../store';

/** `except`: a run listed elsewhere in the same select (the lab's live model). */
export function EncoderOptions(props: { except?: string }) {
  const encoders = useStore((s) => s.encoders);
  const runs = useStore((s) => s.runs);
  const sweeps = useStore((s) => s.sweeps);
  const options = [
    ...runs.flatMap((r) => {
      if (r.spec.id === props.except) return [];
      const e = encoders.find((x) => x.runId === r.spec.id);
      if (e) return [{ id: e.runId, text: `${runTitle(r, sweeps)} · step ${e.step} · ${e.runId}` }];
      return r.checkpointStep != null ? [{ id: r.spec.id, text: `${runTitle(r, sweeps)} · step ${r.checkpointStep} (kept) · ${r.spec.id}` }] : [];
    }),
    ...encoders.filter((e) => !runs.some((r) => r.spec.id === e.runId)).map((e) => ({ id: e.runId, text: `${e.runId} · ${e.presetId} · step ${e.step}` })),
  ];
  return (
    <>
      {options.map((o) => (
        <option key={o.id} value={o.id}>
          {o.text}
        </option>
      ))}
    </>
  );
}
