// The compare view: the ticked runs' loss curves on one chart (total, reconstruction or alignment
// loss; steps or images seen on x), and below it the config fields that differ between them.
import { useEffect, useRef, useState } from 'react';
import { themed, useChartTheme } from '../chartTheme';
import { loadPlotly } from '../plotly';
import type { StepPoint } from '../../protocol/messages';
import { compareLayout, compareTraces, configDiff, runColour, runLabel, type CompareAxis, type CompareMetric, type ComparedRun } from '../compare';
import { runTitle } from '../runNames';
import { getCheckpoint } from '../runsDb';
import { useStore } from '../store';
import { fieldLabel } from '../validation';
import { ChartControls, type XRange } from './ChartControls';

/** Curves of runs kept before records carried one: read once from their checkpoint. */
function useOlderCurves(ids: readonly string[]): ReadonlyMap<string, readonly StepPoint[]> {
  const [curves, setCurves] = useState<ReadonlyMap<string, readonly StepPoint[]>>(new Map());
  const asked = useRef(new Set<string>());
  const key = ids.join(' ');
  useEffect(() => {
    for (const id of key ? key.split(' ') : []) {
      if (asked.current.has(id)) continue;
      asked.current.add(id);
      const keep = (h: readonly StepPoint[]) => setCurves((m) => new Map(m).set(id, h));
      void getCheckpoint(id).then(
        (c) => keep(c?.history ?? []),
        () => keep([]),
      );
    }
  }, [key]);
  return curves;
}

export function ComparePanel() {
  const runs = useStore((s) => s.runs);
  const compared = useStore((s) => s.compared);
  const metric = useStore((s) => s.metric);
  const axis = useStore((s) => s.axis);
  const sweeps = useStore((s) => s.sweeps);
  const { scale, smoothing } = useStore((s) => s.chart);
  const [range, setRange] = useState<XRange>(null);
  const { setCompare } = useStore.getState();
  // Each run under the name the sidebar shows (the typed one, its sweep values, or preset and changes).
  const chosen = compared.flatMap((id) => runs.filter((r) => r.spec.id === id)).map((r) => ({ ...r, name: runTitle(r, sweeps) }));
  const older = useOlderCurves(chosen.filter((r) => !r.curve).map((r) => r.spec.id));
  const shown: ComparedRun[] = chosen.map((r) => ({
    id: r.spec.id,
    name: r.name,
    batchSize: r.spec.train.batchSize,
    curve: r.curve ?? older.get(r.spec.id) ?? [],
  }));
  const diff = configDiff(chosen.map((r) => r.spec));
  const ref = useRef<HTMLDivElement>(null);
  const theme = useChartTheme();
  // The runs list is read again from IndexedDB every few seconds while a run trains (new objects,
  // same curves), and a plotly redraw costs a long main-thread task: redraw only when what the
  // chart shows changed, and only while the view is open (it draws when opened).
  const open = useStore((s) => s.view === 'compare');
  const drawn = useRef('');
  useEffect(() => {
    const el = ref.current;
    if (!el || !open) return;
    const key = [
      metric,
      axis,
      scale,
      smoothing,
      range?.join(':'),
      theme.fg,
      ...shown.map((r) => `${r.id} ${r.name ?? ''} ${r.curve.length} ${r.curve.at(-1)?.step ?? ''}`),
    ].join('|');
    if (key === drawn.current) return;
    drawn.current = key;
    const traces = compareTraces(shown, metric, axis, smoothing);
    void loadPlotly().then(async (Plotly) => {
      if (!el.isConnected) return;
      await Plotly.react(el, traces, themed(compareLayout(metric, axis, traces, scale, range), theme), { displaylogo: false, responsive: true });
      el.dataset.traces = String(traces.length);
      el.dataset.scale = scale;
    });
  }, [shown, open, metric, axis, theme, scale, smoothing, range]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) void loadPlotly().then((Plotly) => Plotly.purge(el));
    };
  }, []);
  return (
    <div>
      <div className="compare-controls">
        <label>
          loss{' '}
          <select data-testid="compare.metric" value={metric} onChange={(e) => setCompare({ metric: e.target.value as CompareMetric })}>
            <option value="total">total</option>
            <option value="reconstruction">reconstruction</option>
            <option value="alignment">alignment</option>
          </select>
        </label>
        <label>
          x axis{' '}
          <select data-testid="compare.axis" value={axis} onChange={(e) => setCompare({ axis: e.target.value as CompareAxis })}>
            <option value="step">steps</option>
            <option value="images">images seen</option>
          </select>
        </label>
        <span className="hint">
          {chosen.length < 2
            ? 'Tick two or more runs in the sidebar to overlay their curves.'
            : `${chosen.length} runs; images seen = steps × each run's batch.`}
        </span>
      </div>
      <ChartControls testId="compare.chart" xLabel={axis === 'images' ? 'images' : 'steps'} onRange={setRange} />
      <div ref={ref} data-testid="compare.chart" data-traces="0" style={{ width: '100%', minHeight: 380 }} />
      <h3 style={{ fontSize: 15 }}>What differs</h3>
      {chosen.length >= 2 && diff.length === 0 && <p className="hint">The ticked runs have the same config (only their ids and start times differ).</p>}
      {diff.length > 0 && (
        <table data-testid="compare.diff" className="diff-table">
          <thead>
            <tr>
              <th>field</th>
              {chosen.map((r, i) => (
                // The run's colour underlines its name: as text colour it lacks contrast in one scheme or the other.
                <th key={r.spec.id} style={{ borderBottom: `3px solid ${runColour(i)}` }}>
                  {runLabel(r.spec.id, r.name)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {diff.map((d) => (
              <tr key={d.field} data-field={d.field}>
                <td>{fieldLabel(d.field)}</td>
                {d.values.map((v, i) => (
                  <td key={i}>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
