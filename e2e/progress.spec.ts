// Issue 25 items 4 and 5 in Chromium: a progress bar with its phase on the pretraining run (the
// compile phase shown at the start, time left cleared on pause and stop), one step in header,
// sidebar and view, and loss charts people read (ticks, log/linear, smoothing, kept across reloads).
import { expect, test, type Page } from '@playwright/test';
import { cifarBatch, file, NAMES } from './cifar';
import { Notebook } from './notebook';

/** The step the header, the runs sidebar, the Pretrain view and its progress bar show, read in one frame. */
const stepsShown = (page: Page) =>
  page.evaluate(() => {
    const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;
    const bar = document.querySelector('[data-testid="pretrain.progress"] [role="progressbar"]');
    return [text('header.step'), text('runs.step'), text('pretrain.step'), bar?.getAttribute('aria-valuenow') ?? null];
  });

test('a run shows its phase, progress and time left; header, sidebar and view agree', async ({ page }) => {
  test.setTimeout(300_000);
  const nb = new Notebook(page);
  await nb.open();
  await nb.view('pretrain');
  await page.getByTestId('pretrain.preset').selectOption('micro');
  await page.getByTestId('pretrain.start').click();
  const bar = page.getByTestId('pretrain.progress').getByRole('progressbar', { name: 'pretraining progress' });
  await expect(bar).toHaveAttribute('aria-valuemin', '0');
  await expect(bar).toHaveAttribute('aria-valuemax', '16000');
  // The first steps compile shaders and trace the step (~20 s on SwiftShader): the page says so.
  await expect(page.getByTestId('pretrain.progress.phase')).toHaveText('compiling shaders / tracing the step', { timeout: 60_000 });
  await expect(page.getByTestId('pretrain.progress.left')).toHaveText('time left unknown until the first steps have run');
  await nb.waitForStep(6);
  await expect(page.getByTestId('pretrain.progress.phase')).toHaveText('training', { timeout: 60_000 });
  await expect(page.getByTestId('pretrain.progress.left')).toHaveText(/^time left \d+(s|m \d+s|h \d+m)$/);
  await expect(bar).toHaveAttribute('aria-valuetext', /^\d+ of 16000 \(\d+ %\) · training · time left /);
  await expect(page.getByTestId('pretrain.engine')).toHaveAttribute('title', /engine (replay|TF\.js): /);

  // One step everywhere, at any moment.
  for (let k = 0; k < 5; k++) {
    const [header, sidebar, view, now] = await stepsShown(page);
    expect(header).not.toBeNull();
    expect([sidebar, view, now]).toEqual([header, header, header]);
    await page.waitForTimeout(700);
  }
  await expect(page.getByTestId('header.status')).toHaveText('running');
  await expect(nb.runRow().getByTestId('runs.status')).toHaveText('running');

  // Paused: no time left, no speed; the same step everywhere.
  await page.getByTestId('pretrain.pause').click();
  await nb.waitForStatus('paused');
  await expect(page.getByTestId('pretrain.progress.phase')).toHaveText('paused');
  await expect(page.getByTestId('pretrain.progress.left')).toHaveCount(0);
  await expect(page.getByTestId('pretrain.speed')).toHaveText('— img/s');
  await expect(page.getByTestId('header.status')).toHaveText('paused');
  await expect(nb.runRow().getByTestId('runs.status')).toHaveText('paused');
  const [h, s, v] = await stepsShown(page);
  expect([s, v]).toEqual([h, h]);

  await page.getByTestId('pretrain.resume').click();
  await expect(page.getByTestId('pretrain.progress.left')).toHaveText(/^time left /);
  await page.getByTestId('pretrain.stop').click();
  await nb.waitForStatus('stopped');
  await expect(page.getByTestId('pretrain.progress.phase')).toHaveText('stopped');
  await expect(page.getByTestId('pretrain.progress.left')).toHaveCount(0);
  await expect(page.getByTestId('header.run')).toHaveCount(0); // nothing runs now

  // The loss chart: at least three labels on each axis, log and linear, smoothing; kept after a reload.
  const chart = page.getByTestId('pretrain.loss-chart');
  const ticks = async (cls: string) => (await chart.locator(`.${cls} text`).allTextContents()).filter((t) => t.trim() !== '');
  for (const scale of ['log', 'linear']) {
    await page.getByTestId('pretrain.chart.scale').selectOption(scale);
    await expect(chart).toHaveAttribute('data-scale', scale);
    expect((await ticks('ytick')).length, `${scale} loss axis`).toBeGreaterThanOrEqual(3);
    expect((await ticks('xtick')).length).toBeGreaterThanOrEqual(3);
    expect((await ticks('y2tick')).length).toBeGreaterThanOrEqual(3);
  }
  const before = await chart.locator('[data-trace="total"]').getAttribute('d');
  await page.getByTestId('pretrain.chart.smoothing').fill('0.9');
  await expect(page.getByTestId('pretrain.chart.smoothing-value')).toHaveText('0.90');
  await expect(chart).toHaveAttribute('data-smoothing', '0.9');
  await expect.poll(() => chart.locator('[data-trace="total"]').getAttribute('d')).not.toBe(before);
  // The raw losses stay behind the smoothed curves, faint; the legend's curves are still four.
  await expect(chart.locator('[data-raw="total (raw)"]')).toHaveAttribute('opacity', '0.25');
  await expect(chart.locator('[data-trace]')).toHaveCount(4);
  // Series differ by dash: total solid, reconstruction dashed.
  expect(await chart.locator('[data-trace="total"]').getAttribute('stroke-dasharray')).toBeNull();
  expect(await chart.locator('[data-trace="reconstruction"]').getAttribute('stroke-dasharray')).toBeTruthy();
  // A step range: the x axis starts there, and no label lies left of it. (The first label is the
  // first round number at or after 2, which depends on how many steps ran, so it is not fixed.)
  await page.getByTestId('pretrain.chart.from').fill('2');
  await expect(chart).toHaveAttribute('data-x-from', '2');
  const fromTwo = (await ticks('xtick')).map(Number);
  expect(fromTwo.length).toBeGreaterThanOrEqual(3);
  expect(Math.min(...fromTwo)).toBeGreaterThanOrEqual(2);

  // Compare shares the axis and the smoothing, and labels its axes as well.
  await nb.runRow().getByTestId('runs.compare').check();
  await nb.view('compare');
  await expect(page.getByTestId('compare.chart.scale')).toHaveValue('linear');
  await expect(page.getByTestId('compare.chart.smoothing-value')).toHaveText('0.90');
  const compare = page.getByTestId('compare.chart');
  await expect(compare).toHaveAttribute('data-traces', '1');
  await expect.poll(async () => (await compare.locator('g.ytick text').allTextContents()).length).toBeGreaterThanOrEqual(3);
  expect((await compare.locator('g.xtick text').allTextContents()).length).toBeGreaterThanOrEqual(3);
  await page.getByTestId('compare.chart.scale').selectOption('log');
  await expect(compare).toHaveAttribute('data-scale', 'log');
  await expect.poll(async () => (await compare.locator('g.ytick text').allTextContents()).length).toBeGreaterThanOrEqual(3);

  await page.reload();
  await nb.view('pretrain');
  await expect(page.getByTestId('pretrain.chart.scale')).toHaveValue('log');
  await expect(page.getByTestId('pretrain.chart.smoothing-value')).toHaveText('0.90');
  expect(nb.pageErrors).toEqual([]);
});

