// Attention maps over validation images: the attentive probe's query (mean of heads or one head)
// and the encoder's CLS self-attention per layer and head, overlaid with adjustable colours.
import { useState } from 'react';
import { colour, type ColourScale, overlay, selectMap } from '../probeCharts';
import { useStore } from '../store';
import { ColourBar } from './ColourBar';
import { ImageCanvas } from './ImageCanvas';

// Stable ramps for the colour bar (it redraws when its ramp changes).
const infernoRamp = (t: number) => colour(t, 'inferno');
const greyRamp = (t: number) => colour(t, 'grey');

export function AttentionMaps() {
  const view = useStore((s) => s.probe?.attention ?? null);
  const [source, setSource] = useState<'probe' | number>('probe');
  const [head, setHead] = useState<number | 'mean'>('mean');
  const [opacity, setOpacity] = useState(0.6);
  const [scale, setScale] = useState<ColourScale>('inferno');
  if (!view) return <section data-testid="probe.attention" />;
  const n = view.grid * view.grid;
  const perImage = view.heads * n;
  const S = view.size;
  return (
    <section data-testid="probe.attention">
      <h3 style={{ fontSize: 15 }}>Where the probes look</h3>
      <div style={{ display: 'flex', gap: 12, fontSize: 13, flexWrap: 'wrap', alignItems: 'center' }}>
        <label>
          map{' '}
          <select value={String(source)} onChange={(e) => setSource(e.target.value === 'probe' ? 'probe' : Number(e.target.value))}>
            <option value="probe">attentive probe query</option>
            {Array.from({ length: view.layers }, (_, l) => (
              <option key={l} value={l}>
                encoder CLS, layer {l + 1}
              </option>
            ))}
          </select>
        </label>
        <label>
          head{' '}
          <select value={String(head)} onChange={(e) => setHead(e.target.value === 'mean' ? 'mean' : Number(e.target.value))}>
            <option value="mean">mean of heads</option>
            {Array.from({ length: view.heads }, (_, h) => (
              <option key={h} value={h}>
                head {h + 1}
              </option>
            ))}
          </select>
        </label>
        <label>
          colours{' '}
          <select value={scale} onChange={(e) => setScale(e.target.value as ColourScale)}>
            <option value="inferno">inferno</option>
            <option value="grey">grey</option>
          </select>
        </label>
        <label>
          opacity <input type="range" min={0} max={1} step={0.05} value={opacity} onChange={(e) => setOpacity(Number(e.target.value))} />
        </label>
      </div>
      <div style={{ display: 'flex', gap: 8, marginTop: 6, flexWrap: 'wrap' }}>
        {Array.from({ length: view.count }, (_, i) => {
          const maps = source === 'probe' ? view.probe : view.encoder;
          const offset = source === 'probe' ? i * perImage : (source * view.count + i) * perImage;
          const map = selectMap(maps, offset, view.heads, n, head);
          const img = view.images.subarray(i * S * S * 4, (i + 1) * S * S * 4);
          return <ImageCanvas key={i} rgba={overlay(img, S, map, view.grid, opacity, scale)} size={S} scale={4} testId="probe.attention.map" />;
        })}
      </div>
      <p style={{ fontSize: 12, color: 'var(--muted)' }}>
        <ColourBar
          colour={scale === 'grey' ? greyRamp : infernoRamp}
          lo={0}
          hi={1}
          label="attention"
          ticks={['its min', 'middle', 'its max']}
          testId="probe.attention.scale"
        />{' '}
        Each map is scaled from its own minimum to maximum.
      </p>
    </section>
  );
}
