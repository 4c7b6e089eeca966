// One imported dataset: counts per class and split, image size, storage, how it was split, the
// files that were skipped and why, a preview grid with labels, and Delete.
import { cacheNote } from '../../data/chunkCache';
import { TableHead } from './TableHead';
import { useStore } from '../store';
import { removeDataset } from '../workerClient';
import { ImageCanvas } from './ImageCanvas';

export const mb = (b: number) => `${(b / 2 ** 20).toFixed(b < 2 ** 20 ? 2 : 1)} MB`;

export function DatasetDetail() {
  const d = useStore((s) => s.datasets.find((x) => x.id === s.shownDataset));
  if (!d) return null;
  const names = d.classes.length > 0 ? d.classes : ['(unlabelled)'];
  const sp = d.split;
  const split =
    sp.by === 'seed'
      ? `seeded: ${sp.valShare} of each class to val, seed ${sp.seed}`
      : sp.by === 'folders'
        ? 'by its train/ and val/ folders'
        : 'by its files (test_batch is val)';
  return (
    <div style={{ marginTop: 8 }}>
      <div data-testid="data.summary" data-dataset-id={d.id} style={{ fontSize: 13 }}>
        <strong>{d.name}</strong> · {d.source} · {d.classes.length > 0 ? `${d.classes.length} classes` : 'unlabelled (pretraining only)'} · {d.trainSize} train
        / {d.valSize} val images · stored at {d.storedSize}×{d.storedSize} px · {mb(d.bytes)} in this browser · split {split}
        <div data-testid="data.cache">{cacheNote(d.bytes)}</div>
        <table style={{ fontSize: 12, borderCollapse: 'collapse', marginTop: 4 }}>
          <TableHead columns={['class', 'train', 'val']} />
          <tbody>
            {names.map((c, k) => (
              <tr key={c} data-class={c}>
                <td style={{ padding: '1px 8px' }}>{c}</td>
                <td data-col="train">{d.counts.train[k]}</td>
                <td data-col="val">{d.counts.val[k]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div data-testid="data.skipped" data-count={d.skippedCount} style={{ fontSize: 12, marginTop: 4 }}>
        {d.skippedCount === 0 ? (
          'No file was skipped.'
        ) : (
          <details open={d.skippedCount <= 10}>
            <summary>
              {d.skippedCount} file{d.skippedCount === 1 ? '' : 's'} skipped{d.skippedCount > d.skipped.length && ` (the first ${d.skipped.length} listed)`}
            </summary>
            <ul style={{ margin: 0 }}>
              {d.skipped.map((s) => (
                <li key={s.path}>
                  <code>{s.path}</code>: {s.reason}
                </li>
              ))}
            </ul>
          </details>
        )}
      </div>
      <div data-testid="data.preview" style={{ display: 'flex', flexWrap: 'wrap', gap: 6, marginTop: 6 }}>
        {Array.from({ length: d.preview.count }, (_, i) => {
          const label = d.preview.labels[i]! >= 0 ? d.classes[d.preview.labels[i]!] : '';
          return (
            <figure key={i} style={{ margin: 0, textAlign: 'center', fontSize: 11 }}>
              <ImageCanvas rgba={d.preview.rgba} size={d.preview.size} offset={i * d.preview.size * d.preview.size * 4} scale={2} title={label} />
              <figcaption>{label}</figcaption>
            </figure>
          );
        })}
      </div>
      <button data-testid="data.delete" style={{ marginTop: 6 }} onClick={() => void removeDataset(d.id)}>
        Delete {d.name}
      </button>
    </div>
  );
}
