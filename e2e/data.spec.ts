import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Notebook } from './notebook';
import { encodePng } from './png';

const CLASSES = { red: [200, 40, 40], green: [40, 180, 60], blue: [50, 60, 210] } as const;
const PER_CLASS = 10;

/** A folder of PNGs in three class subfolders, noisy and of varied sizes, plus one corrupt file. */
function writeFolder(root: string): void {
  let seed = 1;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) % 60;
  for (const [name, [r, g, b]] of Object.entries(CLASSES)) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < PER_CLASS; i++) {
      const [w, h] = [36 + (i % 3) * 8, 40 - (i % 2) * 6];
      writeFileSync(join(root, name, `${name}-${i}.png`), encodePng(w, h, (x, y) => [r - noise() + ((x + y) % 7), g - noise(), b - noise()]));
    }
  }
  writeFileSync(join(root, 'blue', 'broken.png'), Buffer.from('this is not a PNG at all'));
}

async function classCounts(page: Page): Promise<Record<string, number>> {
  const rows = page.getByTestId('data.summary').locator('tr[data-class]');
  const out: Record<string, number> = {};
  for (const row of await rows.all()) {
    const name = (await row.getAttribute('data-class'))!;
    out[name] = Number(await row.locator('[data-col="train"]').textContent()) + Number(await row.locator('[data-col="val"]').textContent());
  }
  return out;
}

test('imports a folder of PNGs, pretrains and probes on it, and finds it again after a reload', async ({ page }, info) => {
  const root = join(info.outputDir, 'colours');
  writeFolder(root);
  const nb = new Notebook(page);
  await nb.open();

  // The picked folder's files arrive with their paths below it (webkitRelativePath).
  await page.getByTestId('data.import-folder').setInputFiles(root);
  await expect(page.getByTestId('data.progress')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const summary = page.getByTestId('data.summary');
  await expect(summary).toContainText('colours');
  await expect(summary).toContainText('3 classes');
  await expect(summary).toContainText('stored at 64×64 px');
  expect(await classCounts(page)).toEqual({ blue: PER_CLASS, green: PER_CLASS, red: PER_CLASS });
  await expect(page.getByTestId('data.skipped')).toHaveAttribute('data-count', '1');
  await expect(page.getByTestId('data.skipped')).toContainText('colours/blue/broken.png');
  await expect(page.getByTestId('data.skipped')).toContainText('could not be decoded');
  await expect(page.getByTestId('data.preview').locator('canvas')).toHaveCount(12);
  const id = (await summary.getAttribute('data-dataset-id'))!;

  // Pretrain micro on it: its id is in the run's config.
  await page.getByTestId('pretrain.dataset').selectOption(id);
  await nb.pretrainBriefly(3);
  const runRow = page.getByTestId('runs.list').locator('tr[data-run-id]').first();
  await expect(runRow.locator('pre')).toContainText(`"dataset": "${id}"`);

  // Both probes, an epoch, on the run's encoder and this dataset.
  await page.getByTestId('probe.dataset').selectOption(id);
  const runId = (await runRow.getAttribute('data-run-id'))!;
  await nb.probeBriefly(runId, { epochs: 1, warmup: 0, train: 16, val: 6, batch: 8 });
  const result = page.getByTestId('probe.table').locator('tr[data-result-id]').first();
  await expect(result.locator('[data-col="dataset"]')).toHaveText('colours');
  await expect(result.locator('[data-col="lin"]')).toHaveText(/^\d+\.\d$/);
  await expect(result.locator('[data-col="att"]')).toHaveText(/^\d+\.\d$/);

  // Kept across a reload, without asking for the files again.
  await page.reload();
  await expect(page.getByTestId('data.list').locator(`tr[data-dataset-id="${id}"]`)).toHaveCount(1);
  expect(await classCounts(page)).toEqual({ blue: PER_CLASS, green: PER_CLASS, red: PER_CLASS });
  await expect(page.getByTestId('data.skipped')).toHaveAttribute('data-count', '1');
  expect(nb.pageErrors).toEqual([]);
  expect(nb.foreignRequests(new URL(page.url()).origin)).toEqual([]);
});
