// One progress bar for every long job: an ARIA progressbar (its name, value and the numbers in words)
// drawn as a plain bar, with the job's phase and time left beside it. ../progress.ts says what.
import { valueText, type Progress } from '../progress';
import '../progress.css';

export function ProgressBar({ progress: p, testId }: { progress: Progress; testId: string }) {
  const known = p.max > 0;
  const share = known ? Math.min(1, Math.max(0, p.value / p.max)) : 0;
  return (
    <div className="progress-block" data-testid={testId}>
      <div
        role="progressbar"
        aria-label={p.name}
        aria-valuemin={0}
        aria-valuemax={known ? p.max : undefined}
        aria-valuenow={known ? p.value : undefined}
        aria-valuetext={valueText(p)}
        className="progress-track"
        data-indeterminate={!known || undefined}
      >
        <div className="progress-fill" style={{ width: `${(100 * share).toFixed(2)}%` }} />
      </div>
      <div className="progress-caption">
        <span data-testid={`${testId}.phase`}>{p.phase}</span>
        {p.timeLeft !== null && <span data-testid={`${testId}.left`}>time left {p.timeLeft}</span>}
      </div>
    </div>
  );
}
