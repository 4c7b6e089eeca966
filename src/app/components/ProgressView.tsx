// The run's progress: a progress bar with its phase and time left, then step of total, speed, loss
// and engine, all from the store's one live run (../progress.ts).
import { runProgress } from '../progress';
import { EngineBadge } from './EngineBadge';
import { useStore } from '../store';
import { ProgressBar } from './ProgressBar';

export function ProgressView() {
  const run = useStore((s) => s.run);
  if (!run) return <p style={{ color: 'var(--muted)' }}>Choose a preset and press Start.</p>;
  const moving = run.status === 'running';
  return (
    <div>
      <div style={{ display: 'flex', gap: 16, fontSize: 14, alignItems: 'baseline', flexWrap: 'wrap' }}>
        <span>
          step <b data-testid="pretrain.step">{run.step}</b> of {run.totalSteps}
        </span>
        <span data-testid="pretrain.status">{run.status}</span>
        {/* The speed of a run that is not moving is no speed: it is shown only while it runs. */}
        <span data-testid="pretrain.speed">{moving && run.phase === 'training' ? `${run.imgPerSec.toFixed(1)} img/s` : '— img/s'}</span>
        {run.history.length > 0 && <span>loss {run.history.at(-1)!.total.toFixed(4)}</span>}
        {run.engine && <EngineBadge engine={run.engine} testId="pretrain.engine" />}
      </div>
      <ProgressBar progress={runProgress(run)} testId="pretrain.progress" />
      {run.message && (
        <p
          data-testid="pretrain.message"
          style={{ color: run.status === 'done' || run.status === 'stopped' || run.status === 'running' ? 'var(--fg)' : 'var(--error)', fontSize: 13 }}
        >
          {run.message}
        </p>
      )}
    </div>
  );
}
