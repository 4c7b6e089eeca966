import { expect, test } from '@playwright/test';
import { Notebook } from './notebook';

test('probes a briefly pretrained micro encoder: both curves, the table and an attention map', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await nb.pretrainBriefly(4);

  // The finished run's encoder is offered beside random init.
  const runId = await page.getByTestId('runs.list').locator('tr[data-run-id]').first().getAttribute('data-run-id');
  await expect(page.getByTestId('probe.encoder').locator(`option[value="${runId}"]`)).toHaveCount(1);
  await nb.probeBriefly(runId!, { epochs: 2, train: 96, val: 40, batch: 32 });

  const p = await page.evaluate(() => window.__cae.probe());
  expect(p.epochs).toBe(2);
  await expect.poll(async () => Number(await page.getByTestId('probe.chart').getAttribute('data-points'))).toBe(2);
  await expect(page.getByTestId('probe.chart').locator('.scatterlayer .trace')).toHaveCount(4);
  const row = page.getByTestId('probe.table').locator('tr[data-result-id]').first();
  await expect(row).toContainText(runId!);
  await expect(row.locator('[data-col="lin"]')).toHaveText(/^\d+\.\d$/);
  await expect(row.locator('[data-col="att"]')).toHaveText(/^\d+\.\d$/);
  await expect(page.getByTestId('probe.status')).toContainText('features cached once');
  expect(await nb.canvasSpread('probe.attention.map')).toBeGreaterThan(20);

  // The table persists across a reload.
  await page.reload();
  await expect(page.getByTestId('probe.table').locator('tr[data-result-id]')).toHaveCount(1);
  expect(nb.pageErrors).toEqual([]);
});
