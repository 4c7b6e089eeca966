// The page's sweep driver: the real host for SweepRunner (runs and probes started as the user would
// start them, the sweep saved in IndexedDB after every change), fed by the worker's messages. One
// sweep runs at a time; after a reload the unfinished one continues once the worker is ready.
import { isActive, type FromWorker } from '../../protocol/messages';
import { useStore } from '../store';
import { refreshRuns } from '../persistence';
import { continueRun, launchProbe, launchRun, loadKeptEncoder, newRunId, onWorkerMessage, send } from '../workerClient';
import { type Knob, newSweep, sweepFinished, type SweepSpec, type SweepState } from './sweep';
import { buildSweepSpec } from './sweepForm';
import { loadKeptTokenizer } from '../tokenizerClient';
import { tokenizerChoices } from '../tokenizers';
import { deleteSweep, listSweeps, putSweep } from './sweepDb';
import { type SweepHost, SweepRunner } from './sweepRunner';

let runner: SweepRunner | null = null;
/** When the sweep's run or probe in flight started, for the grid's time column. */
let stageStart = 0;

const setSweep = (s: SweepState) => useStore.getState().setSweeps([s, ...useStore.getState().sweeps.filter((x) => x.spec.id !== s.spec.id)]);

const host: SweepHost = {
  startRun(run) {
    stageStart = Date.now();
    // A token-target point's tokenizer goes to the worker first (it refuses the run, in words, otherwise).
    void (run.tokenizer ? loadKeptTokenizer(run.tokenizer.id) : Promise.resolve(null)).then((why) => {
      if (why) useStore.getState().notify(`The sweep's token-target run needs its tokenizer: ${why}.`);
      launchRun(run);
    });
  },
  async continueRun(runId) {
    stageStart = Date.now();
    return continueRun(runId);
  },
  startProbe(spec) {
    stageStart = Date.now();
    const enc = spec.encoder;
    void (enc.kind === 'run' ? loadKeptEncoder(enc.runId) : Promise.resolve()).then(() => launchProbe(spec));
  },
  stop(kind) {
    send({ type: kind === 'run' ? 'pretrain/stop' : 'probe/stop' });
  },
  save: (s) => putSweep(s).catch((e: Error) => useStore.getState().notify(`The sweep could not be saved in this browser's storage: ${e.message}`)),
  changed: setSweep,
  newId: (prefix) => (prefix === 'run' ? newRunId() : `probe-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`),
  now: () => Date.now(),
};

/** Whether a sweep is running in this tab (the pretraining and probe buttons defer to it). */
export const sweepActive = (): boolean => runner !== null && !sweepFinished(runner.state);

export async function startSweep(spec: SweepSpec): Promise<void> {
  if (sweepActive()) return useStore.getState().notify('A sweep is already running; cancel it or wait for it to finish.');
  const s = newSweep(spec);
  runner = new SweepRunner(s, host);
  setSweep(s);
  await runner.advance();
}

/** Starts a sweep of `knobs` over the pretraining form's recipe with the probe form's settings; the problem, if any. */
export function startSweepFromForms(knobs: readonly Knob[], name: string): string | null {
  const st = useStore.getState();
  const now = Date.now();
  const tokenizers = tokenizerChoices(st.tokenizers, st.heldTokenizers);
  const spec = buildSweepSpec({ name, knobs, form: st.form, probeForm: st.probeForm, datasets: st.datasets, now, id: `sweep-${now.toString(36)}`, tokenizers });
  if (typeof spec === 'string') return spec;
  void startSweep(spec);
  return null;
}

export async function cancelSweep(): Promise<void> {
  await runner?.cancel();
}

export async function removeSweep(id: string): Promise<void> {
  if (runner?.state.spec.id === id && sweepActive()) return useStore.getState().notify('Cancel the sweep before deleting it.');
  await deleteSweep(id);
  useStore.getState().setSweeps(useStore.getState().sweeps.filter((s) => s.spec.id !== id));
}

/** Reads the kept sweeps; an unfinished one continues where it stopped (called when the worker is ready). */
export async function restoreSweeps(): Promise<void> {
  const kept = await listSweeps();
  useStore.getState().setSweeps(kept);
  const open = kept.find((s) => !sweepFinished(s));
  if (!open || runner) return;
  runner = new SweepRunner(open, host);
  await runner.advance();
}

let restored = false;

/** The worker's messages that end a sweep's stage; its first backend message restores the kept sweeps. */
export function sweepOnMessage(msg: FromWorker): void {
  if (msg.type === 'backend' && !restored) {
    restored = true;
    void refreshRuns()
      .then(restoreSweeps)
      .catch((e: Error) => useStore.getState().notify(`The kept sweeps could not be read from this browser's storage: ${e.message}`));
  }
  const r = runner;
  const wait = r?.waitingFor;
  if (!r || !wait) return;
  const seconds = (Date.now() - stageStart) / 1000;
  // A run refused at its start ended too (as failed, having trained nothing here).
  const ended =
    msg.type === 'pretrain/status' && !isActive(msg.status)
      ? { runId: msg.runId, status: msg.status, message: msg.message, step: msg.step }
      : msg.type === 'pretrain/refused'
        ? { runId: msg.runId, status: 'failed' as const, message: msg.message, step: 0 }
        : null;
  if (wait.kind === 'run' && ended?.runId === wait.id) {
    const run = useStore.getState().run;
    const last = run?.spec.id === wait.id ? run.history.at(-1) : undefined;
    const batch = run?.spec.train.batchSize ?? 0;
    void r.runEnded(wait.id, {
      status: ended.status,
      message: ended.message,
      losses: last ? { total: last.total, reconstruction: last.reconstruction, alignment: last.alignment } : null,
      imagesSeen: ended.step * batch,
      seconds,
    });
  }
  if (wait.kind === 'probe' && msg.type === 'probe/status' && msg.id === wait.id && !isActive(msg.status)) {
    const p = useStore.getState().probe;
    const row = p?.spec.id === wait.id ? p.result?.rows.find((x) => x.role === 'probed') : undefined;
    if (msg.status === 'done' && row) void r.probeEnded(wait.id, { ok: true, lin: row.results.lin ?? null, att: row.results.att ?? null, seconds });
    else void r.probeEnded(wait.id, { ok: false, message: msg.message ?? `the probes ended ${msg.status}`, seconds });
  }
}

onWorkerMessage(sweepOnMessage);
