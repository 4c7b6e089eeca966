// The one store of the page: plain serializable data fed by the worker client, never tensors.
import { create } from 'zustand';
import type { CaeConfig } from '../model/config';
import { PRESETS, type PresetId } from '../model/presets';
import {
  isActive,
  unreachable,
  type AttentionView,
  type BackendInfo,
  type EncoderEntry,
  type EngineName,
  type EvalRow,
  type EvalSettings,
  type FineTuneEpoch,
  type FromWorker,
  type ProbeEpoch,
  type ProbeSpec,
  type ReconView,
  type RunSpec,
  type RunStatus,
  type StepPoint,
  type StepProfile,
} from '../protocol/messages';
import type { TrainConfig } from '../train/config';
import { defaultTrainConfig } from '../train/defaults';
import type { ProbeTrainConfig } from '../train/probeTrainer';
import type { DatasetMeta } from '../data/stored';
import { isEmbeddedDataset } from '../data/embedded';
import { DEFAULT_EXPERIMENT } from '../train/evalDefaults';
import { initialProbeForm, type ProbeForm } from './probeForm';
import { followDefaults } from './followDefaults';
import { centreCrop } from '../data/crop';
import { initialLab, type LabState } from './labState';
import { mapsAfter } from './featureMaps';
import type { SweepState } from './sweep/sweep';
import { uiSlice, type UiState, viewFromHash } from './ui';
export type { ProbeForm } from './probeForm';
import type { ResultRow, RunRecord } from './runsDb';

export interface Notice {
  readonly id: number;
  readonly text: string;
  /** How many times this text was told: a repeated notice (storage full at every checkpoint) shows once, counted. */
  readonly count: number;
}

export interface Preview {
  readonly size: number;
  readonly count: number;
  readonly images: Uint8ClampedArray;
  readonly labels: readonly number[];
  readonly classes: readonly string[];
}

export interface CurrentRun {
  readonly spec: RunSpec;
  readonly status: RunStatus;
  readonly step: number;
  readonly totalSteps: number;
  readonly imgPerSec: number;
  readonly history: readonly StepPoint[];
  readonly recon: ReconView | null;
  readonly message: string | null;
  readonly startedAt: number;
  /** The last kernel-by-kernel profile of one step, when asked for. */
  readonly profile: StepProfile | null;
  /** Step of the newest checkpoint the worker took (it sends one every N steps, on pause and at the end); null before the first. */
  readonly checkpointTaken: number | null;
  /**
   * Step of the newest checkpoint kept in this browser's IndexedDB, what Resume continues from (the
   * runs list's `checkpointStep`); null before one is. Behind `checkpointTaken` while one is being
   * written, or when writing it failed (the older one is still kept).
   */
  readonly checkpointStep: number | null;
  /** The engine running the steps once the worker chose it, and why TF.js runs where it does. */
  readonly engine: { readonly name: EngineName; readonly reason: string | null } | null;
  /** The worker refused to start it (its checkpoint damaged, its dataset gone): it did nothing, its record stays as kept. */
  readonly refused: boolean;
}

export interface Form {
  readonly presetId: PresetId;
  readonly model: CaeConfig;
  readonly train: TrainConfig;
  /** Steps between checkpoints kept in the browser. */
  readonly checkpointEvery: number;
  /** An embedded dataset's id ('shapes-easy', 'shapes') or an imported dataset's id. */
  readonly dataset: string;
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
}

export interface CurrentProbe {
  readonly spec: ProbeSpec;
  readonly status: RunStatus;
  readonly message: string | null;
  readonly features: 'cached' | 'per-batch';
  readonly history: readonly ProbeEpoch[];
  /** The fine-tuning curve of the first seed of the probed encoder. */
  readonly ftHistory: readonly FineTuneEpoch[];
  /** What the run is doing now (seed, encoder, evaluation, epoch). */
  readonly progress: string | null;
  /** Every encoder's results when the run ends: mean ± sd over seeds, standard errors, chance. */
  readonly result: { readonly rows: readonly EvalRow[]; readonly chance: number } | null;
  readonly attention: AttentionView | null;
}

