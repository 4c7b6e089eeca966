// Faults injected into the built notebook in a browser with a profile on disk (issue 27): a damaged
// checkpoint, a stale tab, a lost GPU during an evaluation, a worker that dies, a browser killed
// mid-import. Each loses no data and leaves the screen saying what happened.
import { expect, test } from '@playwright/test';
import { cifarBatch, file, NAMES } from './cifar';
import { damageCheckpoint, keptRun, persistentBrowser, readKept } from './faults';
import { Notebook } from './notebook';

test('a damaged checkpoint: Resume is refused saying so, the record keeps its step and curve, an evaluation of it fails with the reason', async ({
  baseURL,
}, info) => {
  const browser = await persistentBrowser(info.outputPath('profile'), baseURL!);
  try {
    const nb = new Notebook(browser.pages()[0] ?? (await browser.newPage()));
    const page = nb.page;
    await nb.open();
    await nb.pretrainBriefly(3);
    const runId = (await nb.runRow().getAttribute('data-run-id'))!;
    await expect(nb.runRow(runId).getByTestId('runs.status')).toHaveText('stopped');
    await expect.poll(async () => (await keptRun(page, runId))?.status).toBe('stopped');
    const before = (await keptRun(page, runId))!;
    expect(before.step).toBeGreaterThanOrEqual(3);
    expect(before.curve).toBeGreaterThanOrEqual(3);
    await damageCheckpoint(page, runId);

    await page.reload();
    await expect(page.getByTestId('backend.name')).toContainText('WebGPU', { timeout: 90_000 });
    const row = nb.runRow(runId);
    await nb.selectRun(row);
    await row.getByTestId('runs.resume').click();
    await expect(page.getByTestId('pretrain.message')).toContainText(
      'The checkpoint kept for this run is damaged and cannot be resumed (not a safetensors file: header length',
    );
    await expect(page.getByTestId('pretrain.message')).toContainText('export the curve, or delete the run');
    // The refusal rewrote nothing: the record's step, curve and status are as they were, and Resume stays.
    await page.waitForTimeout(2500); // a write would follow the refusal at once (persistence writes on every status)
    expect(await keptRun(page, runId)).toEqual(before);
    await expect(row.getByTestId('runs.status')).toHaveText('stopped');
    await expect(row.getByTestId('runs.resume')).toHaveCount(1);
    await expect(row.getByTestId('runs.curve')).toHaveCount(1);

    // An evaluation of that checkpoint fails with the reason instead of waiting at "starting".
    await nb.startProbe(runId, { epochs: 1, warmup: 0, train: 32, val: 16, batch: 16, evals: ['lin'] });
    // The refusal shows beside the Start button that was pressed, not at the top of the page.
    await expect(page.getByTestId('probe.error')).toContainText(
      `The evaluation cannot start: the checkpoint of ${runId} at step ${before.step} could not be loaded: not a safetensors file`,
    );
    expect((await page.evaluate(() => window.__cae.probe())).status).not.toBe('starting');
    await expect(page.getByTestId('probe.encoder').locator(`option[value="${runId}"]`)).toHaveCount(1);
    expect(nb.pageErrors).toEqual([]);
  } finally {
    await browser.close();
  }
});

test('a stale tab cannot delete a run another tab resumed: it is refused with the reason, the record keeps its name', async ({ baseURL }, info) => {
  const browser = await persistentBrowser(info.outputPath('profile'), baseURL!);
  try {
    const a = new Notebook(browser.pages()[0] ?? (await browser.newPage()));
    await a.open();
    await a.pretrainBriefly(2);
    const runId = (await a.runRow().getAttribute('data-run-id'))!;
    const rowA = a.runRow(runId);
    await a.selectRun(rowA);
    await a.page.getByTestId('runs.name').fill('kept name');
    await a.page.getByTestId('runs.name').blur();
    await expect.poll(async () => (await keptRun(a.page, runId))?.name).toBe('kept name');

    // Tab B resumes the run tab A trained and stopped.
    const b = new Notebook(await browser.newPage());
    await b.open();
    const rowB = b.runRow(runId);
    await b.selectRun(rowB);
    await rowB.getByTestId('runs.resume').click();
    await b.waitForStatus('running');

    // Tab A sees it is trained elsewhere: no Delete.
    await expect(rowA.getByTestId('runs.status')).toHaveText('training in another tab');
    await expect(rowA.getByTestId('runs.delete')).toHaveCount(0);
    // A tab that has not heard yet (its list out of date) asks to delete it: refused, with the reason.
    await a.page.evaluate((id) => window.__cae.deleteRun!(id), runId);
    await expect(a.page.getByTestId('notices')).toContainText(`${runId} was not deleted: another tab is training it now`);
    expect(await readKept(a.page, 'checkpoints', runId)).not.toBeNull();
    await b.waitForStep((await b.state()).step + 1);
    expect((await keptRun(b.page, runId))?.name).toBe('kept name');
    await b.page.getByTestId('pretrain.stop').click();
    await b.waitForStatus('stopped');
    expect(a.pageErrors).toEqual([]);
    expect(b.pageErrors).toEqual([]);
  } finally {
    await browser.close();
  }
});

