// The one store of the page: plain serializable data fed by the worker client, never tensors.
import { create } from 'zustand';
import type { CaeConfig } from '../model/config';
import { PRESETS, type PresetId } from '../model/presets';
import type { BackendInfo, FromWorker, ReconView, RunSpec, RunStatus, StepPoint } from '../protocol/messages';
import type { TrainConfig } from '../train/config';
import { defaultTrainConfig } from '../train/defaults';
import type { RunRecord } from './runsDb';

export interface Notice {
  readonly id: number;
  readonly text: string;
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
}

export interface Form {
  readonly presetId: PresetId;
  readonly model: CaeConfig;
  readonly train: TrainConfig;
}

export interface AppState {
  backend: BackendInfo | null;
  /** Set when the worker itself crashed: nothing runs until the page reloads. */
  workerCrash: string | null;
  notices: readonly Notice[];
  form: Form;
  run: CurrentRun | null;
  preview: Preview | null;
  runs: readonly RunRecord[];

  receive(msg: FromWorker): void;
  crashed(message: string): void;
  notify(text: string): void;
  dismiss(id: number): void;
  choosePreset(id: PresetId): void;
  editModel(patch: Partial<CaeConfig>): void;
  editTrain(patch: Partial<TrainConfig>): void;
  started(spec: RunSpec): void;
  setRuns(runs: readonly RunRecord[]): void;
  reset(): void;
}

const initialForm = (id: PresetId = 'micro'): Form => ({ presetId: id, model: PRESETS[id], train: defaultTrainConfig(id) });

const initial = {
  backend: null,
  workerCrash: null,
  notices: [],
  form: initialForm(),
  run: null,
  preview: null,
  runs: [],
} satisfies Partial<AppState>;

let noticeId = 0;

export const useStore = create<AppState>()((set, get) => ({
  ...initial,

  receive(msg) {
    const run = get().run;
    switch (msg.type) {
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
      case 'pretrain/metrics':
        if (run?.spec.id === msg.runId)
          set({ run: { ...run, step: msg.step, totalSteps: msg.totalSteps, imgPerSec: msg.imgPerSec, history: [...run.history, ...msg.points] } });
        return;
      case 'pretrain/recon':
        if (run?.spec.id === msg.runId) set({ run: { ...run, recon: msg.view } });
        return;
    }
  },
  crashed(message) {
    const run = get().run;
    set({ workerCrash: message, run: run && { ...run, status: 'failed', message } });
  },
  notify(text) {
    set({ notices: [...get().notices, { id: ++noticeId, text }].slice(-5) });
  },
  dismiss(id) {
    set({ notices: get().notices.filter((n) => n.id !== id) });
  },
  choosePreset(id) {
    set({ form: initialForm(id) });
  },
  editModel(patch) {
    const form = get().form;
    set({ form: { ...form, model: { ...form.model, ...patch } } });
  },
  editTrain(patch) {
    const form = get().form;
    set({ form: { ...form, train: { ...form.train, ...patch } } });
  },
  started(spec) {
    set({ run: { spec, status: 'starting', step: 0, totalSteps: spec.train.totalSteps, imgPerSec: 0, history: [], recon: null, message: null, startedAt: Date.now() } });
  },
  setRuns(runs) {
    set({ runs });
  },
  reset() {
    set({ ...initial, form: initialForm() });
  },
}));
