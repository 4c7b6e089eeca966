// A sweep's progress, pure: which point of how many, and what it does now (the pretraining's step,
// the probes' readout), from the kept sweep and the store's live run and evaluation. Pretraining and
// probing each count half a point on the bar: their times differ by recipe, and the bar must only
// move forward; the time left comes from the points already finished, where there are any.
import { isActive, type RunStatus } from '../../protocol/messages';
import { formatDuration } from '../charts';
import type { Progress } from '../progress';
import type { SweepPoint, SweepState } from './sweep';

interface LiveRun {
  readonly spec: { readonly id: string };
  readonly step: number;
  readonly totalSteps: number;
  readonly status: RunStatus;
}
interface LiveProbe {
  readonly spec: { readonly id: string };
  readonly status: RunStatus;
  readonly share: number;
  readonly progress: string | null;
}

const ended = (p: SweepPoint) => p.status === 'done' || p.status === 'failed' || p.status === 'cancelled';

/** A point's status with what it does now: "pretraining · step 340 of 4000", "probing · seed 1 of 1 · …". */
export function pointStatusText(p: SweepPoint, run: LiveRun | null, probe: LiveProbe | null): string {
  if (p.status === 'pretraining' && run && run.spec.id === p.runId && isActive(run.status)) return `pretraining · step ${run.step} of ${run.totalSteps}`;
  if (p.status === 'probing' && probe && probe.spec.id === p.probeId && isActive(probe.status) && probe.progress) return `probing · ${probe.progress}`;
  return p.status;
}

/** The share of the running point done: half for its pretraining's steps, half for its probes. */
function pointShare(p: SweepPoint, run: LiveRun | null, probe: LiveProbe | null): number {
  if (p.status === 'pretraining') return run && run.spec.id === p.runId && run.totalSteps > 0 ? (0.5 * run.step) / run.totalSteps : 0;
  if (p.status === 'probing') return 0.5 + (probe && probe.spec.id === p.probeId ? 0.5 * probe.share : 0);
  return 0;
}

export function sweepProgress(s: SweepState, run: LiveRun | null, probe: LiveProbe | null): Progress {
  const n = s.points.length;
  const finished = s.points.filter(ended).length;
  const currentIndex = s.points.findIndex((p) => p.status === 'pretraining' || p.status === 'probing');
  const current = currentIndex >= 0 ? s.points[currentIndex]! : null;
  const inPoint = current ? pointShare(current, run, probe) : 0;
  const open = !s.cancelled && finished < n;
  const timed = s.points.filter((p) => p.status === 'done' && p.seconds > 0);
  const perPoint = timed.length ? timed.reduce((a, p) => a + p.seconds, 0) / timed.length : null;
  return {
    value: Math.round((finished + inPoint) * 100),
    max: n * 100,
    name: `sweep progress: ${s.spec.name}`,
    phase: !open
      ? s.cancelled
        ? `cancelled after ${finished} of ${n} points`
        : `finished: ${n} of ${n} points`
      : current
        ? `point ${currentIndex + 1} of ${n} · ${pointStatusText(current, run, probe)}`
        : `${finished} of ${n} points finished · waiting for the next`,
    timeLeft: !open ? null : perPoint !== null ? `about ${formatDuration(perPoint * (n - finished - inPoint))}` : 'unknown until a first point has finished',
  };
}
