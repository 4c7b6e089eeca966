// The runs sidebar: every run kept in this browser with its name, preset, status and loss
// sparkline, a sweep's runs grouped under it; a click selects one (its details open below it and
// Pretrain shows its curves and reconstructions), the box ticks it for comparison.
import { isActive } from '../../protocol/messages';
import { runColour } from '../compare';
import { liveRun } from '../progress';
import { runGroups, runTitle } from '../runNames';
import type { RunRecord } from '../runsDb';
import { useStore } from '../store';
import { shownStatus } from '../tabs';
import { importCheckpointFile } from '../workerClient';
import { keptRunShown } from './KeptRunView';
import { RunDetail } from './RunDetail';
import { Sparkline } from './Sparkline';

const ACTIVE = ['starting', 'running', 'paused', 'training in another tab'];

export function RunsSidebar() {
  const runs = useStore((s) => s.runs);
  const elsewhere = useStore((s) => s.runsElsewhere);
  const current = useStore((s) => s.run?.spec.id);
  const busy = useStore((s) => s.run !== null && isActive(s.run.status));
  const liveStatus = useStore((s) => s.run?.status);
  // The live run's step and status, the same the header and the Pretrain view show (its kept record lags).
  const liveStep = useStore((s) => s.run?.step ?? 0);
  const live = current && liveStatus ? { spec: { id: current }, step: liveStep, status: liveStatus } : null;
  // The run this page trains now: its status is the store's. Once it ended (or was refused, or its
  // worker died) the kept record says what it is, and Resume is offered as for any kept run.
  const training = busy ? current : undefined;
  const selectedRun = useStore((s) => s.selectedRun);
  const compared = useStore((s) => s.compared);
  const sweeps = useStore((s) => s.sweeps);
  // The run whose curves Pretrain shows (a kept one, or the page's own): marked for screen readers too.
  const shown = useStore((s) => keptRunShown(s) ?? s.run?.spec.id ?? null);
  const { selectRun, toggleCompare } = useStore.getState();
  // Until the user selects a run, the one this page trains is open.
  const open = selectedRun ?? current;
  const row = (r: RunRecord) => {
    const id = r.spec.id;
    // Another tab's run (it holds the run's lock) trains there; one left active by a gone page was interrupted.
    const now = liveRun(r, live);
    const status = now.status ?? shownStatus(r, training, elsewhere);
    const ticked = compared.indexOf(id);
    const title = runTitle(r, sweeps);
    return (
      <div key={id} data-run-id={id} className={`run-row${open === id ? ' selected' : ''}`}>
        <div className="run-head">
          <input
            data-testid="runs.compare"
            type="checkbox"
            aria-label={`compare ${title}`}
            title="tick to overlay this run's curve in Compare"
            checked={ticked >= 0}
            style={{ accentColor: ticked >= 0 ? runColour(ticked) : undefined }}
            onChange={(e) => toggleCompare(id, e.target.checked)}
          />
          <button
            data-testid="runs.select"
            className="run-name"
            title={`${id}: show its curves and reconstructions in Pretrain, and its details here`}
            aria-expanded={open === id}
            aria-current={shown === id ? 'true' : undefined}
            onClick={() => selectRun(open === id ? '' : id)}
          >
            {title}
          </button>
          <span data-testid="runs.status" className="status-badge" data-active={ACTIVE.includes(status)}>
            {status}
          </span>
        </div>
        <div className="run-meta">
          <span>
            {r.spec.presetId}
            {r.spec.model.target === 'token' && ' · tokens'} · <span data-testid="runs.step">{now.step}</span>/{r.spec.train.totalSteps}
            {r.latest && ` · ${r.latest.total.toFixed(3)}`}
          </span>
          <Sparkline curve={r.curve} colour={ticked >= 0 ? runColour(ticked) : undefined} />
        </div>
        {r.notes && open !== id && (
          <div className="hint" style={{ whiteSpace: 'pre-wrap' }}>
            {r.notes}
          </div>
        )}
        {open === id && (
          <RunDetail
            run={r}
            current={training}
            elsewhere={elsewhere}
            busy={busy}
            training={(id === training && liveStatus !== 'paused') || elsewhere.includes(id)}
          />
        )}
      </div>
    );
  };
  return (
    <aside className="sidebar" id="runs-sidebar" aria-label="runs">
      <h2>Runs</h2>
      <div data-testid="runs.list">
        {runs.length === 0 && <p className="hint">No runs yet. Start one in Pretrain; it is kept in this browser.</p>}
        {runGroups(runs, sweeps).map((g) =>
          g.sweep ? (
            <div key={g.sweep.spec.id} role="group" aria-label={`sweep ${g.sweep.spec.name}`} data-testid="runs.sweep" className="run-group">
              <div className="hint" style={{ fontWeight: 600 }}>
                sweep: {g.sweep.spec.name}
              </div>
              {g.runs.map(row)}
            </div>
          ) : (
            row(g.runs[0]!)
          ),
        )}
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
