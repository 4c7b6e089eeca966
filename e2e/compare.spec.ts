// Two runs in one notebook: the probe's encoder and the lab's model follow the newest one, the
// sidebar renames and compares them, and the compare chart overlays both with what differs.
import { expect, test } from '@playwright/test';
import { Notebook } from './notebook';

test('two runs: the probe and the lab follow the newest, and the compare chart overlays both', async ({ page }) => {
  test.setTimeout(600_000); // SwiftShader on a shared machine: two short runs take minutes
  const nb = new Notebook(page);
  await nb.open();
  const probeEncoder = page.getByTestId('probe.encoder');
  const labModel = page.getByTestId('lab.model');

  // Run A: while it trains the lab shows it live, and the probe reads its first kept checkpoint.
  await nb.view('pretrain');
  await page.getByTestId('pretrain.start').click();
  await nb.waitForStep(3);
  const a = (await nb.runRow().getAttribute('data-run-id'))!;
  await nb.view('lab');
  await expect(labModel).toHaveValue('current');
  await expect(page.getByTestId('lab.model-follows')).toBeVisible();
  await nb.view('probe');
  await expect(probeEncoder).toHaveValue(a);
  await nb.view('pretrain');
  // Space pauses and resumes when focus is not in a field.
  await page.locator('header h1').click();
  await page.keyboard.press('Space');
  await nb.waitForStatus('paused');
  await page.keyboard.press('Space');
  await nb.waitForStatus('running');
  await page.getByTestId('pretrain.stop').click();
  await nb.waitForStatus('stopped');

  // Run B, with another mask ratio: both defaults move to it.
  await nb.setField('mask ratio', '0.25');
  await nb.pretrainBriefly(3);
  const b = (await nb.runRow().getAttribute('data-run-id'))!;
  expect(b).not.toBe(a);
  await nb.view('probe');
  await expect(probeEncoder).toHaveValue(b);
  await nb.view('lab');
  await expect(labModel).toHaveValue('current');

  // Rename and annotate A in the sidebar; its sparkline shows its loss.
  const rowA = nb.runRow(a);
  await nb.selectRun(rowA);
  await rowA.getByTestId('runs.name').fill('baseline');
  await rowA.getByTestId('runs.name').press('Enter');
  await expect(rowA.getByTestId('runs.select')).toHaveText('baseline');
  await rowA.getByTestId('runs.notes').fill('mask ratio 0.5');
  await rowA.getByTestId('runs.notes').blur();
  await expect(rowA.getByTestId('runs.sparkline').locator('polyline')).toHaveCount(1);

  // Compare: both curves, named by name and id, and the one field that differs.
  for (const id of [a, b]) await nb.runRow(id).getByTestId('runs.compare').check();
  await nb.view('compare');
  const chart = page.getByTestId('compare.chart');
  await expect(chart).toHaveAttribute('data-traces', '2');
  await expect(chart.locator('.scatterlayer .trace')).toHaveCount(2);
  // An unnamed run is called by its preset and what differs from its defaults, with its id.
  await expect(chart.locator('.legendtext')).toHaveText([`baseline (${a})`, new RegExp(`^micro · mask 0\\.25 · .*steps \\(${b}\\)$`)]);
  const diff = page.getByTestId('compare.diff');
  await expect(diff.locator('tr[data-field]')).toHaveCount(1);
  await expect(diff.locator('tr[data-field="model.maskRatio"]')).toContainText('0.25');
  await expect(diff.locator('tr[data-field="model.maskRatio"] td').first()).toHaveText('mask ratio'); // its label, not its code key
  await page.getByTestId('compare.axis').selectOption('images');
  await expect(chart.locator('.xtitle')).toHaveText('images seen');
  await page.getByTestId('compare.metric').selectOption('reconstruction');
  await expect(chart.locator('.ytitle')).toHaveText('reconstruction loss');
  await expect(chart.locator('.scatterlayer .trace')).toHaveCount(2);

  // After a reload there is no run in progress: both defaults are the newest kept run, and the names stay.
  await page.reload();
  await expect(nb.runRow(a).getByTestId('runs.select')).toHaveText('baseline');
  await expect(nb.runRow(a)).toContainText('mask ratio 0.5');
  await nb.view('probe');
  await expect(probeEncoder).toHaveValue(b);
  await nb.view('lab');
  await expect(labModel).toHaveValue(b);
  expect(nb.pageErrors).toEqual([]);
});
