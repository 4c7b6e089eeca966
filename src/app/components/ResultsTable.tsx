// The results table in the shape of the paper's Table 1: encoders by rows, LIN and ATT top-1.
import { TableHead } from './TableHead';
import { downloadBlob } from '../download';
import { resultsCsv } from '../probeCharts';
import { useStore } from '../store';

const download = () => downloadBlob(resultsCsv(useStore.getState().results), 'cae-probing-results.csv', 'text/csv');

const pct = (v: number) => (v * 100).toFixed(1);

export function ResultsTable() {
  const rows = useStore((s) => s.results);
  return (
    <div>
      <table data-testid="probe.table" style={{ fontSize: 13, borderCollapse: 'collapse', marginTop: 8 }}>
        <TableHead columns={['encoder', 'preset', 'dataset', 'pretraining steps', 'probe epochs', 'LIN', 'ATT']} />
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-result-id={r.id}>
              <td style={{ padding: '2px 10px' }}>{r.encoder}</td>
              <td>{r.presetId}</td>
              <td data-col="dataset">{r.dataset ?? 'shapes'}</td>
              <td>{r.pretrainSteps}</td>
              <td>{r.epochs}</td>
              <td data-col="lin">{pct(r.linear)}</td>
              <td data-col="att">{pct(r.attentive)}</td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={7} style={{ color: '#666', padding: 4 }}>
                Results of finished probing runs collect here (top-1 % on the validation split).
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <button data-testid="probe.export-csv" disabled={rows.length === 0} onClick={download} style={{ marginTop: 6 }}>
        Export CSV
      </button>
    </div>
  );
}
