// IDX files through the Data view's file input, and the embedded Fashion-MNIST chosen for pretraining
// and probing: fetched only then, and kept in Cache Storage for offline use.
import { expect, test } from '@playwright/test';
import { idxImages, idxLabels } from '../src/testing/idxFiles';
import { file } from './cifar';
import { Notebook } from './notebook';

const buf = (b: Uint8Array) => Buffer.from(b);

test('imports an IDX pair and its test pair, lists it with its classes, and refuses a pair that does not match', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await nb.view('data');
  await page
    .getByTestId('data.import-idx')
    .setInputFiles([
      file('fashion-train-images-idx3-ubyte.gz', buf(idxImages(30, 28, { gzip: true }))),
      file('fashion-train-labels-idx1-ubyte.gz', buf(idxLabels(30, (i) => i % 10, { gzip: true }))),
      file('fashion-t10k-images-idx3-ubyte', buf(idxImages(10, 28))),
      file('fashion-t10k-labels-idx1-ubyte', buf(idxLabels(10, (i) => i))),
    ]);
  await expect(page.getByTestId('data.progress')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('data.summary')).toContainText('Fashion-MNIST · idx · 10 classes · 30 train / 10 val images · stored at 28×28 px');
  await expect(page.getByTestId('data.summary').locator('tr[data-class="Ankle boot"] [data-col="train"]')).toHaveText('3');
  await expect(page.getByTestId('data.list').locator('tr[data-dataset-id]')).toHaveCount(1);

  await page
    .getByTestId('data.import-idx')
    .setInputFiles([file('train-images-idx3-ubyte', buf(idxImages(12, 28))), file('train-labels-idx1-ubyte', buf(idxLabels(11, (i) => i % 2)))]);
  await expect(page.getByTestId('data.progress')).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await expect(page.getByTestId('data.progress')).toContainText('train-images-idx3-ubyte holds 12 images but train-labels-idx1-ubyte holds 11 labels');
  await expect(page.getByTestId('data.list').locator('tr[data-dataset-id]')).toHaveCount(1);
});

test('pretrains and probes on the embedded Fashion-MNIST, fetched only when chosen and then cached', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await nb.view('data');
  await expect(page.getByTestId('baselines.fashion-mnist')).toContainText('not comparable one-to-one');
  const fetched = () => nb.requests.filter((u) => u.includes('/datasets/fashion-mnist/t10k-'));
  expect(fetched()).toEqual([]);

  await nb.view('pretrain');
  await page.getByTestId('pretrain.dataset').selectOption('fashion-mnist');
  await nb.pretrainBriefly(2);
  await expect(nb.runRow().locator('pre')).toContainText('"dataset": "fashion-mnist"');
  expect(fetched().length).toBe(2);
  const cached = await page.evaluate(async () => (await (await caches.open('cae-datasets-v1')).keys()).map((r) => new URL(r.url).pathname).sort());
  expect(cached).toEqual(['/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz', '/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz']);

  await nb.view('probe');
  await page.getByTestId('probe.dataset').selectOption('fashion-mnist');
  await expect(page.getByTestId('probe.baselines')).toContainText('linear (logistic regression on pixels)');
  // Beside them, what the default experiment measured on this dataset, readout by readout.
  await expect(page.getByTestId('probe.fashion-findings')).toContainText('kNN mean');
  await expect(page.getByTestId('probe.fashion-findings')).toContainText('pretrained ahead');
  await nb.probeBriefly('random', { epochs: 1, warmup: 0, train: 16, val: 10, batch: 8, evals: ['lin'] });
  // The worker read the files once: the probe found them in memory.
  expect(fetched().length).toBe(2);
  expect(nb.pageErrors).toEqual([]);
});
