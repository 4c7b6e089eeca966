// A grid of the chosen embedded dataset's validation images with their class names.
import { useEffect } from 'react';
import { isBuiltinDataset } from '../../data/shapes';
import { DEFAULT_EXPERIMENT } from '../../train/evalDefaults';
import { useStore } from '../store';
import { requestPreview } from '../workerClient';
import { ImageCanvas } from './ImageCanvas';

export function DatasetPreview() {
  const preview = useStore((s) => s.preview);
  const imgSize = useStore((s) => s.form.model.imgSize);
  const seed = useStore((s) => s.form.train.seed);
  const ready = useStore((s) => s.backend !== null);
  const chosen = useStore((s) => s.form.dataset);
  // An imported dataset has its own view in the data panel; this one shows an embedded set.
  const dataset = isBuiltinDataset(chosen) ? chosen : DEFAULT_EXPERIMENT.dataset;
  useEffect(() => {
    if (ready) requestPreview(dataset, imgSize, seed);
  }, [ready, dataset, imgSize, seed]);
  return (
    <section data-testid="dataset.preview">
      <h3 style={{ fontSize: 15 }}>Dataset: {dataset}</h3>
      <p style={{ fontSize: 12, color: 'var(--muted)' }}>
        Procedural, generated from the seed in the worker: ten shape classes, colours independent of the class.{' '}
        {dataset === 'shapes'
          ? 'The hard set: random positions, scales and rotations over striped backgrounds with clutter.'
          : 'The learnable set: large, near the centre, mildly rotated, over a plain gradient, no clutter.'}{' '}
        A fixed validation split; nothing is downloaded.
      </p>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6 }}>
        {preview &&
          Array.from({ length: preview.count }, (_, i) => (
            <figure key={i} style={{ margin: 0, textAlign: 'center', fontSize: 11 }}>
              <ImageCanvas
                rgba={preview.images}
                size={preview.size}
                offset={i * preview.size * preview.size * 4}
                scale={2}
                title={preview.classes[preview.labels[i]!]}
              />
              <figcaption>{preview.classes[preview.labels[i]!]}</figcaption>
            </figure>
          ))}
      </div>
    </section>
  );
}
