// Forms that check as you type and cost before commitment (issue 25, items 2 and 3): bad values
// are named beside their fields in words, Start stays off with its reason, fixing them clears
// everything, warmup follows the steps, estimates show before Start, and a sweep preset fills the
// editor and starts only after a confirmation that lists its runs.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { Notebook } from './notebook';

const input = (page: Page, key: string) => page.locator(`#field-${key}`);
const problem = (page: Page, key: string) => page.getByTestId(`problem.${key}`);

for (const width of [1280, 390]) {
  test(`the pretraining form checks as you type at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: 844 });
    const nb = new Notebook(page);
    await nb.open();
    await nb.view('pretrain');
    const start = page.getByTestId('pretrain.start');
    await expect(start).toBeEnabled();
    // Before Start: the run's time (unknown on a fresh browser) and its storage.
    await expect(page.getByTestId('pretrain.estimate')).toContainText('Time: unknown until the first steps');
    await expect(page.getByTestId('pretrain.estimate')).toContainText(/Storage: about \d+(\.\d+)? (kB|MB)/);

    await input(page, 'batchSize').fill('0');
    await input(page, 'totalSteps').fill('-5');
    await input(page, 'maskRatio').fill('1.5');
    await input(page, 'baseLr').fill('');
    await expect(problem(page, 'batchSize')).toHaveText('Batch must be a whole number of at least 1 (got 0)');
    await expect(problem(page, 'totalSteps')).toHaveText('Steps must be a whole number of at least 1 (got -5)');
    await expect(problem(page, 'maskRatio')).toHaveText('Mask ratio must be between 0 and 1 (got 1.5)');
    await expect(problem(page, 'baseLr')).toHaveText('Base lr is empty: enter a number');
    for (const key of ['batchSize', 'totalSteps', 'maskRatio', 'baseLr']) {
      await expect(input(page, key)).toHaveAttribute('aria-invalid', 'true');
      await expect(input(page, key)).toHaveAttribute('aria-describedby', `field-${key}-problem`);
    }
    await expect(start).toBeDisabled();
    await expect(page.getByTestId('pretrain.start-reason')).toContainText('Start needs 4 fixes');
    await expect(page.getByTestId('pretrain.start-reason')).toBeVisible();
    await expect(page.getByTestId('pretrain.lr-note')).not.toContainText(/\d×/);
    await expect(page.getByTestId('notices')).not.toContainText(/must|config/);

    // Fixed: every message is gone, and Start is on. Steps of 40 take warmup with them.
    await input(page, 'batchSize').fill('8');
    await input(page, 'totalSteps').fill('40');
    await input(page, 'maskRatio').fill('0.5');
    await input(page, 'baseLr').fill('0.2');
    await expect(page.locator('[aria-invalid="true"]')).toHaveCount(0);
    await expect(page.locator('.field-problem')).toHaveCount(0);
    await expect(page.getByTestId('pretrain.start-reason')).toHaveCount(0);
    await expect(input(page, 'warmupSteps')).toHaveValue('1'); // 533 of 16 000 steps, held as a share
    await expect(start).toBeEnabled();
    await expect(page.getByTestId('pretrain.lr-note')).toContainText(/raises it \d+× so a short run/);
    // A warmup past the steps is said, not silently fixed.
    await input(page, 'warmupSteps').fill('40');
    await expect(problem(page, 'warmupSteps')).toHaveText("Warmup must be a whole number from 0 to below the run's steps (40) (got 40)");
    await expect(start).toBeDisabled();
    await input(page, 'warmupSteps').fill('4');
    await expect(start).toBeEnabled();
    expect(nb.pageErrors).toEqual([]);
  });
}

test('the run estimate uses the speed this device measured for the preset', async ({ page }) => {
  test.setTimeout(300_000); // a dozen micro steps on SwiftShader
  const nb = new Notebook(page);
  await nb.open();
  await input(page, 'totalSteps').fill('12');
  await page.getByTestId('pretrain.start').click();
  await nb.waitForStatus('done', 240_000);
  const estimate = page.getByTestId('pretrain.estimate');
  await expect(estimate).toContainText(/Time: about .* on this device \([\d.]+ img\/s, measured by your last micro run here, (replay|tfjs) engine\)/);
  // It is kept for the next visit.
  await page.reload();
  await expect(page.getByTestId('backend.name')).not.toHaveText('starting…', { timeout: 90_000 });
  await expect(page.getByTestId('pretrain.estimate')).toContainText('measured by your last micro run here');
});

test('a sweep preset fills the editor, bad values are refused in words, and the sweep starts only after a confirmation', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await nb.view('sweep');
  await page.getByTestId('sweep.preset.mask-ratio').click();
  await expect(page.getByTestId('sweep.values.0')).toHaveValue('0.25, 0.5, 0.75');
  await expect(page.getByTestId('sweep.field.0')).toHaveValue('model.maskRatio');
  await expect(page.getByTestId('sweep.field.0').locator('option:checked')).toHaveText('mask ratio');
  await expect(page.getByTestId('sweep.grid')).toHaveCount(0); // nothing started
  await expect(page.getByTestId('sweep.estimate')).toContainText(/^3 runs\. Time: unknown until the first steps.*Storage: about/);

  await page.getByTestId('sweep.values.0').fill('0.5, 2');
  await expect(page.getByTestId('sweep.problem.0')).toHaveText('Mask ratio must be between 0 and 1 (got 2)');
  await expect(page.getByTestId('sweep.values.0')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('sweep.start')).toBeDisabled();
  await expect(page.getByTestId('sweep.start-reason')).toContainText('Mask ratio must be between 0 and 1');

  await page.getByTestId('sweep.values.0').fill('0.25, 0.75');
  await expect(page.getByTestId('sweep.problem.0')).toHaveCount(0);
  await page.getByTestId('sweep.start').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('sweep.confirm.runs').locator('li')).toHaveText([/^mask ratio 0\.25: /, /^mask ratio 0\.75: /]);
  await expect(dialog.getByTestId('sweep.confirm.estimate')).toContainText('2 runs. Time:');
  await dialog.getByTestId('sweep.confirm.cancel').click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('sweep.grid')).toHaveCount(0);
  expect((await nb.state()).status).not.toBe('running');
  expect(nb.pageErrors).toEqual([]);
});

test('the evaluation recipe checks as you type and shows its cost before Start', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await nb.view('probe');
  const start = page.getByTestId('probe.start');
  await expect(start).toBeEnabled();
  await expect(page.getByTestId('probe.estimate')).toContainText('Time: unknown until the first evaluation of these readouts on micro has run here');
  await expect(page.getByTestId('probe.estimate')).toContainText(/Storage: about \d+ kB of results/);
  await page.getByTestId('probe.seeds').fill('0');
  await page.getByLabel('probe batch', { exact: true }).fill('2.5');
  await expect(page.getByTestId('problem.probe.seeds')).toHaveText('Seeds must be a whole number from 1 to 10 (got 0)');
  await expect(page.getByTestId('problem.eval.probeBatch')).toHaveText('Probe batch must be a whole number of at least 1 (got 2.5)');
  await expect(page.getByTestId('probe.seeds')).toHaveAttribute('aria-invalid', 'true');
  await expect(start).toBeDisabled();
  await expect(page.getByTestId('probe.start-reason')).toContainText('Start needs 2 fixes');
  await page.getByTestId('probe.seeds').fill('2');
  await page.getByLabel('probe batch', { exact: true }).fill('32');
  await expect(page.locator('[aria-invalid="true"]')).toHaveCount(0);
  await expect(page.getByTestId('probe.start-reason')).toHaveCount(0);
  await expect(start).toBeEnabled();
  expect(nb.pageErrors).toEqual([]);
});

test('the inline messages, the reasons beside Start and the sweep confirmation pass axe in both schemes', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await input(page, 'maskRatio').fill('1.5');
  await input(page, 'baseLr').fill('');
  await nb.view('probe');
  await page.getByTestId('probe.seeds').fill('0');
  await nb.view('sweep');
  await page.getByTestId('sweep.values.0').fill('on, maybe');
  await expect(page.getByTestId('sweep.problem.0')).toHaveText('alignment loss: "maybe" is not on/off');
  await page.getByTestId('sweep.values.0').fill('on, off');
  // The sweep cannot start while the pretraining recipe has problems; it says so.
  await expect(page.getByTestId('sweep.start-reason')).toContainText(
    'The sweep cannot start. The pretraining recipe cannot start a run (fix it in the Pretrain view): Base lr is empty: enter a number. Mask ratio must be between 0 and 1 (got 1.5).',
  );
  await expect(page.getByTestId('sweep.problem.0')).toHaveCount(0); // the knob is not blamed for the base recipe
  await nb.view('pretrain');
  await input(page, 'maskRatio').fill('0.5');
  await input(page, 'baseLr').fill('0.2');
  await nb.view('sweep');
  await expect(page.getByTestId('sweep.start-reason')).toHaveText(
    'The sweep cannot start. The evaluation recipe cannot start (fix it in the Probe view): Seeds must be a whole number from 1 to 10 (got 0).',
  );
  await nb.view('probe');
  await page.getByTestId('probe.seeds').fill('1');
  await nb.view('sweep');
  await page.getByTestId('sweep.start').click();
  await expect(page.getByRole('dialog')).toBeVisible();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const view of ['sweep', 'probe', 'pretrain'] as const) {
      if (view !== 'sweep') await nb.view(view);
      if (view === 'pretrain') await input(page, 'maskRatio').fill('1.5');
      const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const bad = r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(bad, `${colorScheme} ${view}`).toEqual([]);
    }
    await nb.view('sweep');
  }
});

test("the Probe form reads an encoder at its preset's own ATT rate until one is typed", async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  const rate = page.getByTestId('eval.sgdLr');
  const note = page.getByTestId('probe.att-lr');
  // Random init reads the pretraining form's preset: mini's ×16 (chosen for it on the validation split), micro's ×64.
  await nb.view('pretrain');
  await page.getByTestId('pretrain.preset').selectOption('mini');
  await nb.view('probe');
  await expect(rate).toHaveValue('6.4');
  await expect(note).toContainText("mini's own rate, chosen for it on the validation split");
  await nb.view('pretrain');
  await page.getByTestId('pretrain.preset').selectOption('micro');
  await nb.view('probe');
  await expect(rate).toHaveValue('25.6');
  await expect(note).not.toContainText('own rate');
  // A typed rate is the user's on every preset.
  await rate.fill('3.2');
  await nb.view('pretrain');
  await page.getByTestId('pretrain.preset').selectOption('mini');
  await nb.view('probe');
  await expect(rate).toHaveValue('3.2');
  await expect(note).toContainText('peak lr 0.025 = 3.2 × 64 / 8192');
  await expect(note).not.toContainText('own rate');
  expect(nb.pageErrors).toEqual([]);
});
