// The store's tokenizer slice (issue 24): the tokenizer form, the tokenizer run this page trains (fed
// by the worker's tokenizer/* messages), the tokenizers kept in this browser and those the worker holds.
import type { PresetId } from '../../model/presets';
import {
  unreachable,
  type EngineName,
  type RunStatus,
  type TokenizerEntry,
  type TokenizerPoint,
  type TokenizerSpec,
  type TokenizerView,
} from '../../protocol/messages';
import type { TokenizerRecord } from '../tokenizerDb';
import { initialTokenizerForm, suggestedTokenizer, type TokenizerForm } from '../tokenizers';
import type { GetState, MessagesOf, SetState } from './types';

export interface CurrentTokenizer {
  readonly spec: TokenizerSpec;
  readonly status: RunStatus;
  readonly step: number;
  readonly imgPerSec: number;
  readonly history: readonly TokenizerPoint[];
  readonly view: TokenizerView | null;
  readonly message: string | null;
  /** Step of the newest checkpoint the worker sent; null before the first. */
  readonly checkpointStep: number | null;
  /** The worker refused to start it: it did nothing, its kept record stays as it was. */
  readonly refused: boolean;
  /** The engine running its steps, and why TF.js runs where it does; null until the worker says. */
  readonly engine: { readonly name: EngineName; readonly reason: string | null } | null;
}

export interface TokenizerSlice {
  tokenizerForm: TokenizerForm;
  tokenizerRun: CurrentTokenizer | null;
  /** Kept in IndexedDB, newest first. */
  tokenizers: readonly TokenizerRecord[];
  /** What the worker holds (only its `tokenizer/list` sets it). */
  heldTokenizers: readonly TokenizerEntry[];
  editTokenizerForm(patch: Partial<TokenizerForm>): void;
  chooseTokenizerPreset(id: PresetId): void;
  tokenizerStarted(spec: TokenizerSpec, from?: { step: number; history: readonly TokenizerPoint[] }): void;
  setTokenizers(list: readonly TokenizerRecord[]): void;
}

export const initialTokenizer = () =>
  ({ tokenizerForm: initialTokenizerForm(), tokenizerRun: null, tokenizers: [], heldTokenizers: [] }) satisfies Partial<TokenizerSlice>;

export const tokenizerSlice = (set: SetState, get: GetState): TokenizerSlice => ({
  ...initialTokenizer(),
  editTokenizerForm(patch) {
    set({ tokenizerForm: { ...get().tokenizerForm, ...patch } });
  },
  chooseTokenizerPreset(presetId) {
    set({ tokenizerForm: { ...get().tokenizerForm, presetId, ...suggestedTokenizer(presetId) } });
  },
  tokenizerStarted(spec, from) {
    set({
      tokenizerRun: {
        spec,
        status: 'starting',
        step: from?.step ?? 0,
        imgPerSec: 0,
        history: from?.history ?? [],
        view: null,
        message: null,
        checkpointStep: from ? from.step : null,
        refused: false,
        engine: null,
      },
    });
  },
  setTokenizers(tokenizers) {
    set({ tokenizers });
  },
});

/** The worker's tokenizer messages: the run's apply to the run this page trains. */
export function receiveTokenizer(msg: MessagesOf<'tokenizer/'>, set: SetState, get: GetState): void {
  if (msg.type === 'tokenizer/list') return set({ heldTokenizers: msg.list });
  const run = get().tokenizerRun;
  if (run?.spec.id !== msg.id) {
    // A refused file (not this page's run) is told as a notice.
    if (msg.type === 'tokenizer/refused') get().notify(`The tokenizer ${msg.id} was not taken: ${msg.message}`);
    return;
  }
  switch (msg.type) {
    case 'tokenizer/status':
      // A step below the last one means the run went back to a saved state: drop what came after.
      set({ tokenizerRun: { ...run, status: msg.status, step: msg.step, message: msg.message, history: run.history.filter((p) => p.step <= msg.step) } });
      return;
    case 'tokenizer/refused':
      set({ tokenizerRun: { ...run, status: 'failed', message: msg.message, refused: true } });
      return;
    case 'tokenizer/metrics': {
      const last = msg.points.at(-1);
      set({ tokenizerRun: { ...run, step: last?.step ?? run.step, imgPerSec: msg.imgPerSec, history: [...run.history, ...msg.points] } });
      return;
    }
    case 'tokenizer/view':
      set({ tokenizerRun: { ...run, view: msg.view } });
      return;
    case 'tokenizer/checkpoint':
      set({ tokenizerRun: { ...run, checkpointStep: msg.step } });
      return;
    case 'tokenizer/engine':
      set({ tokenizerRun: { ...run, engine: { name: msg.engine, reason: msg.reason } } });
      return;
    default:
      return unreachable(msg);
  }
}
