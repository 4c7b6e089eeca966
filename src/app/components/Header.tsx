// The header, always visible: what runs the model (backend and adapter), how much this notebook
// stores in the browser and whether the browser keeps it under storage pressure.
import { useEffect, useState } from 'react';
import { isSoftwareAdapter, persistenceText } from '../headerText';
import { storageUsed } from '../runsDb';
import { useStore } from '../store';
import { HeaderRun } from './HeaderRun';

const mb = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GB` : `${(b / 2 ** 20).toFixed(1)} MB`);

function Storage() {
  const runs = useStore((s) => s.runs);
  const datasets = useStore((s) => s.datasets);
  const results = useStore((s) => s.results.length);
  const [storage, setStorage] = useState<{ usage: number; quota: number; persisted: boolean | null } | null>(null);
  // Checkpoints and imports are what takes space: read again when either list changes.
  useEffect(() => {
    void storageUsed().then(setStorage, () => setStorage(null));
  }, [runs, datasets]);
  // Before the first run, import or result there is nothing of the user's to evict.
  const persistence = storage && persistenceText(storage.persisted, runs.length + datasets.length + results > 0);
  return (
    <span data-testid="runs.storage" title={storage ? `this notebook's origin stores ${mb(storage.usage)} of the ${mb(storage.quota)} the browser allows` : ''}>
      {storage ? `Storage used: ${mb(storage.usage)} of ${mb(storage.quota)}` : 'This browser does not report its storage use.'}
      {persistence && (
        <span
          data-testid="runs.persisted"
          title="the browser is asked to keep this storage before the first checkpoint or import; where it does not, export the checkpoints you need"
        >
          {` · ${persistence}`}
        </span>
      )}
    </span>
  );
}

export function Header() {
  const backend = useStore((s) => s.backend);
  const crash = useStore((s) => s.workerCrash);
  const software = backend !== null && isSoftwareAdapter(backend);
  const warn = (backend && backend.kind !== 'webgpu') || software;
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
      {software && !crash && (
        // A software adapter trains on the CPU through an emulated GPU: say so, and how to get the real one.
        <p className="software-adapter" data-testid="backend.software" role="note">
          <strong>Slow: {backend.adapter} is a CPU emulation of a GPU.</strong> To train on your GPU, turn on graphics acceleration in the browser&apos;s
          settings and “Override software rendering list” in chrome://flags (on Linux also “Vulkan” and “Unsafe WebGPU Support”), or use a browser with WebGPU
          on your GPU.
        </p>
      )}
    </header>
  );
}