test("an evaluation's bar names its seed, encoder and readout; a 1-epoch probe draws; the attention scale has a bar", async ({ page }) => {
  test.setTimeout(240_000);
  const nb = new Notebook(page);
  await nb.open();
  await nb.startProbe('random', { epochs: 1, warmup: 0, train: 32, val: 16, batch: 16, evals: ['lin', 'att'], linear: 'official' });
  const bar = page.getByTestId('probe.progress').getByRole('progressbar', { name: 'evaluation progress' });
  await expect(bar).toHaveAttribute('aria-valuemax', '1000');
  await expect(page.getByTestId('probe.progress.phase')).toHaveText(/^seed 1 of 1 · probed encoder · (encoding the images|attentive probe epoch 1)/, {
    timeout: 60_000,
  });
  await page.waitForFunction(() => window.__cae.probe().status === 'done', undefined, { timeout: 180_000, polling: 500 });
  await expect(page.getByTestId('probe.progress.phase')).toHaveText('done');
  await expect(page.getByTestId('probe.progress.left')).toHaveCount(0);
  await expect(bar).toHaveAttribute('aria-valuenow', '1000');
  // One epoch: markers where lines need two points, and three labels on each axis.
  const chart = page.getByTestId('probe.chart');
  await expect(chart).toHaveAttribute('data-points', '1');
  expect(await chart.locator('g.points path').count()).toBeGreaterThanOrEqual(2);
  expect((await chart.locator('g.xtick text').allTextContents()).length).toBeGreaterThanOrEqual(3);
  expect((await chart.locator('g.ytick text').allTextContents()).length).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId('probe.attention.scale')).toContainText('its max');
  expect(nb.pageErrors).toEqual([]);
});

test("a sweep's bar says which point of how many and the pretraining's step", async ({ page }) => {
  test.setTimeout(240_000);
  const nb = new Notebook(page);
  await nb.open();
  await nb.setField('steps', '400');
  await nb.setField('warmup', '1');
  await nb.view('sweep');
  await page.getByTestId('sweep.field.0').selectOption('model.alignment');
  await page.getByTestId('sweep.values.0').fill('on, off');
  await page.getByTestId('sweep.start').click();
  await page.getByTestId('sweep.confirm.start').click(); // it starts once confirmed
  const progress = page.getByTestId('sweep.progress');
  await expect(progress.getByRole('progressbar')).toHaveAttribute('aria-valuemax', '200');
  await expect(page.getByTestId('sweep.progress.phase')).toHaveText(/^point 1 of 2 · pretraining · step [1-9]\d* of 400$/, { timeout: 120_000 });
  await expect(page.getByTestId('sweep.progress.left')).toHaveText('time left unknown until a first point has finished');
  await expect(page.getByTestId('sweep.row').first()).toContainText(/pretraining · step \d+ of 400/);
  expect(nb.pageErrors).toEqual([]);
});

test("an import's bar counts the images stored, with the time left", async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await nb.view('data');
  await page.evaluate(() => window.__cae.slowWrites!(300)); // a slow disk: the import lasts seconds, not one
  await page
    .getByTestId('data.import-cifar')
    .setInputFiles([file('batches.meta.txt', Buffer.from(NAMES)), file('data_batch_1.bin', cifarBatch(4000)), file('test_batch.bin', cifarBatch(1000))]);
  const bar = page.getByTestId('data.import-progress').getByRole('progressbar', { name: /^import progress: / });
  // CIFAR-10's files hold 10 000 images each, whatever this test fills them with.
  await expect(bar).toHaveAttribute('aria-valuemax', '20000');
  await expect(page.getByTestId('data.import-progress.phase')).toHaveText(/^decoding and storing: [1-9][\d]* of 20000$/, { timeout: 60_000 });
  await expect(page.getByTestId('data.import-progress.left')).toHaveText(/^time left about \d+/, { timeout: 60_000 });
  await expect(page.getByTestId('data.progress')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('data.import-progress')).toHaveCount(0);
  expect(nb.pageErrors).toEqual([]);
});
