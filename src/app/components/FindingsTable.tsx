// A measured experiment as the Probe view shows it: each readout's pretrained and random-init top-1
// and the verdict of their paired difference (pretrained ahead, tie, random init ahead, in SE).
import { verdict, type MeasuredExperiment } from '../defaultExperiment';

export function FindingsTable({ m, testId }: { readonly m: MeasuredExperiment; readonly testId: string }) {
  const signed = (z: number) => `${z >= 0 ? '+' : ''}${z.toFixed(1)} SE`;
  const attLin = verdict(m.attOverLin);
  return (
    <table data-testid={testId} style={{ fontSize: 12, borderCollapse: 'collapse' }}>
      <caption style={{ textAlign: 'left' }}>
        {m.title && <strong style={{ fontWeight: 600 }}>{m.title}. </strong>}
        Measured {m.date} ({m.where}; {m.seeds} seeds, {m.split} split), top-1 %:
      </caption>
      <tbody>
        {m.readouts.map((r) => (
          <tr key={r.readout}>
            <th scope="row" style={{ textAlign: 'left', paddingRight: 6, fontWeight: 'normal' }}>
              {r.readout}
            </th>
            <td>
              {r.pretrained.toFixed(1)} vs {r.random.toFixed(1)}
            </td>
            <td style={{ paddingLeft: 6 }}>
              {verdict(r.z)} ({signed(r.z)})
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td colSpan={3}>
            ATT over LIN for the pretrained encoder: {attLin === 'pretrained ahead' ? 'ahead' : attLin === 'random init ahead' ? 'behind' : 'tie'} (
            {signed(m.attOverLin)}). {m.footnote}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
