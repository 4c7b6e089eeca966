// The runs sidebar: every run kept in this browser with its name, preset, status and loss
// sparkline; a click selects one (its details open below it), the box ticks it for comparison.
import { isActive } from '../../protocol/messages';
import { runColour } from '../compare';
import { useStore } from '../store';
import { shownStatus } from '../tabs';
import { importCheckpointFile } from '../workerClient';
import { RunDetail } from './RunDetail';
import { Sparkline } from './Sparkline';

const ACTIVE = ['starting', 'running', 'paused', 'training in another tab'];

export function RunsSidebar() {
  const runs = useStore((s) => s.runs);
  const elsewhere = useStore((s) => s.runsElsewhere);
  const current = useStore((s) => s.run?.spec.id);
  const busy = useStore((s) => s.run !== null && isActive(s.run.status));
  // The run this page trains now: its status is the store's. Once it ended (or was refused, or its
  // worker died) the kept record says what it is, and Resume is offered as for any kept run.
  const training = busy ? current : undefined;
  const selectedRun = useStore((s) => s.selectedRun);
  const compared = useStore((s) => s.compared);
  const { selectRun, toggleCompare } = useStore.getState();
  // Until the user selects a run, the one this page trains is open.
  const open = selectedRun ?? current;
  return (
    <aside className="sidebar" aria-label="runs">
      <h2>Runs</h2>
      <div data-testid="runs.list">
        {runs.length === 0 && <p className="hint">No runs yet. Start one in Pretrain; it is kept in this browser.</p>}
        {runs.map((r) => {
          const id = r.spec.id;
          // Another tab's run (it holds the run's lock) trains there; one left active by a gone page was interrupted.
          const status = shownStatus(r, training, elsewhere);
          const ticked = compared.indexOf(id);
          return (
            <div key={id} data-run-id={id} className={`run-row${open === id ? ' selected' : ''}`}>
              <div className="run-head">
                <input
                  data-testid="runs.compare"
                  type="checkbox"
                  aria-label={`compare ${r.name ?? id}`}
                  title="tick to overlay this run's curve in Compare"
                  checked={ticked >= 0}
                  style={{ accentColor: ticked >= 0 ? runColour(ticked) : undefined }}
                  onChange={(e) => toggleCompare(id, e.target.checked)}
                />
                <button data-testid="runs.select" className="run-name" title={id} aria-expanded={open === id} onClick={() => selectRun(open === id ? '' : id)}>
                  {r.name || id}
                </button>
                <span data-testid="runs.status" className="status-badge" data-active={ACTIVE.includes(status)}>
                  {status}
                </span>
              </div>
              <div className="run-meta">
                <span>
                  {r.spec.presetId}
                  {r.spec.model.target === 'token' && ' · tokens'} · {r.step}/{r.spec.train.totalSteps}
                  {r.latest && ` · ${r.latest.total.toFixed(3)}`}
                </span>
                <Sparkline curve={r.curve} colour={ticked >= 0 ? runColour(ticked) : undefined} />
              </div>
              {r.notes && open !== id && (
                <div className="hint" style={{ whiteSpace: 'pre-wrap' }}>
                  {r.notes}
                </div>
              )}
              {open === id && <RunDetail run={r} current={training} elsewhere={elsewhere} busy={busy} />}
            </div>
          );
        })}
      </div>
      <label className="hint" style={{ display: 'block', marginTop: 8 }}>
        Import a checkpoint (.safetensors, this project's or the official PyTorch names) to probe it or see it in the lab:{' '}
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
    </aside>
  );
}
