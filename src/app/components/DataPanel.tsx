// Your own data: import an image folder (picked, many files, dropped, or zipped), the CIFAR-10
// binary files or IDX files (the MNIST family); the worker decodes and keeps them in this browser.
// Lists the datasets kept here and shows the chosen one.
import { TableHead } from './TableHead';
import { useState, type DragEvent } from 'react';
import { fromDrop, fromInput } from '../importFiles';
import { useStore } from '../store';
import type { ImportOptions } from '../specs';
import { cancelImport, importDataset } from '../workerClient';
import { DatasetDetail, mb } from './DatasetDetail';
import { useNow } from './useNow';
import { ProgressBar } from './ProgressBar';
import { importProgress } from '../progress';

const row = { display: 'grid', gridTemplateColumns: 'minmax(0, 170px) minmax(0, 200px)', gap: 6, fontSize: 13, alignItems: 'center', marginBottom: 4 } as const;
const STORED_SIZES = [32, 64, 96, 128, 224] as const;

function ImportProgress() {
  const imp = useStore((s) => s.dataImport);
  const now = useNow(1000, imp?.status === 'running');
  if (!imp) return null;
  return (
    <div data-testid="data.progress" data-status={imp.status} data-id={imp.id} style={{ fontSize: 13, margin: '8px 0' }}>
      {imp.status === 'running' && (
        <>
          <ProgressBar progress={importProgress(imp, now)} testId="data.import-progress" />
          Importing {imp.name}: {imp.done} of {imp.total || '…'}
          {imp.skipped > 0 && `, ${imp.skipped} skipped`}{' '}
          <button data-testid="data.cancel" onClick={cancelImport}>
            Cancel
          </button>
        </>
      )}
      {imp.status === 'done' &&
        `Imported ${imp.name}${imp.skipped > 0 ? `; ${imp.skipped} file${imp.skipped === 1 ? ' was' : 's were'} skipped (listed below)` : ''}.`}
      {(imp.status === 'failed' || imp.status === 'cancelled') && (
        <span style={{ color: imp.status === 'failed' ? 'var(--error)' : 'var(--muted)' }}>{imp.message}</span>
      )}
    </div>
  );
}

