// Accessibility checks with axe-core: every view of the notebook, in light and dark mode, charts included.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import type { Notebook } from './notebook';

/** The serious and critical WCAG 2.1 A/AA violations on the page, one line each. */
async function violations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Every view: the whole page, then each tab. */
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

/**
 * Scans the notebook as it stands (set it up with its live parts drawn first: a loss chart, a probe,
 * an image in the lab) in light then dark mode, checking the page and the charts follow the scheme.
 */
export async function expectAccessibleInBothSchemes(page: Page, nb: Notebook): Promise<void> {
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
}
