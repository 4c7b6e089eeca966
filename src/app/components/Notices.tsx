// Messages the user must see: failures, fallbacks, with what to do.
import { useStore } from '../store';

const box = { background: 'var(--note-bg)', border: '1px solid var(--note-border)', borderRadius: 4, padding: '6px 10px', margin: '8px 0' };

export function Notices() {
  const notices = useStore((s) => s.notices);
  const dismiss = useStore((s) => s.dismiss);
  const crash = useStore((s) => s.workerCrash);
  const backend = useStore((s) => s.backend);
  return (
    <div data-testid="notices" role="status">
      {crash && <div style={{ ...box, background: 'var(--error-bg)', borderColor: 'var(--error-border)' }}>{crash}</div>}
      {backend?.fallbackReason && (
        <div style={box}>
          {backend.label}: {backend.fallbackReason}. Chrome or Edge with WebGPU trains many times faster.
        </div>
      )}
      {notices.map((n) => (
        <div key={n.id} style={box}>
          {n.text}
          {n.count > 1 && <span data-testid="notices.count"> (×{n.count})</span>}{' '}
          <button onClick={() => dismiss(n.id)} aria-label="dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
