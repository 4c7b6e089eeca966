// The store's data slice: the datasets imported into this browser, the import in progress, the one
// the data panel shows and the preview of the chosen dataset, fed by the worker's data/* and
// dataset/* messages.
import { isEmbeddedDataset } from '../../data/embedded';
import type { DatasetMeta } from '../../data/stored';
import { unreachable } from '../../protocol/messages';
import { DEFAULT_EXPERIMENT } from '../../train/evalDefaults';
import type { GetState, MessagesOf, SetState } from './types';

export interface Preview {
  readonly size: number;
  readonly count: number;
  readonly images: Uint8ClampedArray;
  readonly labels: readonly number[];
  readonly classes: readonly string[];
}

/** The import in progress, or how the last one ended. */
export interface DataImport {
  readonly id: string;
  readonly name: string;
  readonly status: 'running' | 'done' | 'failed' | 'cancelled';
  readonly done: number;
  readonly total: number;
  readonly skipped: number;
  readonly message: string | null;
  /** When it started (ms since the epoch): its time left is measured from it. */
  readonly startedAt: number;
}

export interface DataSlice {
  /** Datasets imported into this browser, newest first (summaries, no pixels). */
  datasets: readonly DatasetMeta[];
  dataImport: DataImport | null;
  /** The imported dataset the data panel shows. */
  shownDataset: string | null;
  preview: Preview | null;
  setDatasets(list: readonly DatasetMeta[]): void;
  importStarted(id: string, name: string): void;
  showDataset(id: string | null): void;
}

export const initialData = () => ({ datasets: [], dataImport: null, shownDataset: null, preview: null }) satisfies Partial<DataSlice>;

export const dataSlice = (set: SetState, get: GetState): DataSlice => ({
  ...initialData(),
  setDatasets(list) {
    // A choice of a dataset that is gone falls back to the default embedded one.
    const has = (id: string) => isEmbeddedDataset(id) || list.some((d) => d.id === id);
    const { form, probeForm, shownDataset } = get();
    const fallback = DEFAULT_EXPERIMENT.dataset;
    set({
      datasets: list,
      form: has(form.dataset) ? form : { ...form, dataset: fallback },
      probeForm: has(probeForm.dataset) ? probeForm : { ...probeForm, dataset: fallback },
      shownDataset: shownDataset && has(shownDataset) ? shownDataset : (list[0]?.id ?? null),
    });
  },
  importStarted(id, name) {
    set({ dataImport: { id, name, status: 'running', done: 0, total: 0, skipped: 0, message: null, startedAt: Date.now() } });
  },
  showDataset(id) {
    set({ shownDataset: id });
  },
});

/** The data messages: an import's progress and end, the start-up check of imports, a preview. */
export function receiveData(msg: MessagesOf<'data/'> | MessagesOf<'dataset/'>, set: SetState, get: GetState): void {
  const imp = get().dataImport;
  switch (msg.type) {
    case 'data/progress':
      if (imp?.id === msg.id) set({ dataImport: { ...imp, done: msg.done, total: msg.total, skipped: msg.skipped } });
      return;
    case 'data/imports-checked':
      return; // the removed ones were named in notices already
    case 'data/imported':
      set({
        datasets: [msg.meta, ...get().datasets.filter((d) => d.id !== msg.meta.id)],
        shownDataset: msg.meta.id,
        dataImport: imp?.id === msg.meta.id ? { ...imp, status: 'done', skipped: msg.meta.skippedCount, message: null } : imp,
      });
      return;
    case 'data/failed':
      if (imp?.id === msg.id) set({ dataImport: { ...imp, status: msg.cancelled ? 'cancelled' : 'failed', message: msg.message } });
      if (!msg.cancelled) get().notify(msg.message);
      return;
    case 'dataset/preview':
      set({ preview: { size: msg.size, count: msg.count, images: msg.images, labels: msg.labels, classes: msg.classes } });
      return;
    default:
      return unreachable(msg);
  }
}
