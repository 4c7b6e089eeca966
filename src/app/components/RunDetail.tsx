// The selected run in the sidebar: rename it, write notes on it, and what can be done with it
// (resume from its checkpoint, export the checkpoint or the official command line, delete it).
// Exports and hand-offs are offered once the run does not train: mid-step they would hand over a
// checkpoint that is already behind.
import { useState } from 'react';
import type { RunRecord } from '../runsDb';
import { editRun } from '../runEdits';
import { runTitle } from '../runNames';
import { useStore } from '../store';
import { canResume } from '../tabs';
import { exportCheckpoint, exportCurve, exportDownstreamCommands, exportEncoder, exportOfficialCommand } from '../download';
import { removeRun } from '../persistence';
import { continueRun } from '../workerClient';
import { targetWords } from '../tokenizers';

/**
 * "2026-12-01 18:24", local time. Not toLocaleString: its first call sets up the browser's locale
 * data, a 100–200 ms task on the test machine, and this line first renders as a run starts.
 */
function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function RunDetail(props: { run: RunRecord; current: string | undefined; elsewhere: readonly string[]; busy: boolean; training: boolean }) {
  const { run: r, current, elsewhere, busy, training } = props;
  const id = r.spec.id;
  const sweeps = useStore((s) => s.sweeps);
  // GPUs the official command line launches on: --batch_size is per GPU there.
  const [gpus, setGpus] = useState(1);
  return (
    <div className="run-detail">
      <label>
        <span className="hint">run name</span>
        <input
          data-testid="runs.name"
          type="text"
          key={`n-${r.name ?? ''}`}
          defaultValue={r.name ?? ''}
          placeholder={runTitle({ spec: r.spec }, sweeps)}
          onBlur={(e) => e.target.value !== (r.name ?? '') && void editRun(id, { name: e.target.value.trim() || undefined })}
          onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
        />
      </label>
      <label>
        <span className="hint">notes</span>
        <textarea
          data-testid="runs.notes"
          rows={2}
          key={`t-${r.notes ?? ''}`}
          defaultValue={r.notes ?? ''}
          placeholder="what this run tries, what it showed"
          onBlur={(e) => e.target.value !== (r.notes ?? '') && void editRun(id, { notes: e.target.value || undefined })}
        />
      </label>
      <span className="hint">
        {id} · started {localTime(r.spec.createdAt)} · batch {r.spec.train.batchSize} · target {targetWords(r.spec)}
        {r.checkpointStep != null ? ` · checkpoint at step ${r.checkpointStep}` : ' · no checkpoint kept'}
      </span>
      <div className="actions">
        {training && (
          <span className="hint" data-testid="runs.handoffLater">
            Export and hand-off to PyTorch are offered once the run is paused or has ended.
          </span>
        )}
        {r.checkpointStep != null && (
          <>
            {canResume(r, current, elsewhere) && (
              <button data-testid="runs.resume" disabled={busy} onClick={() => void continueRun(id)}>
                Resume
              </button>
            )}
            {!training && (
              <>
                <button
                  data-testid="ckpt.export"
                  title="the checkpoint as .safetensors under the official parameter names"
                  onClick={() => void exportCheckpoint(id)}
                >
                  Export
                </button>
                <button data-testid="ckpt.flags" title="the official PyTorch command line for this run" onClick={() => exportOfficialCommand(id, gpus)}>
                  PyTorch flags
                </button>
                <button
                  data-testid="ckpt.encoder"
                  title="the encoder as a .pth for the official linear-probing and fine-tuning tools (--finetune)"
                  onClick={() => void exportEncoder(id)}
                >
                  Encoder .pth
                </button>
                <button
                  data-testid="ckpt.downstream"
                  title="the official linear-probing and fine-tuning command lines for this run's encoder"
                  onClick={() => exportDownstreamCommands(id, gpus)}
                >
                  Downstream commands
                </button>
                <label title="GPUs the official commands launch on (one machine; the run's batch is split across them)">
                  on{' '}
                  <input
                    data-testid="ckpt.flagsGpus"
                    aria-label="GPUs for PyTorch flags and downstream commands"
                    type="number"
                    min={1}
                    step={1}
                    value={gpus}
                    style={{ width: 44 }}
                    onChange={(e) => setGpus(Number(e.target.value))}
                  />{' '}
                  GPU
                </label>
              </>
            )}
          </>
        )}
        {!training && (r.curve?.length ?? 0) > 0 && (
          <button data-testid="runs.curve" title="the loss curve kept for this run, as CSV" onClick={() => exportCurve(r)}>
            Curve .csv
          </button>
        )}
        {!(id === current && busy) && !elsewhere.includes(id) && (
          <button data-testid="runs.delete" onClick={() => void removeRun(id)}>
            Delete
          </button>
        )}
      </div>
      <details>
        <summary className="hint">config</summary>
        <pre tabIndex={0} aria-label="run config" style={{ fontSize: 11, margin: 0, overflowX: 'auto' }}>
          {JSON.stringify({ dataset: r.spec.dataset, tokenizer: r.spec.tokenizer, model: r.spec.model, train: r.spec.train }, null, 1)}
        </pre>
      </details>
    </div>
  );
}
