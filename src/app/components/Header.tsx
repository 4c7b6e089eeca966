// The header, always visible: what runs the model (backend and adapter), how much this notebook
// stores in the browser and whether the browser keeps it under storage pressure.
import { useEffect, useState } from 'react';
import { storageUsed } from '../runsDb';
import { useStore } from '../store';
import { HeaderRun } from './HeaderRun';

const mb = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GB` : `${(b / 2 ** 20).toFixed(1)} MB`);

function Storage() {
  const runs = useStore((s) => s.runs);
  const datasets = useStore((s) => s.datasets);
  const [storage, setStorage] = useState<{ usage: number; quota: number; persisted: boolean | null } | null>(null);
  // Checkpoints and imports are what takes space: read again when either list changes.
  useEffect(() => {
    void storageUsed().then(setStorage, () => setStorage(null));
  }, [runs, datasets]);
  return (
    <span data-testid="runs.storage" title={storage ? `this notebook's origin stores ${mb(storage.usage)} of the ${mb(storage.quota)} the browser allows` : ''}>
      {storage ? `Storage used: ${mb(storage.usage)} of ${mb(storage.quota)}` : 'This browser does not report its storage use.'}
      {storage?.persisted != null && (
        <span
          data-testid="runs.persisted"
          title="the browser is asked to keep this storage before the first checkpoint or import; where it does not, export the checkpoints you need"
        >
          {storage.persisted ? ' · persistent' : ' · not persistent: may be evicted'}
        </span>
      )}
    </span>
  );
}

export function Header() {
  const backend = useStore((s) => s.backend);
  const crash = useStore((s) => s.workerCrash);
  const warn = backend && backend.kind !== 'webgpu';
  return (
    <header className="app-header">
      <h1>CAE notebook</h1>
      <span className="hint">Context Autoencoder pretraining in your browser</span>
      <span className="status-items">
        <span
          title={backend?.fallbackReason ?? backend?.adapter ?? ''}
          style={{ fontWeight: warn || crash ? 600 : undefined, color: warn || crash ? 'var(--warn)' : 'var(--ok)' }}
        >
          <span data-testid="backend.name">{crash ? 'worker stopped' : (backend?.label ?? 'starting…')}</span>
          {backend && <span className="hint"> ({backend.adapter})</span>}
        </span>
        <HeaderRun />
        <Storage />
      </span>
    </header>
  );
}
