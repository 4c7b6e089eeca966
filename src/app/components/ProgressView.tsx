// Step of total, images per second and time left, from the store.
import { formatDuration } from '../charts';
import { useStore } from '../store';

export function ProgressView() {
  const run = useStore((s) => s.run);
  if (!run) return <p style={{ color: 'var(--muted)' }}>Choose a preset and press Start.</p>;
  const frac = run.totalSteps ? run.step / run.totalSteps : 0;
  const left = run.imgPerSec > 0 ? ((run.totalSteps - run.step) * run.spec.train.batchSize) / run.imgPerSec : NaN;
  return (
    <div>
      <div style={{ display: 'flex', gap: 16, fontSize: 14, alignItems: 'baseline', flexWrap: 'wrap' }}>
        <span>
          step <b data-testid="pretrain.step">{run.step}</b> of {run.totalSteps}
        </span>
        <span data-testid="pretrain.status">{run.status}</span>
        <span data-testid="pretrain.speed">{run.imgPerSec.toFixed(1)} img/s</span>
        <span>time left {formatDuration(left)}</span>
        {run.history.length > 0 && <span>loss {run.history.at(-1)!.total.toFixed(4)}</span>}
        {run.engine && (
          <span data-testid="pretrain.engine" title={run.engine.reason ?? 'the traced step replayed as one fixed list of GPU commands'}>
            engine {run.engine.name === 'replay' ? 'replay' : 'TF.js'}
          </span>
        )}
      </div>
      <progress value={frac} max={1} style={{ width: '100%' }} />
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
