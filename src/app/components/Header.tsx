// The header: what runs the model, always visible.
import { useStore } from '../store';

export function Header() {
  const backend = useStore((s) => s.backend);
  const crash = useStore((s) => s.workerCrash);
  const warn = backend && backend.kind !== 'webgpu';
  return (
    <header style={{ display: 'flex', alignItems: 'baseline', gap: '1rem', borderBottom: '1px solid var(--border)', paddingBottom: 8 }}>
      <h1 style={{ margin: 0, fontSize: 22 }}>CAE notebook</h1>
      <span style={{ color: 'var(--muted)' }}>Context Autoencoder pretraining in your browser</span>
      <span style={{ marginLeft: 'auto', color: warn || crash ? 'var(--warn)' : 'var(--ok)' }} title={backend?.fallbackReason ?? backend?.adapter ?? ''}>
        <span data-testid="backend.name">{crash ? 'worker stopped' : (backend?.label ?? 'starting…')}</span>
        {backend && <span style={{ color: 'var(--muted)' }}> ({backend.adapter})</span>}
      </span>
    </header>
  );
}
