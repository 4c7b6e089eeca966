// The evaluation's progress bar: which seed, which encoder, which readout and its epoch or step of
// how many, the share done over all of them, and the time left once a share is measured.
import { isActive } from '../../protocol/messages';
import { evalProgress } from '../progress';
import { useStore } from '../store';
import { ProgressBar } from './ProgressBar';
import { useNow } from './useNow';

export function EvalProgress() {
  const probe = useStore((s) => s.probe);
  const now = useNow(1000, probe !== null && isActive(probe.status));
  if (!probe) return null;
  return <ProgressBar progress={evalProgress(probe, now)} testId="probe.progress" />;
}
