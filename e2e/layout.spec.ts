// Issue 25, item 1: every view fits every window from 360 px up (no sideways page scroll, the runs
// sidebar a drawer on narrow windows, headings whole), the results table shows every readout, and
// the Probe view says why it refused a Start beside that button.
import { expect, test, type Page } from '@playwright/test';
import { pageWidth, VIEW_IDS, wordPerLineHeadings } from './layoutProbe';
import { Notebook } from './notebook';

async function expectEveryViewFits(page: Page, nb: Notebook, widths: readonly number[]): Promise<void> {
  for (const width of widths) {
    await page.setViewportSize({ width, height: 800 });
    const drawer = page.getByTestId('runs.drawer');
    // Narrow: the runs are a drawer above the views, closed until asked for; wide: the sidebar, no toggle.
    if (width <= 800) {
      await expect(drawer).toBeVisible();
      await expect(page.getByRole('complementary', { name: 'runs' })).toBeHidden();
    } else {
      await expect(drawer).toBeHidden();
      await expect(page.getByRole('complementary', { name: 'runs' })).toBeVisible();
    }
    for (const open of width <= 800 ? [false, true] : [false]) {
      if (open) {
        await drawer.click();
        await expect(drawer).toHaveAttribute('aria-expanded', 'true');
        await expect(nb.runRow()).toBeVisible();
      }
      for (const id of VIEW_IDS) {
        await nb.view(id);
        const w = await pageWidth(page);
        expect(w.scroll, `${id} at ${width} px${open ? ', runs open' : ''}: ${w.over.join('; ')}`).toBeLessThanOrEqual(w.inner);
        expect(await wordPerLineHeadings(page), `${id} at ${width} px`).toEqual([]);
      }
      if (open) await drawer.click();
    }
  }
}

test('with a run and all four readouts in the table, no view scrolls sideways from 360 to 1280 px, and the table shows every readout', async ({ page }) => {
  test.setTimeout(600_000);
  const nb = new Notebook(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await nb.open();
  await nb.pretrainBriefly(1);
  await nb.probeBriefly('random', { epochs: 1, warmup: 0, train: 32, val: 16, batch: 16, evals: ['lin', 'att', 'knn', 'ft'], ftEpochs: 1 });

  // At 1280 px the results table's every column is in view, with no scrolling of its own.
  await nb.view('probe');
  const region = page.getByRole('region', { name: 'evaluation results' });
  const row = page.getByTestId('probe.table').locator('tr[data-result-id]').first();
  const cols = ['lin', 'att', 'knn-cls', 'knn-mean', 'ft'];
  const inView = async () => {
    const box = (await region.boundingBox())!;
    expect(await region.evaluate((r) => r.scrollWidth - r.clientWidth)).toBeLessThanOrEqual(0);
    for (const c of cols) {
      const cell = row.locator(`[data-col="${c}"]`);
      await expect(cell).toHaveText(/^\d+\.\d ± \d+\.\d/);
      const b = (await cell.boundingBox())!;
      expect(b.x, c).toBeGreaterThanOrEqual(box.x - 0.5);
      expect(b.x + b.width, c).toBeLessThanOrEqual(box.x + box.width + 0.5);
      expect(b.x + b.width, c).toBeLessThanOrEqual(page.viewportSize()!.width);
    }
  };
  await inView();
  // Headers whole: none broken inside a word (a squeezed "FT" would stand as F over T).
  const heads = await page
    .getByTestId('probe.table')
    .locator('th')
    .evaluateAll((ths) => ths.map((th) => th.getBoundingClientRect().height));
  expect(new Set(heads).size, `header heights ${heads.join(', ')}`).toBe(1);
  // The setting of each row sits under its encoder's name.
  await expect(row.locator('[data-col="split"]')).toHaveText('test');
  await expect(row.locator('[data-col="chance"]')).toHaveText('10');

  // At 390 px each row stacks into labelled lines: still every readout, still no scrolling.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId('probe.table').locator('thead')).toBeHidden();
  await inView();
  expect(await row.locator('[data-col="att"]').evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"ATT"');

  await expectEveryViewFits(page, nb, [360, 390, 768, 1280]);
  expect(nb.pageErrors).toEqual([]);
});

for (const width of [1280, 390]) {
  test(`at ${width} px the Probe view's refusal names each failing condition beside Start evaluation`, async ({ page }) => {
    await page.setViewportSize({ width, height: 800 });
    const nb = new Notebook(page);
    await nb.open();
    await nb.view('probe');
    await nb.setField('training images', '5');
    await nb.setField('test images', '0');
    const start = page.getByTestId('probe.start');
    // Start stays in view at the bottom of the long form, wherever the user has scrolled to in it.
    await expect(start).toBeInViewport();
    // The form checks as it is typed: Start is disabled, and the reason sits right under it, in view.
    await expect(start).toBeDisabled();
    const reason = page.getByTestId('probe.start-reason');
    await expect(reason).toHaveText(/^Start needs 2 fixes, each shown beside its field: Training images must be at least one probe batch \(64\) \(got 5\)/);
    await expect(reason).toBeInViewport();
    const [s, e] = [(await start.boundingBox())!, (await reason.boundingBox())!];
    expect(e.y - (s.y + s.height), 'the reason sits right under Start').toBeLessThan(60);
    // Each failing condition is named on its own, beside its own field.
    for (const [label, text] of <[string, string][]>[
      ['training images', 'Training images must be at least one probe batch (64) (got 5)'],
      ['test images', 'Test images must be a whole number of at least 1 (got 0)'],
    ]) {
      const field = page.getByLabel(label, { exact: true });
      await expect(field).toHaveAttribute('aria-invalid', 'true');
      await expect(page.getByText(text, { exact: false }).first()).toBeVisible();
    }
    // Nothing piles up at the top of the page.
    await expect(page.getByTestId('notices')).toHaveText('');
    // Fixing the form clears it.
    await nb.setField('training images', '256');
    await nb.setField('test images', '16');
    await expect(reason).toHaveCount(0);
    await expect(start).toBeEnabled();
    expect(nb.pageErrors).toEqual([]);
  });
}
