// Sweeps: one or two recipe fields and their values over the pretraining form's recipe, or one of
// the paper's ablations filled in (./SweepEditor.tsx, which confirms before it starts); the runs are queued one at a time, each finished encoder is
// probed with both probes on the probe form's settings, and the grid fills as they finish.
import { downloadBlob } from '../download';
import { useStore } from '../store';
import { gridCsv, gridRows } from '../sweep/grid';
import { knobValueText, type SweepState, sweepFinished } from '../sweep/sweep';
import { cancelSweep, removeSweep, sweepActive } from '../sweep/sweepClient';
import { pointStatusText, sweepProgress } from '../sweep/sweepProgress';
import { fieldLabel } from '../validation';
import { ProgressBar } from './ProgressBar';
import { SweepEditor } from './SweepEditor';

const fmt = (v: number | null, d = 4) => (v === null ? '' : v.toPrecision(d));
const pct = (a: { top1: number; se: number } | null) => (a ? `${a.top1.toFixed(1)} ± ${a.se.toFixed(1)}` : '');

function Grid(props: { sweep: SweepState }) {
  const s = props.sweep;
  const rows = gridRows(s);
  // The live run's step and the evaluation's readout, for the point that runs now.
  const run = useStore((st) => st.run);
  const probe = useStore((st) => st.probe);
  const done = sweepFinished(s);
  return (
    <div
      data-testid="sweep.grid"
      data-sweep={s.spec.id}
      role="region"
      aria-label={`sweep ${s.spec.name}`}
      tabIndex={0}
      style={{ overflowX: 'auto', marginTop: 8 }}
    >
      <div style={{ fontSize: 13, display: 'flex', gap: 8, alignItems: 'center' }}>
        <strong>{s.spec.name}</strong>
        <span style={{ color: 'var(--muted)' }}>
          {s.spec.base.presetId} on {s.spec.base.dataset}, {s.spec.base.train.totalSteps} steps × {s.spec.base.train.batchSize} per run;{' '}
          {s.cancelled ? 'cancelled' : done ? 'finished' : 'running'}
        </span>
        <button data-testid="sweep.csv" onClick={() => downloadBlob(gridCsv(s), `cae-sweep-${s.spec.id}.csv`, 'text/csv')}>
          CSV
        </button>
        {done && (
          <button data-testid="sweep.delete" onClick={() => void removeSweep(s.spec.id)}>
            delete
          </button>
        )}
      </div>
      <ProgressBar progress={sweepProgress(s, run, probe)} testId="sweep.progress" />
      <table style={{ fontSize: 12, borderCollapse: 'collapse', marginTop: 4 }}>
        <thead>
          <tr>
            {s.spec.knobs.map((k) => (
              <th key={k.path} scope="col">
                {fieldLabel(k.path)}
              </th>
            ))}
            {['status', 'total loss', 'reconstruction loss', 'alignment loss', 'LIN top-1 %', 'ATT top-1 %', 'images seen', 'time', 'run'].map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.index} data-testid="sweep.row" data-status={r.status}>
              {s.points[r.index]!.values.map((v, i) => (
                <td key={i}>{knobValueText(v)}</td>
              ))}
              <td title={r.message ?? undefined}>
                {s.points[r.index] ? pointStatusText(s.points[r.index]!, run, probe) : r.status}
                {r.message ? ` (${r.message})` : ''}
              </td>
              <td>{fmt(r.total)}</td>
              <td>{fmt(r.reconstruction)}</td>
              <td>{fmt(r.alignment)}</td>
              <td data-testid="sweep.lin">{pct(r.lin)}</td>
              <td data-testid="sweep.att">{pct(r.att)}</td>
              <td>{r.imagesSeen || ''}</td>
              <td>{r.seconds ? `${r.seconds} s` : ''}</td>
              <td>{r.runId ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SweepPanel() {
  const sweeps = useStore((s) => s.sweeps);
  const running = sweeps.some((s) => !sweepFinished(s)) && sweepActive();
  return (
    <section aria-label="sweeps" data-testid="sweep" style={{ marginTop: 16 }}>
      <h2 style={{ fontSize: 17 }}>Sweeps: the paper's ablations as one action</h2>
      <p style={{ fontSize: 12, color: 'var(--muted)', margin: '4px 0' }}>
        Each point is a full pretraining run of the Pretrain view's recipe with the swept fields changed, then the linear and attentive probes with the Probe
        view's settings, one at a time; a reload continues it. A preset fills the editor; the sweep starts after you confirm its runs and their cost.
      </p>
      <SweepEditor running={running} />
      {running && (
        <button data-testid="sweep.cancel" onClick={() => void cancelSweep()}>
          cancel sweep
        </button>
      )}
      {sweeps.map((s) => (
        <Grid key={s.spec.id} sweep={s} />
      ))}
    </section>
  );
}
