import { expect, test } from '@playwright/test';
import { BASE_ARGS, CHROMIUM } from './chromium';
import { Notebook } from './notebook';

// A browser without WebGPU: the same Chromium without the flags that enable it here.
test.use({ launchOptions: { executablePath: CHROMIUM, args: BASE_ARGS } });

test('without WebGPU the app falls back, says so plainly, and still trains', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await expect(page.getByTestId('backend.name')).toContainText('fallback');
  await expect(page.getByTestId('notices')).toContainText('WebGPU');
  await page.getByTestId('pretrain.start').click();
  await nb.waitForStep(2);
  expect((await nb.state()).losses.every(Number.isFinite)).toBe(true);
});
