// The live reconstruction view: image, mask, reconstruction of the masked patches, composite.
import type { ReconView } from '../../protocol/messages';
import { useStore } from '../store';
import { ImageCanvas } from './ImageCanvas';

const PANELS = [
  ['original', 'image'],
  ['masked', 'visible patches (masked in grey)'],
  ['recon', 'reconstruction of the masked patches'],
  ['composite', 'visible + reconstructed'],
] as const;

/** The live run's view, or `kept` when given (a kept run's last view; null: none was kept). */
export function ReconGrid(props: { kept?: { view: ReconView | null; target: string; empty: string } }) {
  const live = useStore((s) => s.run?.recon ?? null);
  const liveTarget = useStore((s) => s.run?.spec.model.target);
  const view = props.kept ? props.kept.view : live;
  const target = props.kept ? props.kept.target : liveTarget;
  return (
    <section data-testid="pretrain.recon" data-step={view?.step ?? -1}>
      <h3 style={{ fontSize: 15 }}>
        Validation reconstructions {view && <span style={{ fontWeight: 'normal', color: 'var(--muted)' }}>at step {view.step}</span>}
      </h3>
      {!view && (
        <p style={{ color: 'var(--muted)', fontSize: 13 }}>
          {target === 'token' ? 'Token targets have no pixels to show.' : (props.kept?.empty ?? 'Appears after the first step.')}
        </p>
      )}
      {view && (
        <>
          <p style={{ fontSize: 12, color: 'var(--muted)' }}>
            Masked patches are shown with the true patch's mean and variance restored (the model predicts normalized pixels).
          </p>
          <table>
            <thead>
              <tr>
                {PANELS.map(([k, label]) => (
                  <th key={k} style={{ fontSize: 12, fontWeight: 'normal', textAlign: 'left' }}>
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: view.count }, (_, i) => (
                <tr key={i}>
                  {PANELS.map(([k]) => (
                    <td key={k}>
                      <ImageCanvas rgba={view[k]} size={view.size} offset={i * view.size * view.size * 4} testId={`pretrain.recon.${k}`} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
