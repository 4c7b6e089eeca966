// What the user was doing survives a reload: the pretraining recipe being edited and the runs ticked
// for Compare, kept in localStorage (small, synchronous, so the first render already shows them;
// the runs themselves live in IndexedDB, persistence.ts). A kept recipe is laid over its preset's
// defaults, so a field added since falls back to its default and a stale or damaged entry is ignored.
import { PRESETS, type PresetId } from '../model/presets';
import { initialForm, type Form } from './slices/run';
import { useStore, type AppState } from './store';

const KEY = 'cae.ui.v1';

interface Kept {
  readonly form: Form;
  readonly compared: readonly string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Scalar fields of `kept` whose name and type the defaults have; anything else stays the default's. */
function overlay<T extends object>(defaults: T, kept: unknown): T {
  if (!isRecord(kept)) return defaults;
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(out)) if (k in kept && typeof kept[k] === typeof v && typeof v !== 'object') out[k] = kept[k];
  return out as T;
}

/** The recipe and ticks read back from `text`, or null when it is not one this page wrote. */
export function parseKept(text: string | null): Kept | null {
  if (!text) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(raw) || !isRecord(raw.form) || !(typeof raw.form.presetId === 'string' && raw.form.presetId in PRESETS)) return null;
  const f = raw.form;
  const base = initialForm(f.presetId as PresetId, typeof f.dataset === 'string' ? f.dataset : undefined);
  const form: Form = {
    ...overlay(base, f),
    presetId: base.presetId,
    model: overlay(base.model, f.model),
    train: overlay(base.train, f.train),
  };
  const compared = Array.isArray(raw.compared) ? raw.compared.filter((id): id is string => typeof id === 'string') : [];
  return { form, compared };
}

const storage = (): Storage | null => {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage blocked for this origin: nothing is kept, nothing breaks
  }
};

/** Puts the kept recipe and ticks into the store (before the first render), then keeps them as they change. */
export function rememberUi(): () => void {
  const ls = storage();
  if (!ls) return () => undefined;
  const kept = parseKept(ls.getItem(KEY));
  if (kept) useStore.setState({ form: kept.form, compared: kept.compared });
  const pick = (s: AppState) => ({ form: s.form, compared: s.compared });
  let last = pick(useStore.getState());
  return useStore.subscribe((s) => {
    const now = pick(s);
    if (now.form === last.form && now.compared === last.compared) return;
    last = now;
    try {
      ls.setItem(KEY, JSON.stringify(now));
    } catch {
      // Full or blocked: the recipe simply does not outlive the page, as before.
    }
  });
}