test('a GPU device lost during an evaluation: a new device, the evaluation runs again and completes, the notice names the GPU', async ({ baseURL }, info) => {
  const browser = await persistentBrowser(info.outputPath('profile'), baseURL!);
  try {
    const nb = new Notebook(browser.pages()[0] ?? (await browser.newPage()));
    const page = nb.page;
    await nb.open();
    await nb.startProbe('random', { epochs: 8, warmup: 0, train: 32, val: 16, batch: 16, evals: ['lin', 'att'] });
    await page.waitForFunction(() => window.__cae.probe().epochs >= 1, undefined, { timeout: 120_000, polling: 100 });
    await page.evaluate(() => window.__cae.loseDevice!());
    await expect(page.getByTestId('notices')).toContainText('The GPU device was lost during the evaluation', { timeout: 60_000 });
    await page.waitForFunction(() => ['done', 'failed'].includes(window.__cae.probe().status), undefined, { timeout: 180_000, polling: 500 });
    const message = await page.getByTestId('probe.status').textContent();
    expect(message).not.toContain('mapAsync');
    expect((await page.evaluate(() => window.__cae.probe())).status).toBe('done');
    await expect(page.getByTestId('backend.name')).toContainText('WebGPU');
    expect(nb.pageErrors).toEqual([]);
  } finally {
    await browser.close();
  }
});

test('a worker that crashes or is killed mid-run is replaced: no step after, the run interrupted and resumable', async ({ baseURL }, info) => {
  const browser = await persistentBrowser(info.outputPath('profile'), baseURL!);
  try {
    const nb = new Notebook(browser.pages()[0] ?? (await browser.newPage()));
    const page = nb.page;
    await nb.open();
    await page.getByTestId('pretrain.start').click();
    await nb.waitForStep(2);
    const runId = (await nb.state()).runId!;

    // An uncaught exception: the worker is ended, not left training.
    await page.evaluate(() => window.__cae.crashWorker!());
    await nb.waitForStatus('interrupted');
    await expect(page.getByTestId('notices')).toContainText('The training worker stopped (it crashed');
    const crashedAt = (await nb.state()).step;
    await expect(page.getByTestId('backend.name')).toContainText('WebGPU', { timeout: 90_000 });
    await page.waitForTimeout(3000);
    expect((await nb.state()).step).toBe(crashedAt);
    await expect.poll(async () => (await keptRun(page, runId))?.status).toBe('interrupted');
    const row = nb.runRow(runId);
    await expect(row.getByTestId('runs.status')).toHaveText('interrupted');

    // Resumed on the new worker, then the worker ends for real (no exception, no message).
    await nb.selectRun(row);
    await row.getByTestId('runs.resume').click();
    await nb.waitForStatus('running');
    await nb.waitForStep(crashedAt + 1);
    await page.evaluate(() => window.__cae.killWorker!());
    await nb.waitForStatus('interrupted');
    await expect(page.getByTestId('notices')).toContainText('ended without a word');
    const killedAt = (await nb.state()).step;
    await page.waitForTimeout(3000);
    expect((await nb.state()).step).toBe(killedAt);
    await expect(row.getByTestId('runs.status')).toHaveText('interrupted');
    await expect(row.getByTestId('runs.resume')).toHaveCount(1);
    await expect(page.getByTestId('pretrain.start')).toBeEnabled({ timeout: 90_000 });
    expect(nb.pageErrors).toEqual([]);
  } finally {
    await browser.close();
  }
});

test('an import cut short by closing the browser is reported at the next start', async ({ baseURL }, info) => {
  const profile = info.outputPath('profile');
  let browser = await persistentBrowser(profile, baseURL!);
  try {
    const nb = new Notebook(browser.pages()[0] ?? (await browser.newPage()));
    await nb.open();
    await nb.view('data');
    await nb.page.evaluate(() => window.__cae.slowWrites!(400)); // a slow disk: the import lasts seconds, not one
    await nb.page
      .getByTestId('data.import-cifar')
      .setInputFiles([file('batches.meta.txt', Buffer.from(NAMES)), file('data_batch_1.bin', cifarBatch(10_000)), file('test_batch.bin', cifarBatch(2000))]);
    const id = await nb.page.getByTestId('data.progress').getAttribute('data-id');
    // Once the import's progress is kept, the browser goes, import and all.
    await expect
      .poll(async () => (await readKept<{ progress?: { done: number } }>(nb.page, 'datasets', id!))?.progress?.done ?? 0, { timeout: 60_000 })
      .toBeGreaterThan(0);
    await browser.close();

    browser = await persistentBrowser(profile, baseURL!);
    const again = new Notebook(browser.pages()[0] ?? (await browser.newPage()));
    await again.open();
    await expect(again.page.getByTestId('notices')).toContainText(
      /The import of CIFAR-10 was interrupted at [\d,]+ of 20,000 images \(the page or the browser closed\) and was removed/,
    );
    expect(await readKept(again.page, 'datasets', id!)).toBeNull();
  } finally {
    await browser.close();
  }
});
