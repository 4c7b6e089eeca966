import { describe, expect, it } from 'vitest';
import { heldLocks, heldRunIds, importLock, type Locks, runLock, tryHold, whenFree, withLockIfFree } from './locks';

/** A small LockManager: exclusive and shared modes, ifAvailable, and a FIFO queue, as the spec has it. */
function fakeLocks(): Locks {
  type Held = { name: string; mode: LockMode };
  const held: Held[] = [];
  const queue: { name: string; mode: LockMode; grant: () => void }[] = [];
  const free = (name: string, mode: LockMode) => !held.some((h) => h.name === name && (mode === 'exclusive' || h.mode === 'exclusive'));
  const pump = () => {
    for (let i = 0; i < queue.length; i++) {
      const q = queue[i]!;
      if (!queue.slice(0, i).some((p) => p.name === q.name) && free(q.name, q.mode)) {
        queue.splice(i, 1);
        q.grant();
        i = -1;
      }
    }
  };
  const request = (async (name: string, a: LockOptions | LockGrantedCallback<unknown>, b?: LockGrantedCallback<unknown>) => {
    const opts = (typeof a === 'function' ? {} : a) as LockOptions;
    const cb = (typeof a === 'function' ? a : b)!;
    const mode = opts.mode ?? 'exclusive';
    if (opts.ifAvailable && !(free(name, mode) && !queue.some((q) => q.name === name))) return cb(null);
    await new Promise<void>((grant) => {
      queue.push({ name, mode, grant });
      pump();
    });
    const h = { name, mode };
    held.push(h);
    try {
      return await cb({ name, mode } as Lock);
    } finally {
      held.splice(held.indexOf(h), 1);
      pump();
    }
  }) as Locks['request'];
  const query = async () => ({ held: held.map((h) => ({ name: h.name, mode: h.mode, clientId: 'x' })), pending: [] });
  return { request, query };
}

describe('locks across tabs', () => {
  it('names a run and an import lock apart', () => {
    expect(runLock('run-1')).toBe('cae-run:run-1');
    expect(importLock('ds-1')).toBe('cae-import:ds-1');
    expect(heldRunIds(new Set([runLock('a'), importLock('b'), runLock('c')]))).toEqual(['a', 'c']);
  });

  it('lets one holder own a run; a second try gets null until the first releases', async () => {
    const locks = fakeLocks();
    const release = await tryHold(runLock('r'), locks);
    expect(release).toBeTypeOf('function');
    expect(await tryHold(runLock('r'), locks)).toBeNull();
    expect(heldRunIds(await heldLocks(locks))).toEqual(['r']);
    release!();
    await whenFree(runLock('r'), locks);
    expect(await heldLocks(locks)).toEqual(new Set());
    expect(await tryHold(runLock('r'), locks)).toBeTypeOf('function');
  });

  it('does not run a clean-up while another holder keeps the lock, and runs it once free', async () => {
    const locks = fakeLocks();
    const release = await tryHold(importLock('d'), locks);
    let deleted = 0;
    expect(await withLockIfFree(importLock('d'), async () => ++deleted, locks)).toEqual({ ran: false });
    expect(deleted).toBe(0);
    release!();
    await whenFree(importLock('d'), locks);
    expect(await withLockIfFree(importLock('d'), async () => ++deleted, locks)).toEqual({ ran: true, value: 1 });
  });

  it('waits for a lock to be free without keeping its owner from taking it again', async () => {
    const locks = fakeLocks();
    const release = await tryHold(runLock('r'), locks);
    let freed = false;
    const waiting = whenFree(runLock('r'), locks).then(() => (freed = true));
    await Promise.resolve();
    expect(freed).toBe(false);
    release!();
    await waiting;
    expect(freed).toBe(true);
    expect(await tryHold(runLock('r'), locks)).toBeTypeOf('function');
  });

  it('treats every lock as free where the browser has no Web Locks', async () => {
    expect(await tryHold(runLock('r'), null)).toBeTypeOf('function');
    expect(await withLockIfFree(importLock('d'), async () => 7, null)).toEqual({ ran: true, value: 7 });
    expect(await heldLocks(null)).toEqual(new Set());
  });
});
