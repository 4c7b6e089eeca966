// The one store of the page: plain serializable data fed by the worker client, never tensors. It is
// composed of slices (zustand's slices pattern), each with its state, its actions and the worker
// messages of its prefix: run (pretrain/*), probe (probe/*), lab (lab/*), data (data/*, dataset/*),
// tokenizer (tokenizer/*), sweep and ui (the page's chrome). What the page shares (the backend, notices, the worker's
// encoders) and the dispatch of the worker's messages stay here; `receive` is exhaustive at compile
// time, here and in each slice.
import { create } from 'zustand';
import { isActive, unreachable, type BackendInfo, type EncoderEntry, type FromWorker } from '../protocol/messages';
import { followDefaults } from './followDefaults';
import { initialLab } from './labState';
import { chartSlice, type ChartSlice } from './slices/chart';
import { dataSlice, initialData, receiveData, type DataSlice } from './slices/data';
import { labSlice, receiveLab, type LabSlice } from './slices/lab';
import { initialProbe, probeSlice, receiveProbe, type ProbeSlice } from './slices/probe';
import { initialForm, initialRun, receiveRun, runSlice, type RunSlice } from './slices/run';
import { sweepSlice, type SweepSlice } from './slices/sweep';
import { initialTokenizer, receiveTokenizer, tokenizerSlice, type TokenizerSlice } from './slices/tokenizer';
import { hasPrefix } from './slices/types';
import { uiSlice, type UiState, viewFromHash } from './ui';
export type { ProbeForm } from './probeForm';
export type { CurrentRun, Form } from './slices/run';
export type { CurrentProbe } from './slices/probe';
export type { DataImport, Preview } from './slices/data';

export interface Notice {
  readonly id: number;
  readonly text: string;
  /** How many times this text was told: a repeated notice (storage full at every checkpoint) shows once, counted. */
  readonly count: number;
  /**
   * What it is about ('pretrain.start', 'probe.start'): a newer notice on the same topic replaces it,
   * and the topic's notice goes once what it refused changes (./formNotices.ts).
   */
  readonly topic?: string;
}

/** What the whole page shares: the worker's backend and encoders, its crash, the notices. */
interface PageState {
  backend: BackendInfo | null;
  /** Set when the worker could not be replaced after it died: nothing runs until the page reloads. */
  workerCrash: string | null;
  notices: readonly Notice[];
  /** The encoders the worker holds: only its `encoders` reply sets them. */
  encoders: readonly EncoderEntry[];

  receive(msg: FromWorker): void;
  /** The worker died and a new one is starting: the backend and the encoders it held are gone. */
  workerLost(message: string): void;
  crashed(message: string): void;
  notify(text: string, topic?: string): void;
  dismiss(id: number): void;
  /** Drops the notice on `topic`, if any: what it was about has changed. */
  clearTopic(topic: string): void;
  reset(): void;
}

export interface AppState extends PageState, UiState, RunSlice, ProbeSlice, LabSlice, DataSlice, SweepSlice, ChartSlice, TokenizerSlice {}

const initialPage = () => ({ backend: null, workerCrash: null, notices: [], encoders: [] }) satisfies Partial<PageState>;

let noticeId = 0;

export const useStore = create<AppState>()((set, get) => ({
  ...initialPage(),
  ...uiSlice(set, get),
  ...runSlice(set, get),
  ...probeSlice(set, get),
  ...labSlice(set, get),
  ...dataSlice(set, get),
  ...sweepSlice(set),
  ...chartSlice(set, get),
  ...tokenizerSlice(set, get),

  receive(msg) {
    // Each slice handles the messages of its prefix; the few the whole page shares are handled here.
    if (hasPrefix(msg, 'pretrain/')) return receiveRun(msg, set, get);
    if (hasPrefix(msg, 'probe/')) return receiveProbe(msg, set, get);
    if (hasPrefix(msg, 'lab/')) return receiveLab(msg, set, get);
    if (hasPrefix(msg, 'data/') || hasPrefix(msg, 'dataset/')) return receiveData(msg, set, get);
    if (hasPrefix(msg, 'tokenizer/')) return receiveTokenizer(msg, set, get);
    switch (msg.type) {
      case 'encoders':
        set({ encoders: msg.list, ...followDefaults(get(), { encoders: msg.list }) });
        return;
      case 'checkpoint/refused':
        // A kept run's checkpoint was asked for by an evaluation or the lab, which report it (workerClient.loadKeptEncoder).
        if (!msg.runId) get().notify(`Could not import ${msg.name}: ${msg.message}. Nothing was changed.`);
        return;
      case 'backend':
        set({ backend: msg.info });
        return;
      case 'error':
        get().notify(msg.message);
        return;
      default:
        // A message type added to FromWorker without a slice or a case here fails the typecheck.
        return unreachable(msg);
    }
  },
  workerLost(message) {
    // The run's and the evaluation's ends come as the statuses the dead worker could not send (workerClient).
    set({ backend: null, encoders: [], heldTokenizers: [] });
    get().notify(message);
  },
  crashed(message) {
    const run = get().run;
    set({ workerCrash: message, run: run && isActive(run.status) ? { ...run, status: 'failed', message } : run });
  },
  notify(text, topic) {
    const notices = topic ? get().notices.filter((n) => n.topic !== topic || n.text === text) : get().notices;
    const same = notices.find((n) => n.text === text);
    // A repeated notice moves to the end with its count: one line, not one per checkpoint.
    const next = same
      ? [...notices.filter((n) => n !== same), { ...same, count: same.count + 1 }]
      : [...notices, { id: ++noticeId, text, count: 1, ...(topic ? { topic } : {}) }];
    set({ notices: next.slice(-5) });
  },
  dismiss(id) {
    set({ notices: get().notices.filter((n) => n.id !== id) });
  },
  clearTopic(topic) {
    const notices = get().notices;
    if (notices.some((n) => n.topic === topic)) set({ notices: notices.filter((n) => n.topic !== topic) });
  },
  reset() {
    set({ ...initialPage(), ...initialRun(), ...initialProbe(), ...initialData(), ...initialTokenizer(), sweeps: [], form: initialForm(), lab: initialLab() });
  },
}));

if (typeof window !== 'undefined') window.addEventListener('hashchange', () => useStore.setState({ view: viewFromHash() }));
