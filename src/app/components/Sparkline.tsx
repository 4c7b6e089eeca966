// A run's loss as a tiny line in the runs sidebar (see ../sparkline.ts).
import type { StepPoint } from '../../protocol/messages';
import { sparklinePoints } from '../sparkline';

export function Sparkline(props: { curve: readonly StepPoint[] | undefined; colour?: string }) {
  const W = 90;
  const H = 22;
  const points = sparklinePoints(props.curve?.map((p) => p.total) ?? [], W, H);
  return (
    <svg data-testid="runs.sparkline" width={W} height={H} viewBox={`0 0 ${W} ${H}`} aria-label="loss curve" role="img">
      {points && <polyline points={points} fill="none" stroke={props.colour ?? 'var(--accent)'} strokeWidth={1.5} />}
    </svg>
  );
}
