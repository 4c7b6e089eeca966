// The clock for the progress bars' time left, which counts down between the worker's messages.
import { useEffect, useState } from 'react';

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
