// Unit tests of the run-record transactions (src/app/runsDb.ts) against Chromium's real IndexedDB:
// the module is bundled here and run in a page of the app's origin that is not the app (its icon),
// so nothing else writes to the database meanwhile.
import { expect, test, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type * as RunsDb from '../src/app/runsDb';

declare global {
  interface Window {
    runsDb: typeof RunsDb;
  }
}

let bundle = '';
test.beforeAll(async () => {
  const out = await build({
    stdin: { contents: "export * from './src/app/runsDb';", resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'ts' },
    bundle: true,
    format: 'iife',
    globalName: 'runsDb',
    write: false,
    logLevel: 'silent',
  });
  bundle = out.outputFiles[0]!.text;
});

async function open(page: Page): Promise<void> {
  await page.goto('/icon.svg');
  // Through the DevTools protocol, which the page's own script policy does not govern.
  await page.evaluate(`${bundle}; window.runsDb = runsDb;`);
  await page.evaluate(() => new Promise((r) => (indexedDB.deleteDatabase('cae-notebook').onsuccess = r)));
}

/** A run record as the page writes it, at `step`. */
const record = (step: number) => ({
  spec: { id: 'r1', presetId: 'micro', model: {}, train: {}, dataset: 'shapes', checkpointEvery: 50, createdAt: 1 },
  status: 'running',
  step,
  checkpointStep: null,
  latest: null,
  updatedAt: step,
  curve: Array.from({ length: step }, (_, i) => ({ step: i, total: 1, reconstruction: 1, alignment: null, lr: 0, gradNorm: 0 })),
});

test('a page that took a run writes it; a page that had it before is refused, record and checkpoint both', async ({ page }) => {
  await open(page);
  const out = await page.evaluate(async (rec) => {
    const db = window.runsDb;
    const r = (step: number) => ({ ...rec, step }) as unknown as RunsDb.RunRecord;
    await db.saveRun(r(3), 'page-a');
    await db.claimRun('r1', 'page-b');
    const refused = await db.saveRun(r(0), 'page-a', { runId: 'r1', step: 0, bytes: new ArrayBuffer(4), history: [], savedAt: 0 }).then(
      () => 'written',
      (e: Error) => `${e.constructor.name}: ${e.message}`,
    );
    const afterRefusal = await db.getRun('r1');
    const checkpointAfterRefusal = await db.getCheckpoint('r1');
    await db.saveRun(r(5), 'page-b', { runId: 'r1', step: 5, bytes: new ArrayBuffer(8), history: [], savedAt: 0 });
    return {
      refused,
      afterRefusal,
      checkpointAfterRefusal: checkpointAfterRefusal ?? null,
      kept: await db.getRun('r1'),
      checkpoint: (await db.getCheckpoint('r1'))?.bytes.byteLength,
    };
  }, record(3));
  expect(out.refused).toBe('NotOwnerError: r1 is trained in another tab now');
  expect(out.afterRefusal).toMatchObject({ step: 3, owner: 'page-b' });
  expect(out.checkpointAfterRefusal).toBeNull();
  expect(out.kept).toMatchObject({ step: 5, owner: 'page-b' });
  expect(out.checkpoint).toBe(8);
});

test("the user's name and notes survive progress written at the same time (read and write in one transaction)", async ({ page }) => {
  await open(page);
  const kept = await page.evaluate(async (rec) => {
    const db = window.runsDb;
    const r = (step: number) => ({ ...rec, step }) as unknown as RunsDb.RunRecord;
    await db.saveRun(r(1), 'page-a');
    // Progress and edits interleaved as a training tab and the sidebar make them.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => [
        db.saveRun(r(i + 2), 'page-a'),
        db.updateRun('r1', (k) => (k ? { ...k, ...(i % 2 ? { notes: `notes ${i}` } : { name: `name ${i}` }) } : null)),
      ]).flat(),
    );
    return db.getRun('r1');
  }, record(1));
  expect(kept).toMatchObject({ name: 'name 18', notes: 'notes 19', step: 21 });
});

test('deleting a run removes its record and checkpoint together; an edit of a deleted run writes nothing', async ({ page }) => {
  await open(page);
  const out = await page.evaluate(async (rec) => {
    const db = window.runsDb;
    await db.saveRun(rec as unknown as RunsDb.RunRecord, 'page-a', { runId: 'r1', step: 2, bytes: new ArrayBuffer(4), history: [], savedAt: 0 });
    await db.deleteRun('r1');
    const edited = await db.updateRun('r1', (k) => (k ? { ...k, name: 'x' } : null));
    return { run: (await db.getRun('r1')) ?? null, checkpoint: (await db.getCheckpoint('r1')) ?? null, edited };
  }, record(2));
  expect(out).toEqual({ run: null, checkpoint: null, edited: null });
});

test('a checkpoint handed over as a Blob is kept as that Blob and read back as the Blob or its bytes; one kept as an ArrayBuffer reads both ways', async ({
  page,
}) => {
  await open(page);
  const out = await page.evaluate(async (rec) => {
    const db = window.runsDb;
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 255);
    // As the worker hands it over (issue 26): a Blob the page stores as it is.
    await db.saveRun(rec as unknown as RunsDb.RunRecord, 'page-a', { runId: 'r1', step: 3, bytes: new Blob([bytes]), history: [], savedAt: 0 });
    // As a record kept before: the bytes put as an ArrayBuffer, read straight from the store.
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open('cae-notebook');
      open.onsuccess = () => {
        const t = open.result.transaction('checkpoints', 'readwrite');
        t.objectStore('checkpoints').put({ runId: 'old', step: 1, bytes: bytes.slice(0, 10).buffer, history: [], savedAt: 0 });
        t.oncomplete = () => (open.result.close(), resolve());
        t.onerror = () => reject(t.error);
      };
    });
    const stored = await new Promise<unknown>((resolve) => {
      const open = indexedDB.open('cae-notebook');
      open.onsuccess = () => {
        const get = open.result.transaction('checkpoints').objectStore('checkpoints').get('r1');
        get.onsuccess = () => (open.result.close(), resolve((get.result as { bytes: unknown }).bytes instanceof Blob));
      };
    });
    const asBlob = await db.getCheckpointBlob('r1');
    const asBytes = await db.getCheckpoint('r1');
    const oldBlob = await db.getCheckpointBlob('old');
    const oldBytes = await db.getCheckpoint('old');
    const same = async (b: Blob | ArrayBuffer | undefined, n: number) =>
      b !== undefined && Array.from(new Uint8Array(b instanceof Blob ? await b.arrayBuffer() : b)).join() === Array.from(bytes.slice(0, n)).join();
    return {
      storedAsBlob: stored,
      blob: [asBlob?.bytes instanceof Blob, await same(asBlob?.bytes, 300), asBlob?.step],
      bytes: [asBytes?.bytes instanceof ArrayBuffer, await same(asBytes?.bytes, 300)],
      old: [oldBlob?.bytes instanceof Blob, await same(oldBlob?.bytes, 10), oldBytes?.bytes instanceof ArrayBuffer, await same(oldBytes?.bytes, 10)],
    };
  }, record(3));
  expect(out).toEqual({ storedAsBlob: true, blob: [true, true, 3], bytes: [true, true], old: [true, true, true, true] });
});
