// How heavy the page is: time until the notebook is usable, and the main thread's long tasks while a
// micro run trains at the default chart refresh. On SwiftShader the GPU work is slow, but the main
// thread's share (React, the charts, IndexedDB) is the same code a GPU runs; docs/performance.md
// keeps the figures.
import { expect, test, type Browser } from '@playwright/test';
import { Notebook } from './notebook';

// Minutes of SwiftShader for figures, not checks of speed in timed CI: run on request,
// `CAE_PERF=1 npx playwright test e2e/perf.spec.ts`.
test.skip(!process.env.CAE_PERF, 'set CAE_PERF=1 to measure');

type Probe = { __usable?: number; __ready?: number; __longTasks: { ms: number; at: number; step: number }[]; __cae?: { state(): { step: number } } };

/**
 * Records when the first control (the preset select) can be used and when Start first becomes
 * enabled (the worker's backend is up), in ms since navigation, and every long task (> 50 ms).
 */
function instrument(): void {
  const w = window as unknown as Probe;
  w.__longTasks = [];
  const step = () => w.__cae?.state().step ?? -1;
  new PerformanceObserver((l) => l.getEntries().forEach((e) => w.__longTasks.push({ ms: e.duration, at: e.startTime, step: step() }))).observe({
    type: 'longtask',
    buffered: true,
  });
  const check = () => {
    if (w.__usable === undefined && document.querySelector('[data-testid="pretrain.preset"]:not([disabled])')) w.__usable = performance.now();
    if (w.__ready === undefined && document.querySelector('[data-testid="pretrain.start"]:not([disabled])')) w.__ready = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeToStart(browser: Browser): Promise<{ usable: number; ready: number }> {
  const context = await browser.newContext(); // a cold cache each time
  const page = await context.newPage();
  await page.addInitScript(instrument);
  await page.goto('/');
  await expect(page.getByTestId('pretrain.start')).toBeEnabled({ timeout: 90_000 });
  const t = await page.evaluate(() => {
    const w = window as unknown as Probe;
    return { usable: w.__usable!, ready: w.__ready! };
  });
  await context.close();
  return t;
}

test('time to the first usable control and to an enabled Start button, cold, median of five', async ({ browser }) => {
  const times: { usable: number; ready: number }[] = [];
  for (let i = 0; i < 5; i++) times.push(await timeToStart(browser));
  const usable = times.map((t) => t.usable);
  const ready = times.map((t) => t.ready);
  console.log(`time to a usable preset select (ms): ${usable.map(Math.round).join(', ')}; median ${Math.round(median(usable))}`);
  console.log(`time to an enabled Start (ms): ${ready.map(Math.round).join(', ')}; median ${Math.round(median(ready))}`);
});

test('main-thread long tasks from Start until micro has trained 20 steps', async ({ page }) => {
  test.setTimeout(600_000); // SwiftShader on a shared CPU may take seconds a step
  const nb = new Notebook(page);
  await page.addInitScript(instrument);
  await nb.open();
  await page.getByTestId('pretrain.preset').selectOption('micro');
  await page.evaluate(() => ((window as unknown as Probe).__longTasks = []));
  await page.getByTestId('pretrain.start').click();
  await nb.waitForStep(20, 480_000);
  const tasks = await page.evaluate(() => (window as unknown as Probe).__longTasks);
  await page.getByTestId('pretrain.stop').click();
  await nb.waitForStatus('stopped');
  const longest = Math.max(0, ...tasks.map((t) => t.ms));
  const at = (t: { ms: number; step: number }) => `${Math.round(t.ms)}@step${t.step}`;
  console.log(`long tasks while training (ms@step): [${tasks.map(at).join(', ')}]; longest ${Math.round(longest)}`);
  expect(nb.pageErrors).toEqual([]);
  // The aim (issue 15) is none at all: the default view redraws the loss chart once a second and
  // the runs list every two, and none of that may hold the main thread for 50 ms. On the shared
  // 2-core machine the tests run on (load average 10–18 beside SwiftShader) the page's thread is
  // descheduled for long stretches, so a few tasks with 10–20 ms of sampled script still last 50–150
  // ms of wall time there; what is asserted is the bound that separates this from how it was before
  // (36 long tasks, up to 729 ms, in the same window): see docs/performance.md.
  expect(tasks.length, 'long tasks from Start to step 20').toBeLessThanOrEqual(5);
  expect(longest, 'longest task from Start to step 20 (ms)').toBeLessThan(200);
});