export interface AppState extends UiState {
  backend: BackendInfo | null;
  /** Set when the worker could not be replaced after it died: nothing runs until the page reloads. */
  workerCrash: string | null;
  notices: readonly Notice[];
  form: Form;
  run: CurrentRun | null;
  preview: Preview | null;
  runs: readonly RunRecord[];
  /** Ids of kept runs another tab is training now (it holds their Web Lock): no Resume here. */
  runsElsewhere: readonly string[];
  encoders: readonly EncoderEntry[];
  probeForm: ProbeForm;
  probe: CurrentProbe | null;
  results: readonly ResultRow[];
  /** Kept sweeps, newest first (their grids). */
  sweeps: readonly SweepState[];
  setSweeps(s: readonly SweepState[]): void;
  /** Datasets imported into this browser, newest first (summaries, no pixels). */
  datasets: readonly DatasetMeta[];
  dataImport: DataImport | null;
  /** The imported dataset the data panel shows. */
  shownDataset: string | null;
  lab: LabState;

  receive(msg: FromWorker): void;
  /** The worker died and a new one is starting: the backend and the encoders it held are gone. */
  workerLost(message: string): void;
  crashed(message: string): void;
  notify(text: string): void;
  dismiss(id: number): void;
  choosePreset(id: PresetId): void;
  editModel(patch: Partial<CaeConfig>): void;
  editTrain(patch: Partial<TrainConfig>): void;
  setCheckpointEvery(steps: number): void;
  started(spec: RunSpec, from?: { step: number; history: readonly StepPoint[] }): void;
  /** The worker client wrote the run's checkpoint at `step` to IndexedDB. */
  checkpointKept(runId: string, step: number): void;
  setRuns(runs: readonly RunRecord[]): void;
  setRunsElsewhere(ids: readonly string[]): void;
  editProbe(patch: Partial<ProbeForm>, probe?: Partial<ProbeTrainConfig>): void;
  editEvaluation(patch: Partial<EvalSettings>): void;
  probeStarted(spec: ProbeSpec): void;
  setResults(rows: readonly ResultRow[]): void;
  chooseDataset(id: string): void;
  setDatasets(list: readonly DatasetMeta[]): void;
  importStarted(id: string, name: string): void;
  showDataset(id: string | null): void;
  editLab(patch: Partial<LabState>): void;
  reset(): void;
}

const initialForm = (id: PresetId = DEFAULT_EXPERIMENT.presetId, dataset: string = DEFAULT_EXPERIMENT.dataset): Form => ({
  presetId: id,
  model: PRESETS[id],
  train: defaultTrainConfig(id),
  checkpointEvery: 50,
  dataset,
});

const initial = {
  backend: null,
  workerCrash: null,
  notices: [],
  form: initialForm(),
  run: null,
  preview: null,
  runs: [],
  runsElsewhere: [],
  encoders: [],
  probe: null,
  results: [],
  sweeps: [],
  datasets: [],
  dataImport: null,
  shownDataset: null,
} satisfies Partial<AppState>;

let noticeId = 0;

