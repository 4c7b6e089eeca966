import { expect, test } from '@playwright/test';
import { Notebook } from './notebook';
import { DEFAULT_EXPERIMENT } from '../src/train/evalDefaults';

test('evaluates a briefly pretrained micro encoder four ways beside its random-init baseline', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await nb.view('probe');
  // The first-run defaults: the learnable embedded set, and a note on the budget they assume.
  await expect(page.getByTestId('probe.dataset')).toHaveValue('shapes-easy');
  await expect(page.getByTestId('probe.budget')).toContainText(`micro pretrained for ${DEFAULT_EXPERIMENT.pretrainSteps} steps`);
  // No micro run has trained here yet: its time on this device is unknown, and says so.
  await expect(page.getByTestId('probe.budget-time')).toContainText('unknown until a micro run has trained its first steps here');
  // What a wider, deeper encoder showed, under the default's findings.
  await expect(page.getByTestId('probe.wider-findings')).toContainText('A wider, deeper encoder');
  await expect(page.getByTestId('probe.lin-lr')).toContainText('× 64 / 256');
  await nb.pretrainBriefly(4);

  // The encoder follows the run just made: no need to pick it.
  const runId = (await nb.runRow().getAttribute('data-run-id'))!;
  await nb.view('probe');
  await expect(page.getByTestId('probe.encoder')).toHaveValue(runId);
  // Now a micro run has measured its speed here: the note turns it into the default pretraining's time.
  await expect(page.getByTestId('probe.budget-time')).toContainText(/takes about .+ on this device \(at the \d+ img\/s your micro run measured\)/);
  await nb.probeBriefly(runId, { epochs: 2, train: 64, val: 20, batch: 32, evals: ['lin', 'att', 'knn', 'ft'], baseline: true, ftEpochs: 1 });

  const p = await page.evaluate(() => window.__cae.probe());
  expect(p.epochs).toBe(2);
  // LIN is a logistic regression (no curve): ATT's loss and top-1, fine-tuning's, and chance.
  expect(p.linear).toEqual([]);
  await expect.poll(async () => Number(await page.getByTestId('probe.chart').getAttribute('data-points'))).toBe(2);
  await expect.poll(async () => Number(await page.getByTestId('probe.chart').getAttribute('data-ft-points'))).toBe(1);
  await expect(page.getByTestId('probe.chart').locator('.scatterlayer .trace')).toHaveCount(5);
  const rows = page.getByTestId('probe.table').locator('tr[data-result-id]');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText(runId);
  await expect(rows.nth(1)).toHaveAttribute('data-role', 'baseline');
  await expect(rows.nth(0).locator('[data-col="split"]')).toHaveText('test');
  for (const col of ['lin', 'att', 'knn-cls', 'knn-mean', 'ft']) {
    // One seed, said so; the trained readouts say how their training ended.
    await expect(rows.nth(1).locator(`[data-col="${col}"]`)).toHaveText(/^\d+\.\d ± \d+\.\d \(1 seed\)/);
    // The pretrained cell says how far it stands from the baseline, in standard errors.
    await expect(rows.nth(0).locator(`[data-col="${col}"]`)).toHaveText(/^\d+\.\d ± \d+\.\d \(1 seed\)[+-]\d+\.\d SE/);
  }
  // LIN converged (a convex fit); ATT stopped at its cap of 2 epochs, shown in red as not converged.
  await expect(rows.nth(0).locator('[data-col="lin"] [data-fit]')).toHaveAttribute('data-fit', 'converged');
  await expect(rows.nth(0).locator('[data-col="lin"] [data-fit]')).toContainText(/converged · λ [\d.e-]+ · \d+ it/);
  await expect(rows.nth(0).locator('[data-col="att"] [data-fit]')).toHaveAttribute('data-fit', 'not-converged');
  await expect(rows.nth(0).locator('[data-col="att"] [data-fit]')).toContainText(/stopped · 2 ep · loss/);
  await expect(page.getByTestId('probe.status')).toContainText('features cached once');
  expect(await nb.canvasSpread('probe.attention.map')).toBeGreaterThan(20);

  // The table persists across a reload.
  await page.reload();
  await expect(page.getByTestId('probe.table').locator('tr[data-result-id]')).toHaveCount(2);
  expect(nb.pageErrors).toEqual([]);
});
