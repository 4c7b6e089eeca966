// What the encoder's patch features separate (paper Figure 7), for the lab's model and the one it is
// compared with: validation patches of a labelled dataset mapped to 2-D, coloured by the class
// covering most of each patch (shapes) or by the image's label (imports); hovering a point shows its patch.
import { useEffect, useMemo, useRef, useState } from 'react';
import { themed, useChartTheme } from '../chartTheme';
import { loadPlotly } from '../plotly';
import { BUILTIN_DATASETS } from '../../data/shapes';
import { isLabelled } from '../../data/stored';
import type { EmbeddingView } from '../../protocol/messages';
import { mapPurity, mapTraces } from '../featureMaps';
import { MAP_POINTS, requestFeatureMap, stopFeatureMap } from '../labClient';
import type { FeatureMapState } from '../labState';
import { useStore } from '../store';
import { ImageCanvas } from './ImageCanvas';
import { ProgressBar } from './ProgressBar';
import { useNow } from './useNow';
import { mapProgress } from '../progress';
import { mapEstimate, mapSpeedFor } from '../jobEstimates';
import { readJobSpeeds } from '../jobSpeeds';

function MapPlot({ view, side, onHover }: { view: EmbeddingView; side: 0 | 1; onHover: (i: number | null) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const theme = useChartTheme();
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const layout = {
      height: 360,
      margin: { l: 30, r: 10, t: 10, b: 30 },
      xaxis: { showticklabels: false, zeroline: false },
      yaxis: { showticklabels: false, zeroline: false },
      legend: { font: { size: 10 } },
      hovermode: 'closest',
    };
    void loadPlotly().then(async (Plotly) => {
      if (!el.isConnected) return;
      await Plotly.react(el, mapTraces(view), themed(layout, theme), { displaylogo: false, responsive: true });
      el.dataset.points = String(view.labels.length);
      const plot = el as unknown as { on(ev: string, f: (e: { points: { customdata: number }[] }) => void): void; removeAllListeners?(ev: string): void };
      plot.removeAllListeners?.('plotly_hover');
      plot.removeAllListeners?.('plotly_unhover');
      plot.on('plotly_hover', (e) => onHover(e.points[0]?.customdata ?? null));
      plot.on('plotly_unhover', () => onHover(null));
    });
  }, [view, onHover, theme]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) void loadPlotly().then((Plotly) => Plotly.purge(el));
    };
  }, []);
  return <div ref={ref} data-testid={`lab.map.${side}.chart`} data-points="0" style={{ width: '100%' }} />;
}

/** The map's bar: patch features (its first half), then the map's epochs, with the time left. */
function MapProgress({ side, map }: { side: 0 | 1; map: FeatureMapState }) {
  const now = useNow(1000, map.busy);
  const progress = mapProgress(map, side, now);
  return <ProgressBar progress={progress} testId={`lab.map.${side}.progress`} />;
}

function Side(props: { side: 0 | 1; map: FeatureMapState; model: string }) {
  const [hover, setHover] = useState<number | null>(null);
  const v = props.map.view;
  const p = v?.patch ?? 0;
  // O(points²): once per map, not on every progress message that re-renders the side.
  const purity = useMemo(() => (v ? mapPurity(v) : null), [v]);
  return (
    <div data-testid={`lab.map.${props.side}`} style={{ flex: 1, minWidth: 'min(320px, 100%)' }}>
      <div style={{ fontSize: 12, minHeight: 18 }}>
        {props.map.busy ? (
          <>
            <MapProgress side={props.side} map={props.map} /> <button onClick={() => stopFeatureMap(props.side)}>stop</button>
          </>
        ) : props.map.failure ? (
          <span role="alert" style={{ color: 'var(--error)' }}>
            {props.map.failure}
          </span>
        ) : v ? (
          <span data-testid={`lab.map.${props.side}.caption`}>
            {v.label}: {v.labels.length} patches of {v.images} images, labelled by{' '}
            {v.labelledBy === 'patch' ? 'the class covering most of each patch' : "their image's label"}. Nearest neighbour in the map has the same label for{' '}
            {(100 * purity!.purity).toFixed(1)} % (a label-blind map: {(100 * purity!.chance).toFixed(1)} %).
          </span>
        ) : (
          <span>{props.model ? 'Press “map patch features”.' : 'Choose a model to compare with above.'}</span>
        )}
      </div>
      {v && <MapPlot view={v} side={props.side} onHover={setHover} />}
      {v && hover !== null && (
        <div style={{ fontSize: 12, display: 'flex', gap: 8, alignItems: 'center' }}>
          <ImageCanvas
            rgba={v.patches.slice(hover * p * p * 4, (hover + 1) * p * p * 4)}
            size={p}
            scale={Math.max(2, Math.floor(64 / p))}
            testId={`lab.map.${props.side}.patch`}
          />
          {v.classNames[v.labels[hover]!]}
        </div>
      )}
    </div>
  );
}

export function FeatureMaps() {
  const lab = useStore((s) => s.lab);
  const datasets = useStore((s) => s.datasets);
  const ready = useStore((s) => s.backend !== null && s.workerCrash === null);
  const [dataset, setDataset] = useState<string>(BUILTIN_DATASETS[0].id);
  const [images, setImages] = useState(100);
  const backend = useStore((s) => s.backend?.kind ?? null);
  const busy = lab.maps.some((m) => m.busy);
  // Read on each render: a map that ends re-renders this (its state changes) after its speed is kept.
  const estimate = mapEstimate({ images, sides: lab.compareModel ? 2 : 1, speed: mapSpeedFor(readJobSpeeds().maps, backend) });
  const run = () => {
    void requestFeatureMap(0, dataset, images);
    if (lab.compareModel) void requestFeatureMap(1, dataset, images);
  };
  return (
    <section aria-label="patch feature maps" data-testid="lab.maps" style={{ marginTop: 16 }}>
      <h3 style={{ fontSize: 15, margin: '8px 0' }}>Patch features in 2-D (paper Fig. 7)</h3>
      <div style={{ fontSize: 13, display: 'flex', gap: 12, flexWrap: 'wrap', alignItems: 'center' }}>
        <label>
          dataset{' '}
          <select data-testid="lab.map.dataset" value={dataset} onChange={(e) => setDataset(e.target.value)}>
            {BUILTIN_DATASETS.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
            {datasets.filter(isLabelled).map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} (imported, labelled by image)
              </option>
            ))}
          </select>
        </label>
        <label>
          images to map{' '}
          <input
            data-testid="lab.map.images"
            type="number"
            min={1}
            max={2000}
            style={{ width: 70 }}
            value={images}
            onChange={(e) => setImages(Math.max(1, Math.trunc(Number(e.target.value)) || 1))}
          />
        </label>
        <button data-testid="lab.map.run" disabled={!ready || busy} onClick={run}>
          map patch features
        </button>
        {!busy && (
          <span data-testid="featuremap.estimate" className="hint" style={{ fontSize: 12 }}>
            {estimate.text}
          </span>
        )}
        <span style={{ fontSize: 12, color: 'var(--muted)' }}>
          UMAP (cosine) of at most {MAP_POINTS} patches per model, seeded; the right side maps the compared model.
        </span>
      </div>
      <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
        <Side side={0} map={lab.maps[0]} model={lab.model} />
        <Side side={1} map={lab.maps[1]} model={lab.compareModel} />
      </div>
    </section>
  );
}
