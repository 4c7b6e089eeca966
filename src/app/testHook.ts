// A small typed hook on window so end-to-end tests wait on state instead of sleeping. Its readers
// (state, probe, lab) are in every build; the fault hooks only in a build made with CAE_TEST_HOOKS=1.
import { removeRun } from './persistence';
import { useStore } from './store';
import { crashWorker, killWorker, loseDevice, onWorkerMessage, setChunkCacheForTest, slowWritesForTest } from './workerClient';

export interface CaeTestHook {
  /**
   * `engines`: the engines the current run has reported, in order ('tfjs' while tracing, then 'replay').
   * `checkpoint`: the step of the current run's latest checkpoint the page has heard of (null: none yet).
   * `importsChecked`: how many times a worker of this page finished its start-up check of imports cut short.
   */
  state(): {
    status: string;
    step: number;
    backend: string | null;
    losses: number[];
    runId: string | null;
    engines: string[];
    checkpoint: number | null;
    importsChecked: number;
  };
  /** Fault hook: destroys the worker's GPU device, as a driver reset would. */
  loseDevice?(): void;
  /** Fault hook: an uncaught exception in the worker, as a bug would cause. */
  crashWorker?(): void;
  /** Fault hook: the worker ends for real (it closes itself: no exception, no message), as a killed one does. */
  killWorker?(): void;
  /** Fault hook: the Delete a stale tab's sidebar would send for run `id`, whatever this tab shows. */
  deleteRun?(id: string): Promise<void>;
  /** Fault hook: sets the worker's chunk cache size (bytes) for datasets it opens from now on. */
  chunkCache?(bytes: number): void;
  /** Fault hook: each imported chunk's write waits `ms` first, as on a slow disk. */
  slowWrites?(ms: number): void;
  probe(): { status: string; epochs: number; linear: number[]; attentive: number[] };
  /** The tokenizer run this page trains, the tokenizers kept in this browser, and those the worker holds (issue 24). */
  tokenizer(): { status: string; step: number; id: string | null; checkpoint: number | null; kept: string[]; held: string[] };
  /** The image lab: the latest request, whether its answer is in, and what is shown. */
  lab(): {
    requestId: number;
    busy: boolean;
    opening: boolean;
    image: string | null;
    refusal: string | null;
    label: string | null;
    masked: number;
    compareLabel: string | null;
    maps: { busy: boolean; points: number; failure: string | null }[];
  };
}

declare global {
  interface Window {
    __cae: CaeTestHook;
  }
}

export function installTestHook(): void {
  // The store keeps only the engine running now; a device-loss test needs to see it start anew.
  let engines: { runId: string | null; names: string[] } = { runId: null, names: [] };
  useStore.subscribe((s) => {
    const runId = s.run?.spec.id ?? null;
    if (runId !== engines.runId) engines = { runId, names: [] };
    const name = s.run?.engine?.name;
    if (name && engines.names.at(-1) !== name) engines.names.push(name);
  });
  let importsChecked = 0;
  onWorkerMessage((m) => void (m.type === 'data/imports-checked' && importsChecked++));
  window.__cae = {
    tokenizer() {
      const s = useStore.getState();
      const t = s.tokenizerRun;
      return {
        status: t?.status ?? 'idle',
        step: t?.step ?? 0,
        id: t?.spec.id ?? null,
        checkpoint: t?.checkpointStep ?? null,
        kept: s.tokenizers.map((r) => r.spec.id),
        held: s.heldTokenizers.map((h) => h.id),
      };
    },
    state() {
      const s = useStore.getState();
      return {
        status: s.run?.status ?? 'idle',
        step: s.run?.step ?? 0,
        backend: s.backend?.kind ?? null,
        losses: s.run?.history.map((p) => p.total) ?? [],
        runId: s.run?.spec.id ?? null,
        engines: engines.runId === (s.run?.spec.id ?? null) ? [...engines.names] : [],
        checkpoint: s.run?.checkpointTaken ?? null,
        importsChecked,
      };
    },
    // Left out of the production build: nothing there can crash the worker or lose the device on purpose.
    ...(__CAE_TEST_HOOKS__
      ? { loseDevice, crashWorker, killWorker, deleteRun: removeRun, chunkCache: setChunkCacheForTest, slowWrites: slowWritesForTest }
      : {}),
    probe() {
      const p = useStore.getState().probe;
      return {
        status: p?.status ?? 'idle',
        epochs: p?.history.length ?? 0,
        linear: p?.history.flatMap((h) => (h.linearAcc === null ? [] : [h.linearAcc])) ?? [],
        attentive: p?.history.flatMap((h) => (h.attentiveAcc === null ? [] : [h.attentiveAcc])) ?? [],
      };
    },
    lab() {
      const l = useStore.getState().lab;
      return {
        requestId: l.requestId,
        busy: l.busy,
        opening: l.opening !== null,
        image: l.image?.name ?? null,
        refusal: l.refusal,
        label: l.view?.label ?? null,
        masked: l.view?.maskedCount ?? -1,
        compareLabel: l.compareView?.label ?? null,
        maps: l.maps.map((m) => ({ busy: m.busy, points: m.view?.labels.length ?? 0, failure: m.failure })),
      };
    },
  };
}
