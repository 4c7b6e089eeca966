import { expect, test, type Page } from '@playwright/test';
import { BASE_ARGS, CHROMIUM } from './chromium';
import { Notebook } from './notebook';

// A browser without WebGPU: the same Chromium without the flags that enable it here. Its WebGL, where
// it has one, draws on SwiftShader (the CPU), so WebAssembly is the fallback chosen.
test.use({ launchOptions: { executablePath: CHROMIUM, args: BASE_ARGS } });

/** Seconds per training step of the default run, from the time steps `from` to `to` take. */
async function secondsPerStep(page: Page, nb: Notebook, from: number, to: number): Promise<number> {
  await nb.waitForStep(from);
  const t0 = Date.now();
  await nb.waitForStep(to);
  return (Date.now() - t0) / 1000 / (to - from);
}

test('without WebGPU the app falls back to WebAssembly, says so in the header, and trains', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  const name = page.getByTestId('backend.name');
  await expect(name).toContainText('WASM');
  await expect(name).toContainText('fallback');
  await expect(name).toContainText('SIMD');
  await expect(name).toContainText('slower than WebGPU');
  // The preview server sends COOP and COEP (vite.config.ts): the threaded build runs.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(name).toContainText(/\d+ threads?/);
  console.log(`header: ${await name.textContent()}`);
  expect((await nb.state()).backend).toBe('wasm');
  await expect(page.getByTestId('notices')).toContainText('WebGPU');
  await page.getByTestId('pretrain.start').click();
  const wasm = await secondsPerStep(page, nb, 2, 5);
  expect((await nb.state()).losses.every(Number.isFinite)).toBe(true);
  expect(nb.pageErrors).toEqual([]);
  // The same default run on TF.js's pure-JS CPU backend (forced, ?backend=cpu), for the figure the docs quote.
  await page.getByTestId('pretrain.stop').click();
  await nb.open('?backend=cpu');
  await expect(name).toContainText('CPU');
  await page.getByTestId('pretrain.start').click();
  const cpu = await secondsPerStep(page, nb, 2, 4);
  // Logged, not asserted: on a shared 2-core machine a few steps of micro time the neighbours too.
  console.log(`default run in Chromium without WebGPU: WASM ${wasm.toFixed(2)} s/step, CPU ${cpu.toFixed(2)} s/step (${(cpu / wasm).toFixed(1)}×)`);
  expect(Number.isFinite(cpu) && cpu > 0).toBe(true);
});
