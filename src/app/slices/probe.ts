// The store's probe slice: the evaluation form, the evaluation this page runs (fed by the worker's
// probe/* messages), and the results table kept in this browser.
import {
  unreachable,
  type AttentionView,
  type EvalRow,
  type EvalSettings,
  type FineTuneEpoch,
  type ProbeEpoch,
  type ProbeSpec,
  type RunStatus,
} from '../../protocol/messages';
import type { ProbeTrainConfig } from '../../train/probeTrainer';
import { initialProbeForm, type ProbeForm } from '../probeForm';
import type { ResultRow } from '../runsDb';
import { evalShare } from '../progress';
import type { GetState, MessagesOf, SetState } from './types';

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
  /** The share of the evaluation done, 0 to 1 (never going back; see evalShare), and when it started (ms). */
  readonly share: number;
  readonly startedAt: number;
  /** Every encoder's results when the run ends: mean ± sd over seeds, standard errors, chance. */
  readonly result: { readonly rows: readonly EvalRow[]; readonly chance: number } | null;
  readonly attention: AttentionView | null;
}

export interface ProbeSlice {
  probeForm: ProbeForm;
  probe: CurrentProbe | null;
  results: readonly ResultRow[];
  editProbe(patch: Partial<ProbeForm>, probe?: Partial<ProbeTrainConfig>): void;
  editEvaluation(patch: Partial<EvalSettings>): void;
  probeStarted(spec: ProbeSpec): void;
  setResults(rows: readonly ResultRow[]): void;
}

export const initialProbe = () => ({ probeForm: initialProbeForm(), probe: null, results: [] }) satisfies Partial<ProbeSlice>;

export const probeSlice = (set: SetState, get: GetState): ProbeSlice => ({
  ...initialProbe(),
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
        share: 0,
        startedAt: Date.now(),
        result: null,
        attention: null,
      },
    });
  },
  setResults(rows) {
    set({ results: rows });
  },
});

/** The evaluation's messages: each applies to the evaluation this page runs. */
export function receiveProbe(msg: MessagesOf<'probe/'>, set: SetState, get: GetState): void {
  const probe = get().probe;
  if (probe?.spec.id !== msg.id) return;
  switch (msg.type) {
    case 'probe/status':
      // 'starting' again: it runs again from the start (a new GPU device), so its curves start over.
      if (msg.status === 'starting')
        set({
          probe: { ...probe, status: msg.status, message: msg.message, history: [], ftHistory: [], progress: null, share: 0, result: null, attention: null },
        });
      // Done: all of it (the last readout reports its last epoch as it starts it).
      else set({ probe: { ...probe, status: msg.status, message: msg.message, features: msg.features, share: msg.status === 'done' ? 1 : probe.share } });
      return;
    case 'probe/epoch':
      set({ probe: { ...probe, history: [...probe.history, msg.point] } });
      return;
    case 'probe/ft-epoch':
      set({ probe: { ...probe, ftHistory: [...probe.ftHistory, msg.point] } });
      return;
    case 'probe/progress':
      set({ probe: { ...probe, progress: msg.text, share: Math.max(probe.share, evalShare(msg.part, msg.stage)) } });
      return;
    case 'probe/result':
      set({ probe: { ...probe, result: { rows: msg.rows, chance: msg.chance } } });
      return;
    case 'probe/attention':
      set({ probe: { ...probe, attention: msg.view } });
      return;
    default:
      return unreachable(msg);
  }
}
