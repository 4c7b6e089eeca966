// A sweep of micro with alignment on and off, end to end: two runs queued one at a time, each
// probed with both probes, the grid filled, kept across a reload, exported as CSV.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { Notebook } from './notebook';

test.setTimeout(900_000);

test('a two-value sweep of micro fills its grid, survives a reload and exports CSV', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await nb.setField('steps', '3');
  await nb.setField('warmup', '1');
  await nb.view('probe');
  await nb.setField('ATT epoch cap', '1');
  await nb.setField('training images', '40');
  await nb.setField('test images', '20');
  await nb.setField('probe batch', '10');
  await nb.view('sweep');
  await page.getByTestId('sweep.field.0').selectOption('model.alignment');
  await page.getByTestId('sweep.values.0').fill('on, off');
  await page.getByTestId('sweep.start').click();
  // It starts only once its runs and their cost are confirmed.
  await expect(page.getByTestId('sweep.confirm.runs').locator('li')).toHaveText([/^alignment loss on: /, /^alignment loss off: /]);
  await page.getByTestId('sweep.confirm.start').click();
  const grid = page.getByTestId('sweep.grid');
  await expect(grid.getByTestId('sweep.row')).toHaveCount(2);
  await expect(grid.locator('[data-testid="sweep.row"][data-status="done"]')).toHaveCount(2, { timeout: 800_000 });
  for (const cell of await grid.getByTestId('sweep.att').all()) await expect(cell).toHaveText(/^\d+\.\d ± \d+\.\d$/);
  await expect(grid.getByTestId('sweep.row').nth(1)).toContainText('off');
  // Both runs are in the runs list, and the grid is kept across a reload.
  const runs = (await grid.getByTestId('sweep.row').allInnerTexts()).map((t) => t.match(/run-[a-z0-9]+/)?.[0]);
  expect(new Set(runs).size).toBe(2);
  await page.reload(); // the open view is kept in the URL's hash
  await expect(page.getByTestId('sweep.grid').locator('[data-testid="sweep.row"][data-status="done"]')).toHaveCount(2, { timeout: 60_000 });
  for (const r of runs) await expect(nb.runRow(r!)).toBeVisible();
  // In the sidebar they sit together under their sweep, each named by its swept value.
  const group = page.getByTestId('runs.sweep');
  await expect(group).toHaveCount(1);
  await expect(group.locator('[data-run-id]')).toHaveCount(2);
  await expect(nb.runRow(runs[0]!).getByTestId('runs.select')).toHaveText('alignment on');
  await expect(nb.runRow(runs[1]!).getByTestId('runs.select')).toHaveText('alignment off');
  const download = page.waitForEvent('download');
  await page.getByTestId('sweep.csv').click();
  const csv = readFileSync(await (await download).path(), 'utf8');
  expect(csv.split('\n')[0]).toMatch(/^model\.alignment,status,total_loss/);
  expect(csv.trim().split('\n').length).toBe(3);
  expect(nb.pageErrors).toEqual([]);
});
