// One owner per training run and per import, across tabs: Web Locks, shared by the page and the
// worker. A flag in IndexedDB cannot say who owns a run: it outlives a closed or crashed tab. A Web
// Lock is per origin across tabs and workers, and the browser drops it when its holder goes away.
// Without Web Locks (old browsers, Node tests) every lock reads as free: one tab per notebook, as before.

export const runLock = (id: string): string => `cae-run:${id}`;
export const importLock = (id: string): string => `cae-import:${id}`;

/** The parts of the browser's LockManager this module uses; tests pass a fake. */
export type Locks = Pick<LockManager, 'request' | 'query'>;

export const browserLocks = (): Locks | null => (typeof navigator !== 'undefined' && navigator.locks) || null;

/** Runs `f` holding `name` exclusively, waiting for it if someone else holds it. */
export async function withLock<T>(name: string, f: () => Promise<T>, locks = browserLocks()): Promise<T> {
  return locks ? (locks.request(name, () => f()) as Promise<T>) : f();
}

/**
 * Runs `f` holding `name` only if no one holds it now; `{ ran: false }` when someone does (another
 * tab's import in progress, another tab's run). Never waits.
 */
export async function withLockIfFree<T>(name: string, f: () => Promise<T>, locks = browserLocks()): Promise<{ ran: true; value: T } | { ran: false }> {
  if (!locks) return { ran: true, value: await f() };
  return locks.request(name, { ifAvailable: true }, async (lock) => (lock ? { ran: true as const, value: await f() } : { ran: false as const }));
}

/**
 * Takes `name` if it is free and keeps it until the returned release is called (or the tab goes);
 * null when someone else holds it.
 */
export function tryHold(name: string, locks = browserLocks()): Promise<(() => void) | null> {
  if (!locks) return Promise.resolve(() => undefined);
  return new Promise((resolve, reject) => {
    locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(null);
          return undefined;
        }
        // The lock lasts as long as this promise is pending.
        return new Promise<void>((release) => resolve(() => release()));
      })
      .catch(reject);
  });
}

/**
 * Takes `name` (waiting for it) and keeps it until this context ends: resolves once it is held. A
 * worker holds one for its life, so the page learns of its death however it dies (see whenFree).
 */
export function holdForLife(name: string, locks = browserLocks()): Promise<void> {
  if (!locks) return Promise.resolve();
  return new Promise((held) => void locks.request(name, () => (held(), new Promise<void>(() => undefined))));
}

/** Names of the locks held now by any tab or worker of this origin. */
export async function heldLocks(locks = browserLocks()): Promise<Set<string>> {
  if (!locks) return new Set();
  const snapshot = await locks.query();
  return new Set((snapshot.held ?? []).map((l) => l.name).filter((n): n is string => typeof n === 'string'));
}

/** Run ids whose lock is held, from a set of held lock names. */
export function heldRunIds(held: ReadonlySet<string>): string[] {
  const prefix = runLock('');
  return [...held].filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
}

/**
 * Resolves once `name` is free (its holder released it, or its tab closed). It asks for a shared
 * hold and lets go at once, so it never keeps the owner from taking the lock again afterwards.
 */
export async function whenFree(name: string, locks = browserLocks()): Promise<void> {
  if (!locks) return;
  await locks.request(name, { mode: 'shared' }, () => undefined);
}