export function DataPanel() {
  const datasets = useStore((s) => s.datasets);
  const shown = useStore((s) => s.shownDataset);
  const ready = useStore((s) => s.backend !== null && s.workerCrash === null);
  const running = useStore((s) => s.dataImport?.status === 'running');
  const [o, setO] = useState<ImportOptions>({ valShare: 0.1, seed: 0, storedSize: 64 });
  const [over, setOver] = useState(false);
  const disabled = !ready || running;
  const onFiles = (e: React.ChangeEvent<HTMLInputElement>, expect?: 'cifar10' | 'idx') => {
    const files = fromInput(e.target.files ?? []);
    e.target.value = ''; // the same folder can be chosen again
    importDataset(files, o, expect);
  };
  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (!disabled) importDataset(await fromDrop(e.dataTransfer), o);
  };
  return (
    <section>
      <h2 style={{ fontSize: 17 }}>Your data</h2>
      <p style={{ fontSize: 12, color: 'var(--muted)', maxWidth: 760 }}>
        Images stay in this browser: they are decoded in the worker, cropped to their centre square, resized to the stored size and kept in IndexedDB, so a
        reload does not ask for them again. A folder with one subfolder per class is labelled (torchvision's ImageFolder); a flat folder is unlabelled, for
        pretraining only. <code>train/</code> and <code>val/</code> folders above the class folders set the split; otherwise the split seed holds out the
        validation share of each class.
      </p>
      <div style={{ display: 'flex', gap: 24, flexWrap: 'wrap', alignItems: 'flex-start' }}>
        <div>
          <label style={row} title="share of each class held out for validation when there are no train/ and val/ folders">
            validation share
            <input
              type="number"
              step="any"
              min={0}
              max={0.95}
              defaultValue={o.valShare}
              disabled={disabled}
              style={{ width: 90 }}
              onBlur={(e) => setO({ ...o, valShare: Number(e.target.value) })}
            />
          </label>
          <label style={row} title="seeds the held-out split; the same files, share and seed give the same split">
            split seed
            <input
              type="number"
              step={1}
              defaultValue={o.seed}
              disabled={disabled}
              style={{ width: 90 }}
              onBlur={(e) => setO({ ...o, seed: Math.round(Number(e.target.value)) })}
            />
          </label>
          <label style={row} title="side of the stored square images; batches are cropped and resized from them to the preset's size (CIFAR-10 stays 32 px)">
            stored size, px
            <select value={o.storedSize} disabled={disabled} onChange={(e) => setO({ ...o, storedSize: Number(e.target.value) })}>
              {STORED_SIZES.map((s) => (
                <option key={s} value={s}>
                  {s} × {s}
                </option>
              ))}
            </select>
          </label>
          <label style={row}>
            image folder
            <input data-testid="data.import-folder" type="file" multiple disabled={disabled} {...{ webkitdirectory: '' }} onChange={(e) => onFiles(e)} />
          </label>
          <label style={row}>
            images, or one .zip
            <input data-testid="data.import-files" type="file" multiple accept="image/*,.zip" disabled={disabled} onChange={(e) => onFiles(e)} />
          </label>
          <label style={row} title="data_batch_1.bin … data_batch_5.bin, test_batch.bin (the val split) and batches.meta.txt (class names)">
            CIFAR-10 binary files
            <input data-testid="data.import-cifar" type="file" multiple accept=".bin,.txt" disabled={disabled} onChange={(e) => onFiles(e, 'cifar10')} />
          </label>
          <label
            style={row}
            title="the MNIST family's files (MNIST, Fashion-MNIST, KMNIST, EMNIST), .gz or raw: the training images and labels, and the test pair for the val split (without it, the split seed holds out the validation share); kept at their own size (28 px)"
          >
            IDX files (MNIST family)
            <input data-testid="data.import-idx" type="file" multiple disabled={disabled} onChange={(e) => onFiles(e, 'idx')} />
          </label>
          <label style={row} title="EMNIST's files hold each image transposed, and only their names say so">
            IDX images
            <select
              data-testid="data.idx-transpose"
              value={o.idxTranspose === undefined ? 'auto' : o.idxTranspose ? 'yes' : 'no'}
              disabled={disabled}
              onChange={(e) => setO({ ...o, idxTranspose: e.target.value === 'auto' ? undefined : e.target.value === 'yes' })}
            >
              <option value="auto">transposed if named EMNIST</option>
              <option value="yes">transposed</option>
              <option value="no">as stored</option>
            </select>
          </label>
          <div
            data-testid="data.drop"
            onDragOver={(e) => {
              e.preventDefault();
              setOver(true);
            }}
            onDragLeave={() => setOver(false)}
            onDrop={(e) => void onDrop(e)}
            style={{ border: `2px dashed ${over ? 'var(--accent)' : 'var(--border)'}`, padding: 12, fontSize: 12, color: 'var(--muted)', maxWidth: 370 }}
          >
            …or drop a folder, a .zip, the CIFAR-10 files or IDX files here.
          </div>
          <ImportProgress />
        </div>
        <div style={{ flex: 1, minWidth: 'min(420px, 100%)' }}>
          <table data-testid="data.list" style={{ fontSize: 12, borderCollapse: 'collapse' }}>
            <TableHead columns={['dataset', 'source', 'classes', 'train', 'val', 'size', 'stored']} />
            <tbody>
              {datasets.length === 0 && (
                <tr>
                  <td colSpan={7} style={{ padding: '2px 8px', color: 'var(--muted)' }}>
                    No datasets imported yet; pretraining and evaluation use the embedded shapes sets.
                  </td>
                </tr>
              )}
              {datasets.map((d) => (
                <tr
                  key={d.id}
                  data-dataset-id={d.id}
                  style={{ background: d.id === shown ? 'var(--selected-bg)' : undefined, cursor: 'pointer' }}
                  onClick={() => useStore.getState().showDataset(d.id)}
                >
                  <td style={{ padding: '2px 8px' }}>{d.name}</td>
                  <td>{d.source}</td>
                  <td>{d.classes.length || 'unlabelled'}</td>
                  <td>{d.trainSize}</td>
                  <td>{d.valSize}</td>
                  <td>{d.storedSize} px</td>
                  <td>{mb(d.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <DatasetDetail />
        </div>
      </div>
    </section>
  );
}
