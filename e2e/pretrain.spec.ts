import { expect, test } from '@playwright/test';
import { Notebook } from './notebook';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('pretrains micro on shapes with WebGPU, live, and nothing leaves the origin', async ({ page, baseURL }) => {
  test.setTimeout(360_000); // SwiftShader on a shared machine: twenty steps, a pause and a profile
  const nb = new Notebook(page);
  await page.addInitScript(() => {
    (window as unknown as { __longTasks: number[] }).__longTasks = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => (window as unknown as { __longTasks: number[] }).__longTasks.push(e.duration))).observe({
      type: 'longtask',
      buffered: true,
    });
  });
  await nb.open();
  await expect(page.getByTestId('backend.name')).toContainText('WebGPU');
  await nb.view('data');
  await expect(page.getByTestId('dataset.preview').locator('figcaption')).toHaveCount(20);
  await expect(page.getByTestId('dataset.preview')).toContainText('crescent');

  await nb.view('pretrain');
  await page.getByTestId('pretrain.preset').selectOption('micro');
  await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks = []));
  await page.getByTestId('pretrain.start').click();
  await nb.waitForStep(20);
  // A replayed step's losses reach the page a step late: wait for the 20th.
  await expect.poll(async () => (await nb.state()).losses.length).toBeGreaterThanOrEqual(20);

  const s = await nb.state();
  expect(s.backend).toBe('webgpu');
  expect(s.losses.every(Number.isFinite)).toBe(true);
  expect(mean(s.losses.slice(-5))).toBeLessThan(mean(s.losses.slice(0, 5)));
  await expect.poll(async () => Number(await page.getByTestId('pretrain.loss-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(20);
  await expect(page.getByTestId('pretrain.loss-chart').locator('[data-trace]')).toHaveCount(4);
  expect(Number(await page.getByTestId('pretrain.step').textContent())).toBeGreaterThanOrEqual(20);
  console.log(`micro training speed in the browser: ${await page.getByTestId('pretrain.speed').textContent()} (WebGPU on SwiftShader)`);
  expect(await nb.canvasSpread('pretrain.recon.recon')).toBeGreaterThan(20);
  expect(await nb.canvasSpread('pretrain.recon.composite')).toBeGreaterThan(20);
  await expect(page.getByTestId('runs.list')).toContainText('micro');

  // The first steps ran on TF.js while traced; the replayed step runs now, through pause and resume.
  const replayStart = Date.now();
  await expect(page.getByTestId('pretrain.engine')).toHaveText('engine replay');
  await page.getByTestId('pretrain.pause').click();
  await nb.waitForStatus('paused');
  const paused = (await nb.state()).step;
  // The pause ends with a checkpoint at the paused step; after it the worker's loop waits for Resume
  // (src/worker/pretrainRun.test.ts checks that it takes no step then).
  await expect.poll(async () => (await nb.state()).checkpoint, { timeout: 60_000 }).toBe(paused);
  expect((await nb.state()).step).toBe(paused);
  await expect(page.getByTestId('pretrain.status')).toHaveText('paused');

  await page.getByTestId('pretrain.resume').click();
  await nb.waitForStep(paused + 2);
  await expect.poll(async () => (await nb.state()).losses.length).toBeGreaterThanOrEqual(paused + 2);
  const resumed = await nb.state();
  expect(resumed.losses.every(Number.isFinite)).toBe(true);
  expect(resumed.engines).toEqual(['tfjs', 'replay']); // traced once, replayed since: no fallback
  await expect(page.getByTestId('pretrain.engine')).toHaveText('engine replay');

  console.log(`replay checks around pause and resume: ${((Date.now() - replayStart) / 1000).toFixed(1)} s`);

  // One step profiled kernel by kernel: the fused kernels are what runs on WebGPU.
  await page.getByTestId('pretrain.profile').click();
  const times = page.getByTestId('pretrain.kernel-times');
  await expect(times).toContainText('CaeLayerNorm');
  await expect(times).toContainText('CaeSelfAttention');
  console.log(`one step profiled: ${(await times.locator('p').textContent())?.trim()}`);

  await page.getByTestId('pretrain.stop').click();
  await nb.waitForStatus('stopped');
  await expect(page.getByTestId('runs.list')).toContainText('stopped');

  expect(nb.foreignRequests(new URL(baseURL!).origin)).toEqual([]);
  expect(nb.pageErrors).toEqual([]);
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  console.log(`long tasks on the main thread during training: ${JSON.stringify(longTasks.map(Math.round))}`);

  // The runs list lives in IndexedDB: it survives a reload.
  const runId = (await nb.runRow().getAttribute('data-run-id'))!;
  await page.reload();
  await expect(nb.runRow(runId)).toContainText('stopped');
});

test('a diverging loss stops the run with a message', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await nb.setField('base lr', '1e12');
  await nb.setField('warmup', '1');
  await page.getByTestId('pretrain.start').click();
  await nb.waitForStatus('diverged', 120_000);
  await expect(page.getByTestId('pretrain.message')).toContainText('Lower the learning rate');
  await expect(page.getByTestId('pretrain.start')).toBeEnabled();
});

test('a lost GPU device is reported and training continues from the last state', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await page.getByTestId('pretrain.start').click();
  // The device goes while the replayed step runs.
  await expect(page.getByTestId('pretrain.engine')).toHaveText('engine replay', { timeout: 120_000 });
  await page.evaluate(() => window.__cae.loseDevice!());
  await expect(page.getByTestId('notices')).toContainText('GPU device was lost', { timeout: 60_000 });
  const after = (await nb.state()).step;
  await nb.waitForStep(after + 2);
  expect((await nb.state()).status).toBe('running');
  await expect(page.getByTestId('backend.name')).toContainText('WebGPU');
  // A new engine on the new device: it traces the step on TF.js again, then replays.
  const recovered = Date.now();
  await page.waitForFunction(() => window.__cae.state().engines.join(' ') === 'tfjs replay tfjs replay', undefined, { timeout: 120_000, polling: 250 });
  const losses = (await nb.state()).losses.length;
  await expect.poll(async () => (await nb.state()).losses.length, { timeout: 60_000 }).toBeGreaterThan(losses);
  await expect(page.getByTestId('pretrain.engine')).toHaveText('engine replay');
  console.log(`replay again after the lost device: ${((Date.now() - recovered) / 1000).toFixed(1)} s`);
});

test('a crashed worker is reported and replaced by a new one', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await page.evaluate(() => window.__cae.crashWorker!());
  await expect(page.getByTestId('notices')).toContainText('The training worker stopped (it crashed');
  await expect(page.getByTestId('backend.name')).toContainText('WebGPU', { timeout: 90_000 });
  await expect(page.getByTestId('pretrain.start')).toBeEnabled();
});
