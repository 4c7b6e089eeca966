// The Data view's note on the notebook's real embedded dataset: what it is, its split, its licence
// and its published baselines. The files themselves load only when a run chooses it.
import { FASHION_MNIST } from '../../data/fashionMnist';
import { PublishedBaselines } from './PublishedBaselines';

export function EmbeddedDatasets() {
  const F = FASHION_MNIST;
  return (
    <section data-testid="data.embedded">
      <h3 style={{ fontSize: 15 }}>Embedded: {F.label}</h3>
      <p style={{ fontSize: 12, color: 'var(--muted)', maxWidth: 760 }}>
        Fashion-MNIST's test split (Xiao, Rasul & Vollgraf 2017; © Zalando SE, MIT licence, <a href={`${F.dir}/LICENSE`}>notice</a>): 28 × 28 grayscale images
        of ten kinds of clothing, 1 000 a class, resized to the preset's size. A seeded per-class split makes {F.trainSize} training and {F.valSize} validation
        images. Its 4.4 MB are fetched from this site only when a run chooses it, then kept in the browser for offline use.
      </p>
      <PublishedBaselines />
    </section>
  );
}
