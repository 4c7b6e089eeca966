// Messages the user must see: failures, fallbacks, with what to do.
import { useStore } from '../store';

const box = { background: '#fff4e5', border: '1px solid #f0b35b', borderRadius: 4, padding: '6px 10px', margin: '8px 0' };

export function Notices() {
  const notices = useStore((s) => s.notices);
  const dismiss = useStore((s) => s.dismiss);
  const crash = useStore((s) => s.workerCrash);
  const backend = useStore((s) => s.backend);
  return (
    <div data-testid="notices" role="status">
      {crash && <div style={{ ...box, background: '#fdecea', borderColor: '#e57373' }}>{crash}</div>}
      {backend?.fallbackReason && (
        <div style={box}>
          {backend.label}: {backend.fallbackReason}. Chrome or Edge with WebGPU trains many times faster.
        </div>
      )}
      {notices.map((n) => (
        <div key={n.id} style={box}>
          {n.text}{' '}
          <button onClick={() => dismiss(n.id)} aria-label="dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
