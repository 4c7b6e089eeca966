// The image lab's panels from the worker: original, masked input, reconstruction of the masked
// patches, composite, per-patch error, the paper's Figure 4 full reconstruction, and the patch
// features' first three principal components as RGB; the token panels under a tokenizer (issue 24).
import type { LabView } from '../../protocol/messages';
import { viridis } from '../../data/labPanels';
import { ColourBar } from './ColourBar';
import { ImageCanvas } from './ImageCanvas';
import { LabTokens } from './LabTokens';

function Panel(props: { rgba: Uint8ClampedArray | null; size: number; testId: string; label: string; help?: string; children?: React.ReactNode }) {
  return (
    <figure style={{ margin: 0, width: 160, fontSize: 12 }}>
      {props.rgba ? (
        <ImageCanvas rgba={props.rgba} size={props.size} scale={5} testId={props.testId} />
      ) : (
        <div
          data-testid={props.testId}
          data-empty="true"
          style={{ width: 160, height: 160, border: '1px dashed var(--border)', color: 'var(--muted)', display: 'grid', placeItems: 'center' }}
        >
          nothing masked
        </div>
      )}
      {props.children}
      <figcaption title={props.help}>{props.label}</figcaption>
    </figure>
  );
}

export function LabViews(props: { view: LabView }) {
  const v = props.view;
  const token = v.target === 'token';
  return (
    <div>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 10 }}>
        <Panel rgba={v.original} size={v.size} testId="lab.original" label={`original at ${v.size}×${v.size}`} />
        <Panel rgba={v.masked} size={v.size} testId="lab.masked" label={`masked input (${v.maskedCount} of ${v.grid ** 2} patches hidden)`} />
        <Panel
          rgba={v.recon}
          size={v.size}
          testId="lab.recon"
          label={
            token
              ? 'predicted tokens of the masked patches (colour = token id)'
              : 'reconstruction of the masked patches, pixels shown with the true patch mean and variance'
          }
          help={token ? undefined : 'The model predicts per-patch normalized pixels; their mean and variance are borrowed from the true patch to display them.'}
        />
        <Panel rgba={v.composite} size={v.size} testId="lab.composite" label="visible patches + reconstruction" />
        {token ? (
          <figure style={{ margin: 0, width: 160, fontSize: 12, color: 'var(--muted)' }} data-testid="lab.error" data-empty="true">
            No error map for token targets: the token panels compare the predicted codes with the tokenizer's.
          </figure>
        ) : (
          <Panel
            rgba={v.error}
            size={v.size}
            testId="lab.error"
            label={`per-patch error (MSE in the loss's space), dark 0 → yellow ${v.errorMax.toPrecision(3)}; grey = visible`}
          >
            <ColourBar colour={viridis} lo={0} hi={v.errorMax} label="MSE" testId="lab.error.scale" />
          </Panel>
        )}
        <Panel
          rgba={v.full}
          size={v.size}
          testId="lab.full-recon"
          label={
            token
              ? 'full reconstruction as tokens: every patch encoded and decoded, regressor skipped'
              : 'full reconstruction (paper Fig. 4): every patch encoded and decoded, regressor skipped; true patch mean and variance'
          }
        />
        <Panel
          rgba={v.features}
          size={v.size}
          testId="lab.features"
          label="patch features: their first three principal components as RGB (every patch visible)"
          help="Patches the encoder represents alike get alike colours; the components are computed over this image's patches."
        />
      </div>
      {v.tokens && <LabTokens t={v.tokens} size={v.size} />}
      <p style={{ fontSize: 12, color: 'var(--muted)' }}>Model: {v.label}.</p>
    </div>
  );
}
