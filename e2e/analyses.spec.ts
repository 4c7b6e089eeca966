// The paper's analyses in the lab: two models' reconstructions of one image and mask side by side
// (Figure 4), and both models' patch features mapped to 2-D (Figure 7), on micro in SwiftShader.
import { expect, test } from '@playwright/test';
import { png, testPicture } from '../src/testing/images';
import { Lab } from './lab';
import { Notebook } from './notebook';

const picture = png({ width: 64, height: 64, colourType: 2, bitDepth: 8, pixel: testPicture(64, 64) });

test.setTimeout(600_000);

test('a run and random init side by side in the lab, with their patch-feature maps', async ({ page }) => {
  const nb = new Notebook(page);
  const lab = new Lab(page);
  await nb.open();
  await nb.pretrainBriefly(3);
  const runId = (await nb.state()).runId!;
  await nb.view('lab');
  await lab.open('picture.png', picture, 'image/png');
  await page.getByTestId('lab.model').selectOption('current'); // the page's run, listed once;
  await page.getByTestId('lab.compare-model').selectOption('random');
  await page.waitForFunction(() => window.__cae.lab().compareLabel !== null, undefined, { timeout: 60_000, polling: 200 });
  await lab.settled();
  await expect(page.getByTestId('lab.compare.left')).toContainText(runId);
  await expect(page.getByTestId('lab.compare.right')).toContainText('random init');
  for (const side of ['left', 'right']) {
    await expect(page.getByTestId(`lab.compare.${side}.error`)).toContainText(/mean error over the 8 masked patches: \d/);
    expect(await nb.canvasSpread(`lab.compare.${side}.full`)).toBeGreaterThan(10);
  }
  expect(await nb.canvasSpread('lab.features')).toBeGreaterThan(10);
  // The error heatmap's scale is a colour bar from 0 to its largest error, three values labelled.
  await expect(page.getByTestId('lab.error.scale')).toHaveAttribute('aria-label', /^MSE: from 0 to \d/);
  expect(await page.getByTestId('lab.error.scale').locator('.colour-bar-tick').count()).toBe(3);

  await page.getByTestId('lab.map.images').fill('4');
  await page.getByTestId('lab.map.run').click();
  // Each side's map has its bar, with the stage it is in, while it runs.
  await expect(page.getByTestId('lab.map.0.progress').getByRole('progressbar', { name: 'feature map progress, first model' })).toBeVisible();
  await expect(page.getByTestId('lab.map.0.progress.phase')).toHaveText(/^(starting…|patch features: \d+ of 4 images|map: epoch \d+ of \d+)$/);
  await page.waitForFunction(() => window.__cae.lab().maps.every((m) => !m.busy && (m.points > 0 || m.failure)), undefined, { timeout: 400_000, polling: 500 });
  expect((await lab.state()).maps.map((m) => [m.points, m.failure])).toEqual([
    [4 * 16, null],
    [4 * 16, null],
  ]);
  for (const side of [0, 1]) {
    await expect(page.getByTestId(`lab.map.${side}.chart`)).toHaveAttribute('data-points', String(4 * 16));
    await expect(page.getByTestId(`lab.map.${side}.caption`)).toContainText('the class covering most of each patch');
  }
  await expect(page.getByTestId('lab.map.0.chart')).toContainText('background');
  expect(nb.pageErrors).toEqual([]);
});

test('a feature map shows its cost before it starts: unknown on a new device, then scaled from the last map', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await nb.view('lab');
  await page.getByTestId('lab.map.images').fill('2');
  const estimate = page.getByTestId('featuremap.estimate');
  await expect(estimate).toHaveText(
    'Time: unknown until a first feature map has run on this device. Storage: none; the map stays in this page until it is reloaded.',
  );
  // Random init on the left only (no model to compare with).
  await page.getByTestId('lab.map.run').click();
  await expect(estimate).toHaveCount(0); // hidden while the map runs: its bar says the time left
  await expect(page.getByTestId('lab.map.0.chart')).toHaveAttribute('data-points', String(2 * 16), { timeout: 300_000 });
  await expect(estimate).toContainText(/^Time: about \d+ (s|min) on this device \(scaled from your last feature map here: 2 images in \d+ (s|min)\)/);
  expect(nb.pageErrors).toEqual([]);
});