export const useStore = create<AppState>()((set, get) => ({
  ...initial,
  ...uiSlice(set, get),
  probeForm: initialProbeForm(),
  lab: initialLab(),

  receive(msg) {
    const run = get().run;
    const probe = get().probe;
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
      case 'encoders':
        set({ encoders: msg.list, ...followDefaults(get(), { encoders: msg.list }) });
        return;
      case 'checkpoint/refused':
        // A kept run's checkpoint was asked for by an evaluation or the lab, which report it (workerClient.loadKeptEncoder).
        if (!msg.runId) get().notify(`Could not import ${msg.name}: ${msg.message}. Nothing was changed.`);
        return;
      case 'probe/status':
        // 'starting' again: it runs again from the start (a new GPU device), so its curves start over.
        if (probe?.spec.id === msg.id && msg.status === 'starting')
          set({ probe: { ...probe, status: msg.status, message: msg.message, history: [], ftHistory: [], progress: null, result: null, attention: null } });
        else if (probe?.spec.id === msg.id) set({ probe: { ...probe, status: msg.status, message: msg.message, features: msg.features } });
        return;
      case 'probe/epoch':
        if (probe?.spec.id === msg.id) set({ probe: { ...probe, history: [...probe.history, msg.point] } });
        return;
      case 'probe/ft-epoch':
        if (probe?.spec.id === msg.id) set({ probe: { ...probe, ftHistory: [...probe.ftHistory, msg.point] } });
        return;
      case 'probe/progress':
        if (probe?.spec.id === msg.id) set({ probe: { ...probe, progress: msg.text } });
        return;
      case 'probe/result':
        if (probe?.spec.id === msg.id) set({ probe: { ...probe, result: { rows: msg.rows, chance: msg.chance } } });
        return;
      case 'probe/attention':
        if (probe?.spec.id === msg.id) set({ probe: { ...probe, attention: msg.view } });
        return;
      case 'backend':
        set({ backend: msg.info });
        return;
      case 'error':
        get().notify(msg.message);
        return;
      case 'dataset/preview':
        set({ preview: { size: msg.size, count: msg.count, images: msg.images, labels: msg.labels, classes: msg.classes } });
        return;
      case 'pretrain/status':
        // A step below the last one means the run went back to a saved state: drop what came after.
        if (run?.spec.id === msg.runId)
          set({ run: { ...run, status: msg.status, step: msg.step, message: msg.message, history: run.history.filter((p) => p.step < msg.step) } });
        return;
      case 'pretrain/refused':
        // The step and the curve stay: the run never began.
        if (run?.spec.id === msg.runId) set({ run: { ...run, status: 'failed', message: msg.message, refused: true } });
        return;
      case 'pretrain/metrics':
        if (run?.spec.id === msg.runId)
          set({ run: { ...run, step: msg.step, totalSteps: msg.totalSteps, imgPerSec: msg.imgPerSec, history: [...run.history, ...msg.points] } });
        return;
      case 'pretrain/profile':
        if (run?.spec.id === msg.runId) set({ run: { ...run, profile: msg.profile } });
        return;
      case 'pretrain/engine':
        if (run?.spec.id === msg.runId) set({ run: { ...run, engine: { name: msg.engine, reason: msg.reason } } });
        return;
      case 'pretrain/recon':
        if (run?.spec.id === msg.runId) set({ run: { ...run, recon: msg.view } });
        return;
      case 'pretrain/checkpoint':
        // The store keeps no bytes: the worker client writes them to IndexedDB and then calls
        // checkpointKept. Here the page only learns that a newer checkpoint exists.
        if (run?.spec.id === msg.runId) set({ run: { ...run, checkpointTaken: msg.step } });
        return;
      case 'lab/image': {
        const image = { name: msg.name, width: msg.width, height: msg.height, rgba: msg.rgba, notes: msg.notes };
        get().editLab({ image, crop: centreCrop(msg.width, msg.height), opening: null, refusal: null });
        return;
      }
      case 'lab/refused':
        get().editLab({ opening: null, refusal: msg.message });
        return;
      case 'lab/view':
        if (msg.id === get().lab.requestId) get().editLab({ view: msg.view, busy: false, failure: null });
        else if (msg.id === get().lab.compareRequestId) get().editLab({ compareView: msg.view, compareFailure: null });
        return;
      case 'lab/failed':
        if (msg.id === get().lab.requestId) get().editLab({ busy: false, failure: msg.message });
        else if (msg.id === get().lab.compareRequestId) get().editLab({ compareView: null, compareFailure: msg.message });
        return;
      case 'lab/embed-progress':
      case 'lab/embedding':
      case 'lab/embed-failed':
        get().editLab({ maps: mapsAfter(get().lab.maps, msg) });
        return;
      default:
        // A message type added to FromWorker without a case here fails the typecheck.
        return unreachable(msg);
    }
  },
  workerLost(message) {
    // The run's and the evaluation's ends come as the statuses the dead worker could not send (workerClient).
    set({ backend: null, encoders: [] });
    get().notify(message);
  },
  crashed(message) {
    const run = get().run;
    set({ workerCrash: message, run: run && isActive(run.status) ? { ...run, status: 'failed', message } : run });
  },
  notify(text) {
    const notices = get().notices;
    const same = notices.find((n) => n.text === text);
    // A repeated notice moves to the end with its count: one line, not one per checkpoint.
    const next = same ? [...notices.filter((n) => n !== same), { ...same, count: same.count + 1 }] : [...notices, { id: ++noticeId, text, count: 1 }];
    set({ notices: next.slice(-5) });
  },
  dismiss(id) {
    set({ notices: get().notices.filter((n) => n.id !== id) });
  },
  choosePreset(id) {
    set({ form: initialForm(id, get().form.dataset) });
  },
  editModel(patch) {
    const form = get().form;
    set({ form: { ...form, model: { ...form.model, ...patch } } });
  },
  editTrain(patch) {
    const form = get().form;
    set({ form: { ...form, train: { ...form.train, ...patch } } });
  },
  setCheckpointEvery(steps) {
    set({ form: { ...get().form, checkpointEvery: steps } });
  },
  started(spec, from) {
    const step = from?.step ?? 0;
    // A resumed run starts from its kept checkpoint; a new one has none yet. The lab's model follows
    // the run from its start (live), the probe once it has a checkpoint.
    const checkpoint = from ? from.step : null;
    set({
      ...followDefaults(get(), { current: spec.id }),
      run: {
        spec,
        status: 'starting',
        step,
        totalSteps: spec.train.totalSteps,
        imgPerSec: 0,
        history: from?.history ?? [],
        recon: null,
        message: null,
        startedAt: Date.now(),
        profile: null,
        checkpointTaken: checkpoint,
        checkpointStep: checkpoint,
        engine: null,
        refused: false,
      },
    });
  },
  checkpointKept(runId, step) {
    const run = get().run;
    if (run?.spec.id === runId) set({ run: { ...run, checkpointStep: step } });
  },
  setRuns(runs) {
    set({ runs, ...followDefaults(get(), { runs }) });
  },
  setRunsElsewhere(ids) {
    set({ runsElsewhere: ids });
  },
  editProbe(patch, probe) {
    const f = get().probeForm;
    set({ probeForm: { ...f, ...patch, probe: { ...f.probe, ...probe }, encoderPicked: f.encoderPicked || patch.encoder !== undefined } });
  },
  editEvaluation(patch) {
    const f = get().probeForm;
    set({ probeForm: { ...f, evaluation: { ...f.evaluation, ...patch } } });
  },
  probeStarted(spec) {
    set({
      probe: {
        spec,
        status: 'starting',
        message: null,
        features: spec.augment ? 'per-batch' : 'cached',
        history: [],
        ftHistory: [],
        progress: null,
        result: null,
        attention: null,
      },
    });
  },
  setResults(rows) {
    set({ results: rows });
  },
  chooseDataset(id) {
    set({ form: { ...get().form, dataset: id } });
  },
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
    set({ dataImport: { id, name, status: 'running', done: 0, total: 0, skipped: 0, message: null } });
  },
  showDataset(id) {
    set({ shownDataset: id });
  },
  editLab(patch) {
    set({ lab: { ...get().lab, ...patch } });
  },
  setSweeps(sweeps) {
    set({ sweeps });
  },
  reset() {
    set({ ...initial, form: initialForm(), probeForm: initialProbeForm(), lab: initialLab() });
  },
}));

if (typeof window !== 'undefined') window.addEventListener('hashchange', () => useStore.setState({ view: viewFromHash() }));
