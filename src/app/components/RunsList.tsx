// Every run kept in this browser, with its config, status and latest metrics.
import { TableHead } from './TableHead';
import { useEffect, useState } from 'react';
import { isActive } from '../../protocol/messages';
import { storageUsed } from '../runsDb';
import { useStore } from '../store';
import { canResume, shownStatus } from '../tabs';
import { exportCheckpoint, exportDownstreamCommands, exportEncoder, exportOfficialCommand } from '../download';
import { removeRun } from '../persistence';
import { continueRun, importCheckpointFile } from '../workerClient';

const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;

export function RunsList() {
  const runs = useStore((s) => s.runs);
  const elsewhere = useStore((s) => s.runsElsewhere);
  const datasets = useStore((s) => s.datasets);
  const current = useStore((s) => s.run?.spec.id);
  const busy = useStore((s) => s.run !== null && isActive(s.run.status));
  const [storage, setStorage] = useState<{ usage: number; quota: number; persisted: boolean | null } | null>(null);
  // GPUs the official command line launches on: --batch_size is per GPU there.
  const [gpus, setGpus] = useState(1);
  useEffect(() => {
    void storageUsed().then(setStorage, () => setStorage(null));
  }, [runs, datasets]);
  return (
    <section>
      <h3 style={{ fontSize: 15 }}>Runs</h3>
      <p data-testid="runs.storage" style={{ fontSize: 12, color: 'var(--muted)' }}>
        {storage ? `Storage used by this notebook's origin: ${mb(storage.usage)} of ${mb(storage.quota)} available.` : 'This browser does not report its storage use.'}{' '}
        {storage?.persisted != null && (
          <span data-testid="runs.persisted" title="the browser is asked to keep this storage before the first checkpoint or import">
            {storage.persisted ? 'Storage: persistent.' : 'Storage: may be evicted by the browser when space runs low; export checkpoints you need.'}
          </span>
        )}
      </p>
      <table data-testid="runs.list" style={{ fontSize: 12, borderCollapse: 'collapse' }}>
        <TableHead columns={['run', 'preset', 'batch', 'steps', 'status', 'loss', 'started', 'checkpoint']} />
        <tbody>
          {runs.map((r) => {
            // Another tab's run (it holds the run's lock) trains there; one left active by a gone page was interrupted.
            const status = shownStatus(r, current, elsewhere);
            return (
              <tr key={r.spec.id} data-run-id={r.spec.id}>
                <td style={{ padding: '2px 8px' }}>
                  <details>
                    <summary>{r.spec.id}</summary>
                    <pre style={{ fontSize: 11, margin: 0 }}>{JSON.stringify({ dataset: r.spec.dataset, model: r.spec.model, train: r.spec.train }, null, 1)}</pre>
                  </details>
                </td>
                <td>{r.spec.presetId}</td>
                <td>{r.spec.train.batchSize}</td>
                <td>
                  {r.step} / {r.spec.train.totalSteps}
                </td>
                <td data-testid="runs.status">{status}</td>
                <td>{r.latest ? r.latest.total.toFixed(4) : '—'}</td>
                <td>{new Date(r.spec.createdAt).toLocaleString()}</td>
                <td>
                  {r.checkpointStep != null && (
                    <>
                      step {r.checkpointStep}{' '}
                      {canResume(r, current, elsewhere) && (
                        <button data-testid="runs.resume" disabled={busy} onClick={() => void continueRun(r.spec.id)}>
                          Resume
                        </button>
                      )}{' '}
                      <button data-testid="ckpt.export" onClick={() => void exportCheckpoint(r.spec.id)}>
                        Export
                      </button>{' '}
                      <button data-testid="ckpt.flags" title="the official PyTorch command line for this run" onClick={() => exportOfficialCommand(r.spec.id, gpus)}>
                        PyTorch flags
                      </button>{' '}
                      <button data-testid="ckpt.encoder" title="the encoder as a .pth for the official linear-probing and fine-tuning tools (--finetune)" onClick={() => void exportEncoder(r.spec.id)}>
                        Encoder .pth
                      </button>{' '}
                      <button data-testid="ckpt.downstream" title="the official linear-probing and fine-tuning command lines for this run's encoder" onClick={() => exportDownstreamCommands(r.spec.id, gpus)}>
                        Downstream commands
                      </button>
                    </>
                  )}{' '}
                  {!(r.spec.id === current && busy) && !elsewhere.includes(r.spec.id) && (
                    <button data-testid="runs.delete" onClick={() => void removeRun(r.spec.id)}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
          {runs.length === 0 && (
            <tr>
              <td colSpan={8} style={{ color: 'var(--muted)', padding: 4 }}>
                No runs yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <label style={{ fontSize: 13, display: 'block', marginTop: 6 }}>
        GPUs for <em>PyTorch flags</em> and <em>Downstream commands</em> (one machine; the run's batch is split across them):{' '}
        <input data-testid="ckpt.flagsGpus" type="number" min={1} step={1} value={gpus} style={{ width: 50 }} onChange={(e) => setGpus(Number(e.target.value))} />
      </label>
      <label style={{ fontSize: 13, display: 'block', marginTop: 6 }}>
        Import a checkpoint (.safetensors, this project's or the official PyTorch names) to probe it:{' '}
        <input
          data-testid="ckpt.import"
          type="file"
          accept=".safetensors"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void importCheckpointFile(f);
            e.target.value = '';
          }}
        />
      </label>
    </section>
  );
}
