// What the page shows, apart from the data: the open view (kept in the URL's hash, so a reload or a
// link opens it again), the run selected in the sidebar, and the runs ticked for comparison. A
// slice of the one store (store.ts), kept here so the page's chrome is read in one place.
import type { CompareAxis, CompareMetric } from './compare';

export const VIEWS = [
  { id: 'pretrain', label: 'Pretrain' },
  { id: 'tokenizer', label: 'Tokenizer' },
  { id: 'probe', label: 'Probe' },
  { id: 'lab', label: 'Lab' },
  { id: 'data', label: 'Data' },
  { id: 'compare', label: 'Compare' },
  { id: 'sweep', label: 'Sweeps' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

const fromHash = (): ViewId => {
  const h = typeof location === 'undefined' ? '' : location.hash.slice(1);
  return VIEWS.find((v) => v.id === h)?.id ?? 'pretrain';
};

export interface UiState {
  view: ViewId;
  /** The run whose details the sidebar opens; null: the run this page trains, if any. */
  selectedRun: string | null;
  /** Runs ticked for the compare chart, in the order they were ticked (it sets their colours). */
  compared: readonly string[];
  metric: CompareMetric;
  axis: CompareAxis;
  setView(v: ViewId): void;
  selectRun(id: string | null): void;
  toggleCompare(id: string, on: boolean): void;
  setCompare(patch: Partial<Pick<UiState, 'metric' | 'axis'>>): void;
}

type Set = (patch: Partial<UiState>) => void;

/** The slice's state and actions, spread into the store. */
export const uiSlice = (set: Set, get: () => UiState): UiState => ({
  view: fromHash(),
  selectedRun: null,
  compared: [],
  metric: 'total',
  axis: 'step',
  setView(view) {
    if (view === get().view) return;
    set({ view });
    if (typeof location !== 'undefined') history.replaceState(null, '', `#${view}`);
    // Charts drawn while their view was hidden have no width: plotly's responsive mode listens for this.
    if (typeof window !== 'undefined') requestAnimationFrame(() => window.dispatchEvent(new Event('resize')));
  },
  selectRun(selectedRun) {
    set({ selectedRun });
  },
  toggleCompare(id, on) {
    const rest = get().compared.filter((c) => c !== id);
    set({ compared: on ? [...rest, id] : rest });
  },
  setCompare(patch) {
    set(patch);
  },
});

/** The view named by the URL's hash (a link, or the back button). */
export const viewFromHash = fromHash;
