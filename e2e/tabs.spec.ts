// Two tabs of one notebook: one owner per run and per import (Web Locks), lists kept in step
// (BroadcastChannel). Two pages of one browser context share the origin's storage and locks, as tabs do.
import { expect, test, type Page } from '@playwright/test';
import { Notebook } from './notebook';

/** The stored summary of an imported dataset, or null. */
function datasetStatus(page: Page, id: string): Promise<string | null> {
  return page.evaluate(
    (key) =>
      new Promise<string | null>((resolve, reject) => {
        const open = indexedDB.open('cae-notebook');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction('datasets').objectStore('datasets').get(key);
          get.onsuccess = () => {
            db.close();
            resolve((get.result as { status: string } | undefined)?.status ?? null);
          };
          get.onerror = () => reject(get.error);
        };
      }),
    id,
  );
}

test('a second tab neither deletes an import in progress nor resumes a run the first tab trains', async ({ context }) => {
  const a = new Notebook(await context.newPage());
  await a.open();

  // Tab A is "importing": its summary says so and its worker holds the import's lock, as runImport does.
  await a.page.evaluate(
    () =>
      new Promise<void>((granted, reject) => {
        const open = indexedDB.open('cae-notebook');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const t = db.transaction('datasets', 'readwrite');
          t.objectStore('datasets').put({ id: 'ds-held', name: 'held', status: 'importing', createdAt: Date.now() - 60_000 });
          t.oncomplete = () => {
            db.close();
            void navigator.locks.request('cae-import:ds-held', () => {
              granted();
              return new Promise<void>((release) => ((window as unknown as { releaseImport: () => void }).releaseImport = release));
            });
          };
        };
      }),
  );

  // Tab B's worker cleans up unfinished imports as it starts: the one A owns is kept.
  const b = new Notebook(await context.newPage());
  await b.open();
  // Its worker says when the start-up clean-up is done (data/imports-checked).
  await expect.poll(() => b.page.evaluate(() => window.__cae.state().importsChecked), { timeout: 60_000 }).toBe(1);
  expect(await datasetStatus(b.page, 'ds-held')).toBe('importing');
  // Once no one owns it (A's import died with its tab), the next start removes it.
  await a.page.evaluate(() => (window as unknown as { releaseImport: () => void }).releaseImport());
  await b.page.reload();
  await expect.poll(() => datasetStatus(b.page, 'ds-held'), { timeout: 60_000 }).toBeNull();

  // Tab A trains; tab B lists the run as training in another tab, with no Resume and no Delete.
  await a.page.getByTestId('pretrain.start').click();
  await a.waitForStep(2);
  const runId = (await a.runRow().getAttribute('data-run-id'))!;
  const rowB = b.runRow(runId);
  await expect(rowB.getByTestId('runs.status')).toHaveText('training in another tab');
  await b.selectRun(rowB);
  await expect(rowB.getByTestId('runs.resume')).toHaveCount(0);
  await expect(rowB.getByTestId('runs.delete')).toHaveCount(0);
  await expect(b.page.getByTestId('runs.persisted')).toContainText(/kept by the browser|may be evicted/);

  // A stops: B hears it without a reload, and may now resume the run from its checkpoint.
  await a.page.getByTestId('pretrain.stop').click();
  await a.waitForStatus('stopped');
  await expect(rowB.getByTestId('runs.status')).toHaveText('stopped');
  await expect(rowB.getByTestId('runs.resume')).toHaveCount(1);
  expect(a.pageErrors).toEqual([]);
  expect(b.pageErrors).toEqual([]);
});
