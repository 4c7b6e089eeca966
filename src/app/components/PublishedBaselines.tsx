// Fashion-MNIST's published baselines (src/data/fashionMnistBaselines.ts) as a small table, with the
// caveat that they come from another split: shown beside the dataset and beside probe results on it.
import { BASELINES_CAVEAT, FASHION_MNIST_BASELINES } from '../../data/fashionMnistBaselines';
import { FASHION_MNIST_ID } from '../../data/fashionMnist';
import { useStore } from '../store';
import { FASHION_MEASURED } from '../defaultExperiment';
import { FindingsTable } from './FindingsTable';

const cell = { padding: '2px 8px', textAlign: 'left' } as const;

export function PublishedBaselines({ testId = 'baselines.fashion-mnist' }: { readonly testId?: string }) {
  return (
    <div data-testid={testId} style={{ fontSize: 12, maxWidth: 760 }}>
      <table style={{ borderCollapse: 'collapse' }}>
        <caption style={{ textAlign: 'left', fontWeight: 600 }}>Fashion-MNIST, published test accuracy</caption>
        <thead>
          <tr>
            <th style={cell}>model</th>
            <th style={cell}>top-1</th>
            <th style={cell}>source</th>
          </tr>
        </thead>
        <tbody>
          {FASHION_MNIST_BASELINES.map((b) => (
            <tr key={b.model} title={b.what}>
              <td style={cell}>{b.model}</td>
              <td style={cell}>{(100 * b.top1).toFixed(1)} %</td>
              <td style={cell}>{b.source}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p style={{ color: 'var(--muted)' }}>{BASELINES_CAVEAT}</p>
    </div>
  );
}

/**
 * The note beside probe results, only when the probe's dataset is Fashion-MNIST: the published
 * baselines, and what the notebook's default experiment measured on it.
 */
export function ProbeBaselinesNote() {
  const on = useStore((s) => s.probeForm.dataset === FASHION_MNIST_ID);
  if (!on) return null;
  return (
    <>
      <PublishedBaselines testId="probe.baselines" />
      <FindingsTable m={FASHION_MEASURED} testId="probe.fashion-findings" />
    </>
  );
}
