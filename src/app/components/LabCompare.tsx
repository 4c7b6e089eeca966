// Paper Figure 4 side by side: two models' reconstructions of the same image and mask (for example
// the alignment on/off pair of a sweep), each with its mean error over the masked patches.
import type { LabView } from '../../protocol/messages';
import { ImageCanvas } from './ImageCanvas';

/** Mean of the finite per-patch errors (the masked patches), or null when nothing was predicted. */
export function meanMaskedError(v: LabView): number | null {
  if (!v.errors) return null;
  let sum = 0;
  let n = 0;
  for (const e of v.errors)
    if (Number.isFinite(e)) {
      sum += e;
      n++;
    }
  return n ? sum / n : null;
}

function Column(props: { view: LabView; side: 'left' | 'right' }) {
  const v = props.view;
  const err = meanMaskedError(v);
  const cell = { margin: 0, fontSize: 12, width: 150 } as const;
  return (
    <div data-testid={`lab.compare.${props.side}`} style={{ display: 'grid', gap: 6 }}>
      <strong style={{ fontSize: 13 }}>{v.label}</strong>
      <div style={{ display: 'flex', gap: 8 }}>
        <figure style={cell}>
          <ImageCanvas rgba={v.full} size={v.size} scale={Math.max(1, Math.floor(150 / v.size))} testId={`lab.compare.${props.side}.full`} />
          <figcaption>full reconstruction (Fig. 4)</figcaption>
        </figure>
        <figure style={cell}>
          {v.composite ? (
            <ImageCanvas rgba={v.composite} size={v.size} scale={Math.max(1, Math.floor(150 / v.size))} testId={`lab.compare.${props.side}.composite`} />
          ) : (
            <div style={{ height: 150 }}>nothing masked</div>
          )}
          <figcaption>visible + reconstructed</figcaption>
        </figure>
      </div>
      <span data-testid={`lab.compare.${props.side}.error`} style={{ fontSize: 12 }}>
        {err === null ? 'no masked patches: no error' : `mean error over the ${v.maskedCount} masked patches: ${err.toPrecision(3)} (MSE in the loss's space)`}
      </span>
    </div>
  );
}

export function LabCompare(props: { left: LabView; right: LabView }) {
  return (
    <section aria-label="two models side by side" data-testid="lab.compare" style={{ display: 'flex', gap: 24, flexWrap: 'wrap', marginTop: 8 }}>
      <Column view={props.left} side="left" />
      <Column view={props.right} side="right" />
    </section>
  );
}
