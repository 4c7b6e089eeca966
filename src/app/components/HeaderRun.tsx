// The run this page trains, in the header (seen from every view): its step and status from the
// store's one live run, the same numbers the runs sidebar and the Pretrain view show.
import { isActive } from '../../protocol/messages';
import { runPhaseText } from '../progress';
import { useStore } from '../store';

export function HeaderRun() {
  const run = useStore((s) => s.run);
  if (!run || !isActive(run.status)) return null;
  const name = useStore.getState().runs.find((r) => r.spec.id === run.spec.id)?.name || run.spec.id;
  return (
    <span data-testid="header.run" title={`${name}: ${runPhaseText(run.status, run.phase)}`}>
      {run.spec.presetId} · step <span data-testid="header.step">{run.step}</span>/{run.totalSteps} · <span data-testid="header.status">{run.status}</span>
    </span>
  );
}
