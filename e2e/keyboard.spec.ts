// Issue 25, item 7: the keyboard (a skip link, the WAI-ARIA tabs pattern, the focus kept on the run
// buttons) and the header (a software adapter flagged as slow, storage wording true before any write),
// each at 1280 and at 390 px.
import { expect, test, type Page } from '@playwright/test';
import { Notebook } from './notebook';

const focusedTestId = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? document.activeElement?.id ?? null);

for (const width of [1280, 390]) {
  test.describe(`at ${width} px`, () => {
    test.beforeEach(async ({ page }) => page.setViewportSize({ width, height: 800 }));

    test('the first Tab stop skips to the open view; the view tabs follow the arrow keys, Home and End', async ({ page }) => {
      const nb = new Notebook(page);
      await nb.open('#probe');
      await page.keyboard.press('Tab');
      const skip = page.getByTestId('skip-link');
      await expect(skip).toBeFocused();
      await expect(skip).toHaveText('Skip to the Probe view');
      await expect(skip).toBeInViewport();
      await page.keyboard.press('Enter');
      await expect(page.locator('#view-probe')).toBeFocused();
      // The next Tab lands on the view's first control, past the header, the runs and the tabs.
      await page.keyboard.press('Tab');
      expect(await focusedTestId(page)).toBe('probe.encoder');

      // The tabs are one Tab stop, the open one; the arrows move and open (wrapping), Home and End jump.
      const tabs = page.getByRole('tab');
      await expect(tabs).toHaveCount(7);
      for (let i = 0; i < 7; i++) await expect(tabs.nth(i)).toHaveAttribute('tabindex', i === 2 ? '0' : '-1');
      await page.getByTestId('view.probe').focus();
      const expectOpen = async (id: string) => {
        await expect(page.getByTestId(`view.${id}`)).toBeFocused();
        await expect(page.getByTestId(`view.${id}`)).toHaveAttribute('aria-selected', 'true');
        await expect(page.locator(`#view-${id}`)).toBeVisible();
      };
      await page.keyboard.press('ArrowRight');
      await expectOpen('lab');
      await page.keyboard.press('End');
      await expectOpen('sweep');
      await page.keyboard.press('ArrowRight');
      await expectOpen('pretrain');
      await page.keyboard.press('ArrowLeft');
      await expectOpen('sweep');
      await page.keyboard.press('Home');
      await expectOpen('pretrain');
      await expect(page.getByTestId('view.pretrain')).toHaveAttribute('tabindex', '0');
      await expect(page.getByTestId('view.sweep')).toHaveAttribute('tabindex', '-1');
      // The skip link follows the open view.
      await expect(skip).toHaveText('Skip to the Pretrain view');
      expect(nb.pageErrors).toEqual([]);
    });

    test('Start, Pause, Resume and Stop by keyboard keep the focus on the run buttons; the header flags the software adapter and says what is stored', async ({
      page,
    }) => {
      test.setTimeout(300_000);
      const nb = new Notebook(page);
      await nb.open();

      // SwiftShader (the adapter these tests run on) is flagged as slow CPU emulation, with what to do, not in the OK colour.
      const flag = page.getByTestId('backend.software');
      await expect(flag).toContainText('google swiftshader is a CPU emulation of a GPU');
      await expect(flag).toContainText('chrome://flags');
      await expect(flag).toContainText('a browser with WebGPU on your GPU');
      const colours = await page.evaluate(() => {
        const probe = document.createElement('span');
        document.body.append(probe);
        const of = (v: string) => ((probe.style.color = `var(${v})`), getComputedStyle(probe).color);
        const c = { ok: of('--ok'), warn: of('--warn') };
        probe.remove();
        return c;
      });
      const backendColour = await page.getByTestId('backend.name').evaluate((e) => getComputedStyle(e).color);
      expect(backendColour).not.toBe(colours.ok);
      expect(backendColour).toBe(colours.warn);
      // Before anything is written there is nothing to evict.
      await expect(page.getByTestId('runs.persisted')).toHaveText(' · nothing stored yet');

      await page.getByTestId('pretrain.start').focus();
      await page.keyboard.press('Enter');
      // Start disables itself; Pause takes the focus once the run runs.
      await expect(page.getByTestId('pretrain.pause')).toBeFocused({ timeout: 120_000 });
      await nb.waitForStep(1);
      await page.keyboard.press('Enter');
      await nb.waitForStatus('paused');
      await expect(page.getByTestId('pretrain.resume')).toBeFocused();
      await page.keyboard.press('Enter');
      await nb.waitForStatus('running');
      await expect(page.getByTestId('pretrain.pause')).toBeFocused();
      await page.keyboard.press('Tab'); // Resume is disabled: the next stop is Stop
      await expect(page.getByTestId('pretrain.stop')).toBeFocused();
      await page.keyboard.press('Enter');
      await nb.waitForStatus('stopped');
      await expect(page.getByTestId('pretrain.start')).toBeFocused();

      // Now a run is kept: the wording says it is stored, and whether the browser may evict it.
      await expect(page.getByTestId('runs.persisted')).toHaveText(/^ · stored, (kept by the browser|may be evicted under storage pressure)$/);
      expect(nb.pageErrors).toEqual([]);
    });
  });
}
