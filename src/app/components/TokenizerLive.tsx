// The tokenizer run's live views (issue 24): a progress bar, the losses, temperature and codebook usage as
// small lines with their latest values, and reconstructions through the hard codes beside the originals.
import { sparklinePoints } from '../sparkline';
import { useStore } from '../store';
import { shortNumber, tokenizerSeries } from '../tokenizerCharts';
import { ImageCanvas } from './ImageCanvas';
import { ProgressBar } from './ProgressBar';
import { isActive } from '../../protocol/messages';
import { tokenizerProgress } from '../progress';
import { EngineBadge } from './EngineBadge';

export function TokenizerLive() {
  const run = useStore((s) => s.tokenizerRun);
  if (!run) return <p className="hint">Train a tokenizer, or resume a kept one, to see its losses and reconstructions here.</p>;
  const series = tokenizerSeries(run.history);
  const { view } = run;
  return (
    <section data-testid="tokenizer.live" data-step={run.step} data-status={run.status}>
      {isActive(run.status) && <ProgressBar progress={tokenizerProgress(run)} testId="tokenizer.progress" />}
      <p data-testid="tokenizer.status">
        {run.spec.id}: {run.status}, step {run.step} of {run.spec.totalSteps}
        {run.imgPerSec > 0 && ` · ${run.imgPerSec.toFixed(1)} img/s`}
        {run.engine && (
          <>
            {' · '}
            <EngineBadge engine={run.engine} testId="tokenizer.engine" />
          </>
        )}
        {run.message && ` · ${run.message}`}
      </p>
      <table data-testid="tokenizer.numbers">
        <tbody>
          {series.map((s) => (
            <tr key={s.key}>
              <td style={{ fontSize: 13 }}>{s.label}</td>
              <td data-testid={`tokenizer.value.${s.key}`} style={{ fontVariantNumeric: 'tabular-nums', padding: '0 8px' }}>
                {shortNumber(s.last)}
              </td>
              <td>
                <svg width={160} height={24} viewBox="0 0 160 24" role="img" aria-label={`${s.label} curve`}>
                  <polyline points={sparklinePoints(s.values, 160, 24)} fill="none" stroke="var(--accent)" strokeWidth={1.5} />
                </svg>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">Perplexity and dead codes count the hard codes (argmax) of the recent steps' batches: K when every code is used equally.</p>
      <h3 style={{ fontSize: 15 }}>
        Reconstructions through the hard codes {view && <span style={{ fontWeight: 'normal', color: 'var(--muted)' }}>at step {view.step}</span>}
      </h3>
      {!view && <p className="hint">Appears after the first steps.</p>}
      {view && (
        <table data-testid="tokenizer.recon" data-step={view.step}>
          <thead>
            <tr>
              <th style={{ fontSize: 12, fontWeight: 'normal' }}>image</th>
              <th style={{ fontSize: 12, fontWeight: 'normal' }}>decoded from its codes</th>
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: view.count }, (_, i) => (
              <tr key={i}>
                <td>
                  <ImageCanvas rgba={view.original} size={view.size} offset={i * view.size * view.size * 4} testId="tokenizer.recon.original" />
                </td>
                <td>
                  <ImageCanvas rgba={view.recon} size={view.size} offset={i * view.size * view.size * 4} testId="tokenizer.recon.decoded" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
