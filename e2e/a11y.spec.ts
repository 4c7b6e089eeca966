// Accessibility in both colour schemes: axe-core over every view of the notebook with its live parts
// drawn (loss chart, reconstructions, probe chart and table, an image open in the lab, the runs list).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { png, testPicture } from '../src/testing/images';
import { Lab } from './lab';
import { Notebook } from './notebook';

/** The serious and critical WCAG 2.1 A/AA violations on the page, one line each. */
async function violations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Every view: the whole page, then each tab if the notebook is split into tabs. */
async function expectCleanEverywhere(page: Page, scheme: string): Promise<void> {
  expect(await violations(page), `${scheme}: page`).toEqual([]);
  const tabs = page.getByRole('tab');
  for (let i = 0; i < (await tabs.count()); i++) {
    await tabs.nth(i).click();
    expect(await violations(page), `${scheme}: tab ${await tabs.nth(i).textContent()}`).toEqual([]);
  }
}

const luma = (rgb: string) =>
  rgb
    .match(/\d+/g)!
    .slice(0, 3)
    .map(Number)
    .reduce((a, b) => a + b, 0) / 3;

// One page set up once (a run, a probe, an image in the lab), then scanned in each scheme: the
// setup is the slow part on SwiftShader.
test("no serious or critical axe violation in light or dark mode, charts in the scheme's colours", async ({ page }) => {
  test.setTimeout(480_000);
  const nb = new Notebook(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await nb.open();
  await page.getByTestId('pretrain.preset').selectOption('micro');
  await nb.pretrainBriefly(2);
  const run = await nb.runRow().getAttribute('data-run-id');
  await nb.probeBriefly(run!, { epochs: 1, warmup: 0, train: 32, val: 16, batch: 16, evals: ['lin'] });
  await expect(page.getByTestId('probe.chart').locator('.main-svg').first()).toBeVisible();
  await nb.view('lab');
  await new Lab(page).open('picture.png', png({ width: 96, height: 64, colourType: 2, bitDepth: 8, pixel: testPicture(96, 64) }), 'image/png');
  await nb.view('pretrain');
  await expect(page.getByTestId('pretrain.loss-chart').locator('svg[role="img"]')).toBeVisible();
  const tick = page.getByTestId('pretrain.loss-chart').locator('.xtick text').first();

  for (const scheme of ['light', 'dark'] as const) {
    await nb.view('pretrain');
    await page.emulateMedia({ colorScheme: scheme });
    const dark = scheme === 'dark';
    // The page and the charts' text follow the scheme (plotly does not read CSS by itself).
    expect(luma(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)) < 128, scheme).toBe(dark);
    await expect.poll(async () => luma(await tick.evaluate((t) => getComputedStyle(t).fill)) > 128, { message: `${scheme} tick labels` }).toBe(dark);
    await expectCleanEverywhere(page, scheme);
  }
  expect(nb.pageErrors).toEqual([]);
});

test('the keyboard focus is visible', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await page.getByTestId('pretrain.preset').focus();
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement!);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  expect(outline.style).not.toBe('none');
  expect(outline.width).toBeGreaterThanOrEqual(2);
});
