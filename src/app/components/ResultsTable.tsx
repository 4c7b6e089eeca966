// The results table in the shape of the paper's Table 1: encoders by rows, each evaluation's top-1
// with its standard error, a random-init baseline row under every pretrained one, and chance.
import { TableHead } from './TableHead';
import { downloadBlob } from '../download';
import { aboveBaseline, cellText, fitText, RESULT_COLUMNS, resultsCsv, rowResults } from '../results';
import type { ResultRow } from '../runsDb';
import { runTitle } from '../runNames';
import { useStore } from '../store';

const download = () => downloadBlob(resultsCsv(useStore.getState().results), 'cae-evaluation-results.csv', 'text/csv');

function Cell({ row, rows, id }: { row: ResultRow; rows: readonly ResultRow[]; id: (typeof RESULT_COLUMNS)[number]['id'] }) {
  const a = rowResults(row)[id];
  const label = RESULT_COLUMNS.find((c) => c.id === id)!.label;
  if (!a)
    return (
      <td data-col={id} data-label={label}>
        –
      </td>
    );
  const z = aboveBaseline(row, rows, id);
  const fit = fitText(a);
  return (
    <td data-col={id} data-label={label} data-top1={a.top1} data-se={a.se}>
      <span style={{ whiteSpace: 'nowrap' }}>{cellText(a)}</span>
      {a.seeds === 1 && <span style={{ fontSize: 11, color: 'var(--muted)' }}> (1 seed)</span>}
      {z !== null && (
        <span
          data-z={z.toFixed(2)}
          title="difference from the random-init baseline in standard errors: paired seed by seed (same images), SE the larger of the binomial one and the seeds' spread"
          style={{ marginLeft: 4, fontSize: 11, color: z >= 3 ? 'var(--ok)' : z <= -3 ? 'var(--error)' : 'var(--muted)' }}
        >
          {z >= 0 ? '+' : ''}
          {z.toFixed(1)} SE
        </span>
      )}
      {fit && (
        <div data-fit={a.fit!.converged ? 'converged' : 'not-converged'} style={{ fontSize: 11, color: a.fit!.converged ? 'var(--muted)' : 'var(--error)' }}>
          {fit}
        </div>
      )}
    </td>
  );
}

export function ResultsTable() {
  const rows = useStore((s) => s.results);
  const runs = useStore((s) => s.runs);
  const sweeps = useStore((s) => s.sweeps);
  // A run's row is named as the sidebar names it, its id kept beneath (imports and random init as they are).
  const named = (encoder: string): string | null => {
    const run = runs.find((x) => x.spec.id === encoder);
    return run ? runTitle(run, sweeps) : null;
  };
  return (
    <div>
      {/* Every readout in view: the row's setting sits under its encoder's name, the cells wrap, and in a
          narrow column each row stacks into label: value lines (layout.css). The region scrolls only as
          a last resort; focusable so keyboard users could scroll it (axe: scrollable-region-focusable). */}
      <div role="region" aria-label="evaluation results" tabIndex={0} className="results-region">
        <table data-testid="probe.table" className="results-table">
          <TableHead columns={['encoder', ...RESULT_COLUMNS.map((c) => c.label)]} />
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-result-id={r.id} data-role={r.role ?? 'probed'} style={{ color: r.role === 'baseline' ? 'var(--muted)' : undefined }}>
                <td data-col="encoder" className="results-encoder">
                  {r.role === 'baseline' ? '↳ random init (baseline)' : (named(r.encoder) ?? r.encoder)}
                  {r.role !== 'baseline' && named(r.encoder) !== null && <div className="hint">{r.encoder}</div>}
                  <div className="hint">
                    <span data-col="preset">{r.presetId}</span> · <span data-col="dataset">{r.dataset ?? 'shapes'}</span> ·{' '}
                    <span data-col="steps">{r.pretrainSteps}</span> steps ·{' '}
                    <span data-col="split" title={r.split === 'val' ? 'validation split carved from the training images' : "the dataset's held-out test split"}>
                      {r.split === 'val' ? 'validation' : 'test'}
                    </span>{' '}
                    · chance <span data-col="chance">{r.chance !== undefined ? (r.chance * 100).toFixed(0) : '–'}</span>
                  </div>
                </td>
                {RESULT_COLUMNS.map((c) => (
                  <Cell key={c.id} row={r} rows={rows} id={c.id} />
                ))}
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={1 + RESULT_COLUMNS.length} style={{ color: 'var(--muted)', padding: 4 }}>
                  Results of finished evaluations collect here (top-1 % on the split each row names).
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <p style={{ fontSize: 12, color: 'var(--muted)', maxWidth: 720 }}>
        Top-1 % on the split the row names ± its standard error: the binomial √(p(1−p)/n) over the images and seeds, or the seeds&apos; spread sd/√seeds if
        larger; with several seeds, their sd. A single seed is labelled so: its error bar leaves out the seed-to-seed spread. Chance is 1 / classes of the
        row&apos;s dataset. Beside each pretrained cell, its distance from the random-init baseline of the same run in standard errors, paired seed by seed on
        the same images (green at 3 or more). Under ATT and LIN, how their training ended: converged by the rule, or stopped by a cap or a fixed budget (red),
        with the final training loss and its slope. Columns:{' '}
        {RESULT_COLUMNS.map((c) => (
          <span key={c.id} title={c.help} style={{ textDecoration: 'underline dotted', marginRight: 6 }}>
            {c.label}
          </span>
        ))}
      </p>
      <button data-testid="probe.export-csv" disabled={rows.length === 0} onClick={download} style={{ marginTop: 6 }}>
        Export CSV
      </button>
    </div>
  );
}
