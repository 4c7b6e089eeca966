// The README's pictures: each view at 1440 px and at 390 px (a phone), taken from the built app so they stay current. Cheap
// on purpose (micro, a few steps, a tiny probe): run it after a layout change and commit docs/screenshots.
// The same fully drawn notebook (two runs compared, a probe, an image in the lab, an import) is then
// scanned by axe-core in both colour schemes, wide and narrow: setting it up is the slow part on SwiftShader, so the
// accessibility check shares it instead of building its own.
import { expect, test } from '@playwright/test';
import { expectAccessibleInBothSchemes } from './axe';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { png, testPicture } from '../src/testing/images';
import { Lab } from './lab';
import { Notebook } from './notebook';
import { encodePng } from './png';

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../docs/screenshots');

test('README pictures of every view at 1440 and 390 px, then no serious or critical axe violation in light or dark mode at either width', async ({
  page,
}, info) => {
  test.setTimeout(1_200_000); // SwiftShader on a shared machine is slow
  mkdirSync(OUT, { recursive: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  const nb = new Notebook(page);
  const shot = async (name: string) => {
    await page.waitForTimeout(1200); // the charts redraw at most once a second
    await page.screenshot({ path: join(OUT, `${name}.png`) });
  };
  await page.emulateMedia({ colorScheme: 'light' });
  await nb.open();

  // Two short runs that differ in one field, the first one named.
  await nb.view('pretrain');
  await page.getByTestId('pretrain.start').click();
  await nb.waitForStep(8, 400_000);
  await page.getByTestId('pretrain.stop').click();
  await nb.waitForStatus('stopped');
  const a = (await nb.runRow().getAttribute('data-run-id'))!;
  await nb.runRow(a).getByTestId('runs.name').fill('baseline');
  await nb.runRow(a).getByTestId('runs.name').press('Enter');
  await nb.setField('mask ratio', '0.25');
  await page.getByTestId('pretrain.start').click();
  await nb.waitForStep(8, 400_000);
  await page.getByTestId('pretrain.pause').click();
  await nb.waitForStatus('paused');
  await shot('pretrain');
  await page.getByTestId('pretrain.stop').click();
  await nb.waitForStatus('stopped');
  const b = (await nb.runRow().getAttribute('data-run-id'))!;

  for (const id of [a, b]) await nb.runRow(id).getByTestId('runs.compare').check();
  await nb.view('compare');
  await expect(page.getByTestId('compare.chart')).toHaveAttribute('data-traces', '2');
  await shot('compare');

  await nb.probeBriefly(b, { epochs: 2, warmup: 0, train: 64, val: 32, batch: 32, evals: ['lin', 'att', 'knn'] });
  await shot('probe');

  await new Lab(page).open('picture.png', png({ width: 96, height: 64, colourType: 2, bitDepth: 8, pixel: testPicture(96, 64) }), 'image/png');
  await shot('lab');

  // A small labelled folder, made here: three colour classes.
  const root = join(info.outputDir, 'colours');
  const colours = { red: [200, 40, 40], green: [40, 170, 60], blue: [40, 70, 200] } as const;
  for (const [name, [r, g, bl]] of Object.entries(colours)) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < 6; i++) {
      writeFileSync(
        join(root, name, `${i}.png`),
        encodePng(24, 24, (x, y) => [(r + 9 * x) % 256, (g + 7 * y) % 256, (bl + 20 * i) % 256]),
      );
    }
  }
  await nb.view('data');
  await page.getByTestId('data.import-folder').setInputFiles(root);
  await expect(page.getByTestId('data.progress')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await shot('data');

  // The same notebook on a phone: one column, the runs in a drawer (opened for the Pretrain shot).
  await page.setViewportSize({ width: 390, height: 844 });
  for (const id of ['pretrain', 'tokenizer', 'probe', 'lab', 'data', 'compare', 'sweep'] as const) {
    await nb.view(id);
    if (id === 'pretrain') await page.getByTestId('runs.drawer').click();
    await shot(`${id}-390`);
    if (id === 'pretrain') await page.getByTestId('runs.drawer').click();
  }
  await expectAccessibleInBothSchemes(page, nb);

  await page.setViewportSize({ width: 1440, height: 900 });
  await expectAccessibleInBothSchemes(page, nb);
  expect(nb.pageErrors).toEqual([]);
});
