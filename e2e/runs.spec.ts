// Runs people recognize and revisit (issue 25, item 6): readable default names, a selected run's
// curves and reconstructions in Pretrain, the recipe and the Compare ticks kept over a reload, the
// Lab listing each run once ("live" only while it trains), hand-off buttons only once it stops.
import { expect, test } from '@playwright/test';
import { expectAccessibleInBothSchemes } from './axe';
import { Notebook } from './notebook';

test('runs are named readably, revisited in Pretrain, and what the user set survives a reload', async ({ page }) => {
  test.setTimeout(600_000); // two short runs on SwiftShader
  const nb = new Notebook(page);
  await nb.open();
  await nb.view('pretrain');
  await page.getByTestId('pretrain.start').click();
  await nb.waitForStep(2);
  const a = (await nb.runRow().getAttribute('data-run-id'))!;
  const rowA = nb.runRow(a);
  // The preset and the run's length, not `run-mxc812zc`; the id stays in the tooltip.
  await expect(rowA.getByTestId('runs.select')).toHaveText(/^micro · \d+(\.\d+)?k? steps$/);
  await expect(rowA.getByTestId('runs.select')).toHaveAttribute('title', new RegExp(a));

  // While it trains: no export or hand-off, and the lab lists it once, live.
  await nb.selectRun(rowA);
  await expect(rowA.getByTestId('runs.handoffLater')).toBeVisible();
  for (const id of ['ckpt.export', 'ckpt.flags', 'ckpt.encoder', 'ckpt.downstream', 'runs.curve']) await expect(rowA.getByTestId(id)).toHaveCount(0);
  await nb.view('lab');
  const labOptions = page.getByTestId('lab.model').locator('option', { hasText: a });
  await expect(labOptions).toHaveCount(1);
  await expect(labOptions).toContainText('live');

  await nb.view('pretrain');
  await page.getByTestId('pretrain.stop').click();
  await nb.waitForStatus('stopped');
  await expect(rowA.getByTestId('ckpt.export')).toBeVisible();
  await expect(rowA.getByTestId('ckpt.flags')).toBeVisible();
  await expect(rowA.getByTestId('runs.handoffLater')).toHaveCount(0);
  await nb.view('lab');
  await expect(labOptions).toHaveCount(1);
  await expect(labOptions).not.toContainText('live');

  // The recipe being edited and the Compare tick survive a reload.
  await nb.view('pretrain');
  await nb.setField('mask ratio', '0.75');
  await rowA.getByTestId('runs.compare').check();
  await page.reload();
  await expect(page.getByTestId('backend.name')).not.toHaveText('starting…', { timeout: 90_000 });
  await expect(page.getByLabel('mask ratio', { exact: true })).toHaveValue('0.75');
  await expect(nb.runRow(a).getByTestId('runs.compare')).toBeChecked();
  // Pretrain shows the kept run with its curves and last reconstructions, not an empty invitation.
  const kept = page.getByTestId('pretrain.kept');
  await expect(kept).toHaveAttribute('data-run-id', a);
  await expect(nb.runRow(a).getByTestId('runs.select')).toHaveAttribute('aria-current', 'true');
  await expect(page.getByText('Choose a preset and press Start.')).toHaveCount(0);
  await expect(kept.getByTestId('pretrain.loss-chart')).not.toHaveAttribute('data-points', '0');
  await expect(kept.getByTestId('pretrain.recon')).not.toHaveAttribute('data-step', '-1');
  await expect(kept.getByTestId('pretrain.recon.composite').first()).toBeVisible();
  // The kept run's view passes axe in both schemes, as the live one does.
  await expectAccessibleInBothSchemes(page, nb);
  await page.emulateMedia({ colorScheme: 'light' });
  await nb.view('pretrain');

  // A second run, from the kept recipe: its name says what differs from the preset.
  await nb.pretrainBriefly(2);
  const b = (await nb.runRow().getAttribute('data-run-id'))!;
  expect(b).not.toBe(a);
  await expect(nb.runRow(b).getByTestId('runs.select')).toHaveText(/^micro · mask 0\.75 · .*steps$/);
  await expect(kept).toHaveCount(0); // the run this page started shows live

  // Clicking the first run shows its curves in Pretrain; a button goes back to this page's run.
  await nb.runRow(a).getByTestId('runs.select').click();
  await expect(kept).toHaveAttribute('data-run-id', a);
  await expect(kept.getByTestId('pretrain.loss-chart')).not.toHaveAttribute('data-points', '0');
  await page.getByTestId('pretrain.showLive').click();
  await expect(kept).toHaveCount(0);
  await expect(page.getByTestId('pretrain.loss-chart')).not.toHaveAttribute('data-points', '0');
  expect(nb.pageErrors).toEqual([]);
});
