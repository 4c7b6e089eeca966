import { expect, test } from '@playwright/test';
import { cifarBatch, file, NAMES } from './cifar';
import { Notebook } from './notebook';

test('a dataset five times the chunk cache trains from IndexedDB, its chunks streamed through the cache', async ({ page }) => {
  // An import of 2 900 images, then SwiftShader's first steps: slow on a loaded machine.
  test.setTimeout(360_000);
  const t0 = Date.now();
  const nb = new Notebook(page);
  await nb.open();
  // 2 900 CIFAR images are five stored chunks of 682 images (2 MiB each); the worker keeps one.
  await page.evaluate(() => window.__cae.chunkCache!(2.5 * 1024 * 1024));
  await nb.view('data');
  await page
    .getByTestId('data.import-cifar')
    .setInputFiles([file('batches.meta.txt', Buffer.from(NAMES)), file('data_batch_1.bin', cifarBatch(2_800)), file('test_batch.bin', cifarBatch(100))]);
  await expect(page.getByTestId('data.progress')).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  const summary = page.getByTestId('data.summary');
  await expect(summary).toContainText('2800 train / 100 val images');
  await expect(page.getByTestId('data.cache')).toContainText('256 MiB chunk cache');
  const id = (await summary.getAttribute('data-dataset-id'))!;
  console.info(`streaming e2e: imported after ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  await nb.view('pretrain');
  await page.getByTestId('pretrain.dataset').selectOption(id);
  await nb.pretrainBriefly(2);
  console.info(`streaming e2e: two steps trained after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const { losses } = await nb.state();
  expect(losses.length).toBeGreaterThanOrEqual(2);
  expect(losses.every(Number.isFinite)).toBe(true);
  await expect(page.getByTestId('notices')).not.toContainText('Training failed');
  expect(nb.pageErrors).toEqual([]);
});
