// Helpers for the fault tests: a browser with a profile on disk (so a kill and a restart find what
// was kept, as a person's browser does), and direct reads and writes of the notebook's IndexedDB.
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM, WEBGPU_ARGS } from './chromium';

/** A Chromium with its profile in `dir`: closing it and launching again on `dir` is a browser restart. */
export function persistentBrowser(dir: string, baseURL: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: WEBGPU_ARGS, headless: true, baseURL });
}

/** One record of a store of the notebook's database, as kept (or null). */
export function readKept<T>(page: Page, store: string, key: string): Promise<T | null> {
  return page.evaluate(
    ([s, k]) =>
      new Promise<T | null>((resolve, reject) => {
        const open = indexedDB.open('cae-notebook');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction(s!).objectStore(s!).get(k!);
          get.onsuccess = () => {
            db.close();
            resolve((get.result as T | undefined) ?? null);
          };
          get.onerror = () => reject(get.error);
        };
      }),
    [store, key],
  );
}

/** A run's record as kept: its status, step and how many points its curve has. */
export async function keptRun(page: Page, runId: string): Promise<{ status: string; step: number; curve: number; name?: string } | null> {
  const r = await readKept<{ status: string; step: number; curve?: unknown[]; name?: string }>(page, 'runs', runId);
  return r && { status: r.status, step: r.step, curve: r.curve?.length ?? 0, name: r.name };
}

/**
 * Overwrites the start of a run's kept checkpoint (same size), as a disk fault or a bad write
 * would: its header length becomes absurd.
 */
export function damageCheckpoint(page: Page, runId: string): Promise<number> {
  return page.evaluate(
    (id) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('cae-notebook');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction('checkpoints').objectStore('checkpoints').get(id);
          get.onsuccess = async () => {
            const c = get.result as { bytes: Blob | ArrayBuffer };
            const bytes = new Uint8Array(c.bytes instanceof Blob ? await c.bytes.arrayBuffer() : c.bytes);
            bytes.fill(0x7f, 0, 8);
            const t = db.transaction('checkpoints', 'readwrite');
            t.objectStore('checkpoints').put({ ...c, bytes: new Blob([bytes]) });
            t.oncomplete = () => (db.close(), resolve(bytes.length));
            t.onerror = () => reject(t.error);
          };
          get.onerror = () => reject(get.error);
        };
      }),
    runId,
  );
}
