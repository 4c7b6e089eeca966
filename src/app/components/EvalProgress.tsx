// The evaluation's progress bar: which seed, which encoder, which readout and its epoch or step of
// how many, the share done over all of them, and the time left once a share is measured.
import { useEffect, useState } from 'react';
import { isActive } from '../../protocol/messages';
import { evalProgress } from '../progress';
import { useStore } from '../store';
import { ProgressBar } from './ProgressBar';

/** The clock, read every `ms` while `on` (the time left counts down between the worker's messages). */
export function useNow(ms: number, on: boolean): number {
  const [now, setNow] = useState(0);
  useEffect(() => {
    if (!on) return;
    const tick = () => setNow(Date.now());
    tick();
    const timer = setInterval(tick, ms);
    return () => clearInterval(timer);
  }, [ms, on]);
  return now;
}

export function EvalProgress() {
  const probe = useStore((s) => s.probe);
  const now = useNow(1000, probe !== null && isActive(probe.status));
  if (!probe) return null;
  return <ProgressBar progress={evalProgress(probe, now)} testId="probe.progress" />;
}
