// The live reconstruction view: image, mask, reconstruction of the masked patches, composite; for
// token targets the predicted and the true codes decoded by the run's tokenizer.
import type { ReconView } from '../../protocol/messages';
import { useStore } from '../store';
import { ImageCanvas } from './ImageCanvas';

const PANELS = [
  ['original', 'image'],
  ['masked', 'visible patches (masked in grey)'],
  ['recon', 'reconstruction of the masked patches'],
  ['composite', 'visible + reconstructed'],
] as const;
/** Token targets (issue 24): codes decoded by the run's tokenizer. */
const TOKEN_PANELS = [
  ['original', 'image'],
  ['masked', 'visible patches (masked in grey)'],
  ['recon', 'predicted codes of the masked patches (visible ones true), decoded by the tokenizer'],
  ['composite', 'true codes decoded by the tokenizer'],
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
      {!view && <p style={{ color: 'var(--muted)', fontSize: 13 }}>{props.kept?.empty ?? 'Appears after the first step.'}</p>}
      {view && (
        <>
          <p style={{ fontSize: 12, color: 'var(--muted)' }}>
            {target === 'token'
              ? "The model predicts one of the tokenizer's codes per masked patch; both decodings go through the tokenizer's decoder."
              : "Masked patches are shown with the true patch's mean and variance restored (the model predicts normalized pixels)."}
          </p>
          <table>
            <thead>
              <tr>
                {(target === 'token' ? TOKEN_PANELS : PANELS).map(([k, label]) => (
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
