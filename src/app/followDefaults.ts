// Defaults that follow the user: the probe's encoder and the lab's model go to the newest model this
// browser has (the run training here, the run whose checkpoint changed last, a checkpoint just
// imported) until the user picks one. Pure: state in, state out.
import type { EncoderEntry } from '../protocol/messages';
import type { LabState } from './labState';
import type { ProbeForm } from './probeForm';
import type { RunRecord } from './runsDb';

/** What the defaults can follow: the worker's encoders, the kept runs, and the run this page trains. */
export interface Available {
  readonly encoders: readonly EncoderEntry[];
  readonly runs: readonly RunRecord[];
  /** Id of the run this page started or resumed last (it stays the lab's live model after it ends). */
  readonly current: string | null;
}

/** The run kept in this browser with a checkpoint that changed last (a training run saves every 15 s), or null. */
export function newestKeptRun(runs: readonly RunRecord[]): string | null {
  const kept = runs.filter((r) => r.checkpointStep != null).sort((a, b) => b.updatedAt - a.updatedAt)[0];
  return kept ? kept.spec.id : null;
}

/**
 * The model that became the newest between `was` and `now`, or null when nothing new appeared:
 * a run started or resumed here; else a checkpoint imported from a file (a kept run the page hands
 * to the worker is no news: it is already in the runs list); else the kept run that is newest now.
 */
export function newlyNewest(was: Available, now: Available): string | null {
  if (now.current && now.current !== was.current) return now.current;
  const isKept = (id: string) => now.runs.some((r) => r.spec.id === id);
  const imported = now.encoders.filter((e) => !isKept(e.runId) && !was.encoders.some((o) => o.runId === e.runId)).at(-1);
  if (imported) return imported.runId;
  const newest = newestKeptRun(now.runs);
  return newest && newest !== newestKeptRun(was.runs) ? newest : null;
}

/** Whether the probe can read `id` now: the worker holds it, or a checkpoint of it is kept. */
const probeable = (id: string, a: Available) => a.encoders.some((e) => e.runId === id) || a.runs.some((r) => r.spec.id === id && r.checkpointStep != null);

/** The probe form's encoder follows the newest model it can read, unless the user picked one. */
export function followProbe(f: ProbeForm, was: Available, now: Available): ProbeForm {
  if (f.encoderPicked) return f;
  const id = newlyNewest(was, now);
  return id && id !== f.encoder && probeable(id, now) ? { ...f, encoder: id } : f;
}

/** The lab's model follows the newest model, the training run as its live model, unless the user picked one. */
export function followLab(l: LabState, was: Available, now: Available): LabState {
  if (l.modelPicked) return l;
  const id = newlyNewest(was, now);
  const model = id && id === now.current ? 'current' : id;
  return model && model !== l.model ? { ...l, model } : l;
}

/** The store's view of what the defaults follow. */
export interface FollowState {
  readonly encoders: readonly EncoderEntry[];
  readonly runs: readonly RunRecord[];
  readonly run: { readonly spec: { readonly id: string } } | null;
  readonly probeForm: ProbeForm;
  readonly lab: LabState;
}

/** The probe form and the lab after `change` to the store's encoders, runs or current run. */
export function followDefaults(s: FollowState, change: Partial<Available>): { probeForm: ProbeForm; lab: LabState } {
  const was: Available = { encoders: s.encoders, runs: s.runs, current: s.run?.spec.id ?? null };
  const now: Available = { ...was, ...change };
  return { probeForm: followProbe(s.probeForm, was, now), lab: followLab(s.lab, was, now) };
}
