import { expect, test } from '@playwright/test';
import { Notebook } from './notebook';

test('probes a briefly pretrained micro encoder: both curves, the table and an attention map', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await nb.pretrainBriefly(4);

  // The finished run's encoder is offered beside random init.
  const runId = await page.getByTestId('runs.list').locator('tr[data-run-id]').first().getAttribute('data-run-id');
  await expect(page.getByTestId('probe.encoder').locator(`option[value="${runId}"]`)).toHaveCount(1);
  await page.getByTestId('probe.encoder').selectOption(runId!);
  await nb.setField('epochs', '2');
  await nb.setField('training images', '96');
  await nb.setField('validation images', '40');
  await nb.setField('probe batch', '32');
  await page.getByTestId('probe.start').click();
  await page.waitForFunction(() => window.__cae.probe().status === 'done', undefined, { timeout: 180_000, polling: 500 });

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
