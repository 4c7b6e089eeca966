// Sweeps: one or two recipe fields and their values over the pretraining form's recipe, or one of
// the paper's ablations in one click; the runs are queued one at a time, each finished encoder is
// probed with both probes on the probe form's settings, and the grid fills as they finish.
import { useState } from 'react';
import { downloadBlob } from '../download';
import { useStore } from '../store';
import { gridCsv, gridRows } from '../sweep/grid';
import { PAPER_SWEEPS } from '../sweep/presets';
import type { Knob, KnobPath, SweepState } from '../sweep/sweep';
import { sweepFinished } from '../sweep/sweep';
import { cancelSweep, removeSweep, startSweepFromForms, sweepActive } from '../sweep/sweepClient';
import { parseValues, sweepableFields } from '../sweep/sweepForm';
import { pointStatusText, sweepProgress } from '../sweep/sweepProgress';
import { ProgressBar } from './ProgressBar';

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
                {k.path.split('.')[1]}
              </th>
            ))}
            {['status', 'total loss', 'reconstruction', 'alignment', 'LIN top-1 %', 'ATT top-1 %', 'images seen', 'time', 'run'].map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.index} data-testid="sweep.row" data-status={r.status}>
              {r.values.map((v, i) => (
                <td key={i}>{v}</td>
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
  const form = useStore((s) => s.form);
  const sweeps = useStore((s) => s.sweeps);
  const [knobs, setKnobs] = useState<{ path: KnobPath; text: string }[]>([{ path: 'model.alignment', text: 'on, off' }]);
  const [error, setError] = useState<string | null>(null);
  const fields = sweepableFields(form);
  const running = sweeps.some((s) => !sweepFinished(s)) && sweepActive();
  const start = (ks: readonly Knob[], name = '') => {
    const problem = startSweepFromForms(ks, name);
    setError(problem);
  };
  const startCustom = () => {
    try {
      start(knobs.map((k) => ({ path: k.path, values: parseValues(k.path, k.text, form) })));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const points = knobs.reduce((n, k) => n * Math.max(1, k.text.split(',').filter((t) => t.trim()).length), 1);
  return (
    <section aria-label="sweeps" data-testid="sweep" style={{ marginTop: 16 }}>
      <h2 style={{ fontSize: 17 }}>Sweeps: the paper's ablations as one action</h2>
      <p style={{ fontSize: 12, color: 'var(--muted)', margin: '4px 0' }}>
        Each point is a full pretraining run of the Pretrain view's recipe with the swept fields changed, then the linear and attentive probes with the Probe
        view's settings, one at a time. It takes about {points} × (one run + its probes); a reload continues it.
      </p>
      <div style={{ display: 'flex', gap: 6, flexWrap: 'wrap', fontSize: 13 }}>
        {PAPER_SWEEPS.map((p) => (
          <button key={p.id} data-testid={`sweep.preset.${p.id}`} title={p.paper} disabled={running} onClick={() => start(p.knobs, p.label)}>
            {p.label}
          </button>
        ))}
      </div>
      <div style={{ display: 'grid', gap: 4, fontSize: 13, marginTop: 8 }}>
        {knobs.map((k, i) => (
          <span key={i}>
            <label>
              field {i + 1}{' '}
              <select
                data-testid={`sweep.field.${i}`}
                value={k.path}
                onChange={(e) => setKnobs(knobs.map((x, j) => (j === i ? { ...x, path: e.target.value as KnobPath } : x)))}
              >
                {fields.map((f) => (
                  <option key={f} value={f}>
                    {f}
                  </option>
                ))}
              </select>
            </label>{' '}
            <label>
              values{' '}
              <input
                data-testid={`sweep.values.${i}`}
                style={{ width: 160 }}
                value={k.text}
                onChange={(e) => setKnobs(knobs.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)))}
              />
            </label>
            {i === 1 && (
              <button aria-label="remove the second field" onClick={() => setKnobs(knobs.slice(0, 1))}>
                ×
              </button>
            )}
          </span>
        ))}
        <span>
          {knobs.length === 1 && <button onClick={() => setKnobs([...knobs, { path: 'model.maskRatio', text: '0.25, 0.5' }])}>add a second field</button>}{' '}
          <button data-testid="sweep.start" disabled={running} onClick={startCustom}>
            start sweep ({points} runs)
          </button>{' '}
          {running && (
            <button data-testid="sweep.cancel" onClick={() => void cancelSweep()}>
              cancel sweep
            </button>
          )}
        </span>
        {error && (
          <span role="alert" data-testid="sweep.error" style={{ color: 'var(--error)' }}>
            {error}
          </span>
        )}
      </div>
      {sweeps.map((s) => (
        <Grid key={s.spec.id} sweep={s} />
      ))}
    </section>
  );
}
