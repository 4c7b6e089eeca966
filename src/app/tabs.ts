// Several tabs of the notebook share one IndexedDB: this module tells the other tabs when this one
// changed a list (BroadcastChannel), says how a run owned by another tab reads in the runs list, and
// asks the browser to keep the notebook's storage (which holds checkpoints and datasets) from eviction.
// Run and import ownership itself is in ../data/locks.ts (Web Locks, shared with the worker).
import { isActive } from '../protocol/messages';
import type { RunRecord } from './runsDb';

/** What changed in the shared database; a tab hearing it reads that list again. */
export type TabMessage = { type: 'runs-changed' } | { type: 'results-changed' } | { type: 'datasets-changed' };

const CHANNEL = 'cae-notebook';
let channel: BroadcastChannel | null = null;

function open(): BroadcastChannel | null {
  if (!channel && typeof BroadcastChannel !== 'undefined') channel = new BroadcastChannel(CHANNEL);
  return channel;
}

/** Tells the other tabs (never this one: a channel does not hear itself) that a list changed. */
export function announce(msg: TabMessage): void {
  open()?.postMessage(msg);
}

/** Calls `f` for each message from another tab. */
export function listenToTabs(f: (msg: TabMessage) => void): void {
  const c = open();
  if (c) c.onmessage = (e: MessageEvent<TabMessage>) => f(e.data);
}

/**
 * The status the runs list shows. A run that another tab owns (holds its lock) is training there,
 * whatever its record says; a run left active by a page that is gone was interrupted.
 */
export function shownStatus(r: RunRecord, current: string | undefined, elsewhere: readonly string[]): string {
  if (r.spec.id === current) return r.status;
  if (elsewhere.includes(r.spec.id)) return 'training in another tab';
  return isActive(r.status) ? 'interrupted' : r.status;
}

/** Whether the runs list offers Resume: a kept checkpoint of a run no tab is training now and not finished. */
export function canResume(r: RunRecord, current: string | undefined, elsewhere: readonly string[]): boolean {
  return r.checkpointStep != null && r.spec.id !== current && !elsewhere.includes(r.spec.id) && r.status !== 'done';
}

let persistAsked: Promise<boolean | null> | null = null;

/**
 * Asks once per page that the browser keep this origin's storage under pressure: checkpoints and
 * imported datasets are the user's work. Called before the first checkpoint or import is written.
 * The answer is the browser's (Chromium grants it silently from site engagement); null where it cannot say.
 */
export function requestPersistentStorage(): Promise<boolean | null> {
  persistAsked ??= (async () => {
    try {
      return navigator.storage?.persist ? await navigator.storage.persist() : null;
    } catch {
      return null;
    }
  })();
  return persistAsked;
}
