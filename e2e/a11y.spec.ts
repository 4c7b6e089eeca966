// Accessibility. axe-core over every view in both colour schemes runs at the end of
// e2e/screenshots.spec.ts, which draws every view fully (the setup is the slow part on SwiftShader).
import { expect, test } from '@playwright/test';
import { Notebook } from './notebook';

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
