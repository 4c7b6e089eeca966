// The store's run slice: the pretraining form, the run this page trains (fed by the worker's
// pretrain/* messages), and the runs kept in this browser.
import type { CaeConfig } from '../../model/config';
import { PRESETS, type PresetId } from '../../model/presets';
import {
  unreachable,
  type EngineName,
  type ReconView,
  type RunPhase,
  type RunSpec,
  type RunStatus,
  type StepPoint,
  type StepProfile,
} from '../../protocol/messages';
import type { TrainConfig } from '../../train/config';
import { defaultTrainConfig } from '../../train/defaults';
import { DEFAULT_EXPERIMENT } from '../../train/evalDefaults';
import { followDefaults } from '../followDefaults';
import { editTrainFollowing } from '../warmup';
import type { RunRecord } from '../runsDb';
import type { GetState, MessagesOf, SetState } from './types';

export interface CurrentRun {
  readonly spec: RunSpec;
  readonly status: RunStatus;
  /** What the running run is doing (building, compiling shaders and tracing, training): the worker says. */
  readonly phase: RunPhase;
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
  /** Warmup as a share of the steps, held when the steps change (./warmup.ts); set when the user edits warmup. */
  readonly warmupShare?: number;
  /** Token targets: the id of the tokenizer whose codes are predicted (a kept one, or one the worker holds). */
  readonly tokenizer?: string;
}

export interface RunSlice {
  form: Form;
  run: CurrentRun | null;
  runs: readonly RunRecord[];
  /** Ids of kept runs another tab is training now (it holds their Web Lock): no Resume here. */
  runsElsewhere: readonly string[];
  choosePreset(id: PresetId): void;
  editModel(patch: Partial<CaeConfig>): void;
  editTrain(patch: Partial<TrainConfig>): void;
  setCheckpointEvery(steps: number): void;
  chooseDataset(id: string): void;
  chooseTokenizer(id: string | undefined): void;
  started(spec: RunSpec, from?: { step: number; history: readonly StepPoint[] }): void;
  /** The worker client wrote the run's checkpoint at `step` to IndexedDB. */
  checkpointKept(runId: string, step: number): void;
  setRuns(runs: readonly RunRecord[]): void;
  setRunsElsewhere(ids: readonly string[]): void;
}

export const initialForm = (id: PresetId = DEFAULT_EXPERIMENT.presetId, dataset: string = DEFAULT_EXPERIMENT.dataset): Form => ({
  presetId: id,
  model: PRESETS[id],
  train: defaultTrainConfig(id),
  checkpointEvery: 50,
  dataset,
});

export const initialRun = () => ({ form: initialForm(), run: null, runs: [], runsElsewhere: [] }) satisfies Partial<RunSlice>;

export const runSlice = (set: SetState, get: GetState): RunSlice => ({
  ...initialRun(),
  choosePreset(id) {
    set({ form: initialForm(id, get().form.dataset) });
  },
  editModel(patch) {
    const form = get().form;
    set({ form: { ...form, model: { ...form.model, ...patch } } });
  },
  editTrain(patch) {
    set({ form: editTrainFollowing(get().form, patch) });
  },
  setCheckpointEvery(steps) {
    set({ form: { ...get().form, checkpointEvery: steps } });
  },
  chooseDataset(id) {
    set({ form: { ...get().form, dataset: id } });
  },
  chooseTokenizer(tokenizer) {
    set({ form: { ...get().form, tokenizer } });
  },
  started(spec, from) {
    const step = from?.step ?? 0;
    // A resumed run starts from its kept checkpoint; a new one has none yet. The lab's model follows
    // the run from its start (live), the probe once it has a checkpoint.
    const checkpoint = from ? from.step : null;
    set({
      ...followDefaults(get(), { current: spec.id }),
      // Pretrain shows the run that starts, not the kept run selected before it.
      selectedRun: null,
      run: {
        spec,
        status: 'starting',
        phase: 'preparing',
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
    // A run deleted (here or in another tab) is no longer compared; the ticks kept over a reload stay.
    const compared = get().compared.filter((id) => runs.some((r) => r.spec.id === id));
    set({ runs, ...followDefaults(get(), { runs }), ...(compared.length !== get().compared.length ? { compared } : {}) });
  },
  setRunsElsewhere(ids) {
    set({ runsElsewhere: ids });
  },
});

/** The run's messages: each applies to the run this page trains (another run's are old news). */
export function receiveRun(msg: MessagesOf<'pretrain/'>, set: SetState, get: GetState): void {
  const run = get().run;
  if (run?.spec.id !== msg.runId) return;
  switch (msg.type) {
    case 'pretrain/status':
      // A step below the last one means the run went back to a saved state: drop what came after.
      set({ run: { ...run, status: msg.status, step: msg.step, message: msg.message, history: run.history.filter((p) => p.step < msg.step) } });
      return;
    case 'pretrain/refused':
      // The step and the curve stay: the run never began.
      set({ run: { ...run, status: 'failed', message: msg.message, refused: true } });
      return;
    case 'pretrain/metrics':
      set({ run: { ...run, step: msg.step, totalSteps: msg.totalSteps, imgPerSec: msg.imgPerSec, history: [...run.history, ...msg.points] } });
      return;
    case 'pretrain/profile':
      set({ run: { ...run, profile: msg.profile } });
      return;
    case 'pretrain/engine':
      set({ run: { ...run, engine: { name: msg.engine, reason: msg.reason } } });
      return;
    case 'pretrain/phase':
      set({ run: { ...run, phase: msg.phase } });
      return;
    case 'pretrain/recon':
      set({ run: { ...run, recon: msg.view } });
      return;
    case 'pretrain/checkpoint':
      // The store keeps no bytes: the worker client writes them to IndexedDB and then calls
      // checkpointKept. Here the page only learns that a newer checkpoint exists.
      set({ run: { ...run, checkpointTaken: msg.step } });
      return;
    default:
      return unreachable(msg);
  }
}
