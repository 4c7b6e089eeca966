import { expect, test, type Page } from '@playwright/test';
import { DB_VERSION, STORES } from '../src/data/notebookDb';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cifarBatch, file, NAMES } from './cifar';
import { Notebook } from './notebook';
import { declaredPng, encodePng } from './png';

const CLASSES = { red: [200, 40, 40], green: [40, 180, 60], blue: [50, 60, 210] } as const;
const PER_CLASS = 10;

/**
 * A folder of PNGs in three class subfolders, noisy and of varied sizes, plus one corrupt file and
 * one that declares 30 000 × 30 000 pixels.
 */
function writeFolder(root: string): void {
  let seed = 1;
  const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) % 60;
  for (const [name, [r, g, b]] of Object.entries(CLASSES)) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < PER_CLASS; i++) {
      const [w, h] = [36 + (i % 3) * 8, 40 - (i % 2) * 6];
      writeFileSync(
        join(root, name, `${name}-${i}.png`),
        encodePng(w, h, (x, y) => [r - noise() + ((x + y) % 7), g - noise(), b - noise()]),
      );
    }
  }
  writeFileSync(join(root, 'blue', 'broken.png'), Buffer.from('this is not a PNG at all'));
  writeFileSync(join(root, 'green', 'giant.png'), declaredPng(30_000, 30_000));
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
  await nb.view('data');

  // The picked folder's files arrive with their paths below it (webkitRelativePath).
  await page.getByTestId('data.import-folder').setInputFiles(root);
  await expect(page.getByTestId('data.progress')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const summary = page.getByTestId('data.summary');
  await expect(summary).toContainText('colours');
  await expect(summary).toContainText('3 classes');
  await expect(summary).toContainText('stored at 64×64 px');
  // Training streams it from IndexedDB through the worker's bounded chunk cache (it fits whole).
  await expect(page.getByTestId('data.cache')).toContainText('through a 256 MiB chunk cache; it fits whole');
  expect(await classCounts(page)).toEqual({ blue: PER_CLASS, green: PER_CLASS, red: PER_CLASS });
  await expect(page.getByTestId('data.skipped')).toHaveAttribute('data-count', '2');
  await expect(page.getByTestId('data.skipped')).toContainText('colours/blue/broken.png');
  await expect(page.getByTestId('data.skipped')).toContainText('could not be decoded');
  // The lab's megapixel cap holds on imports, from the header, before any decoding.
  await expect(page.getByTestId('data.skipped')).toContainText('colours/green/giant.png');
  await expect(page.getByTestId('data.skipped')).toContainText('30000×30000 pixels (900 megapixels) is more than an import decodes');
  await expect(page.getByTestId('data.preview').locator('canvas')).toHaveCount(12);
  const id = (await summary.getAttribute('data-dataset-id'))!;

  // Pretrain micro on it: its id is in the run's config.
  await nb.view('pretrain');
  await page.getByTestId('pretrain.dataset').selectOption(id);
  await nb.pretrainBriefly(3);
  const runRow = nb.runRow();
  await expect(runRow.locator('pre')).toContainText(`"dataset": "${id}"`);

  // Both probes, an epoch, on the run's encoder and this dataset.
  await nb.view('probe');
  await page.getByTestId('probe.dataset').selectOption(id);
  const runId = (await runRow.getAttribute('data-run-id'))!;
  await nb.probeBriefly(runId, { epochs: 1, warmup: 0, train: 16, val: 6, batch: 8 });
  const result = page.getByTestId('probe.table').locator('tr[data-result-id]').first();
  await expect(result.locator('[data-col="dataset"]')).toHaveText('colours');
  // One seed, said so, and how each readout's training ended.
  await expect(result.locator('[data-col="lin"]')).toHaveText(/^\d+\.\d ± \d+\.\d \(1 seed\)converged · λ/);
  await expect(result.locator('[data-col="att"]')).toHaveText(/^\d+\.\d ± \d+\.\d \(1 seed\)stopped · 1 ep/);

  // Kept across a reload, without asking for the files again.
  await page.reload();
  await nb.view('data');
  await expect(page.getByTestId('data.list').locator(`tr[data-dataset-id="${id}"]`)).toHaveCount(1);
  expect(await classCounts(page)).toEqual({ blue: PER_CLASS, green: PER_CLASS, red: PER_CLASS });
  await expect(page.getByTestId('data.skipped')).toHaveAttribute('data-count', '2');
  expect(nb.pageErrors).toEqual([]);
  expect(nb.foreignRequests(new URL(page.url()).origin)).toEqual([]);
});

test('CIFAR-10 files and a zip import; bad input is refused with a clear message and loses nothing', async ({ page }, info) => {
  const nb = new Notebook(page);
  await nb.open();
  await nb.view('data');
  const rows = page.getByTestId('data.list').locator('tr[data-dataset-id]');
  const notices = page.getByTestId('notices');

  // CIFAR-10: labels and class names from the files; a batch of the wrong length is skipped and listed.
  await page
    .getByTestId('data.import-cifar')
    .setInputFiles([
      file('batches.meta.txt', Buffer.from(NAMES)),
      file('data_batch_1.bin', cifarBatch(60)),
      file('data_batch_2.bin', cifarBatch(3).subarray(0, 5000)),
      file('test_batch.bin', cifarBatch(20)),
    ]);
  await expect(page.getByTestId('data.progress')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('data.summary')).toContainText('CIFAR-10 · cifar10 · 10 classes · 60 train / 20 val images · stored at 32×32 px');
  await expect(page.getByTestId('data.summary').locator('tr[data-class="truck"] [data-col="val"]')).toHaveText('2');
  await expect(page.getByTestId('data.skipped')).toContainText('data_batch_2.bin: its length, 5000 bytes, is not a whole number of 3073-byte CIFAR-10 records');
  await expect(rows).toHaveCount(1);

  // A zip of a labelled folder.
  const { buildZip } = await import('../src/testing/zipBuilder');
  const png = (r: number, g: number, b: number) => new Uint8Array(encodePng(20, 20, () => [r, g, b]));
  const zip = buildZip([
    ...[0, 1, 2].map((i) => ({ path: `pets/cat/${i}.png`, data: png(200, 100, 50 + i), deflate: true })),
    ...[0, 1, 2].map((i) => ({ path: `pets/dog/${i}.png`, data: png(50, 100, 200 - i), deflate: i % 2 === 0 })),
  ]);
  await page.getByTestId('data.import-files').setInputFiles(file('pets.zip', Buffer.from(zip)));
  await expect(page.getByTestId('data.summary')).toContainText('pets · zip · 2 classes');
  await expect(rows).toHaveCount(2);

  // Bad input: a CIFAR file of the wrong length alone, a corrupt zip, an empty folder.
  await page.getByTestId('data.import-cifar').setInputFiles([file('batches.meta.txt', Buffer.from(NAMES)), file('data_batch_1.bin', Buffer.alloc(3072))]);
  await expect(notices).toContainText(
    'Could not import CIFAR-10: no training batch could be read (data_batch_1.bin: its length, 3072 bytes, is not a whole number of 3073-byte CIFAR-10 records). Nothing was kept.',
  );
  await page.getByTestId('data.import-files').setInputFiles(file('broken.zip', Buffer.from('PK: this file only pretends to be a zip archive')));
  await expect(notices).toContainText(
    'Could not import broken: broken.zip cannot be read: it is not a zip archive (no end-of-central-directory record). Nothing was kept.',
  );
  const empty = join(info.outputDir, 'empty');
  mkdirSync(empty, { recursive: true });
  await page.getByTestId('data.import-folder').setInputFiles(empty);
  await expect(notices).toContainText('No files were chosen (an empty folder?)');
  await expect(rows).toHaveCount(2);

  // Dropped images without folders make an unlabelled set, which cannot be probed; the panel says why.
  const pngs = [0, 1, 2, 3].map((i) => [...encodePng(16, 16, () => [i * 60, 90, 30])]);
  const dropped = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    files.forEach((bytes, i) => dt.items.add(new File([new Uint8Array(bytes)], `${i}.png`, { type: 'image/png' })));
    return dt;
  }, pngs);
  await page.getByTestId('data.drop').dispatchEvent('drop', { dataTransfer: dropped });
  await expect(page.getByTestId('data.summary')).toContainText('images · folder · unlabelled (pretraining only) · 4 train / 0 val images');
  await nb.view('probe');
  await page.getByTestId('probe.dataset').selectOption({ label: 'images (no labels)' });
  await expect(page.getByTestId('probe.needs-labels')).toContainText('Evaluation needs labels: images has none');
  await expect(page.getByTestId('probe.start')).toBeDisabled();

  // Deleting: gone from the list and the selectors, also after a reload; the rest stays.
  await nb.view('data');
  await page.getByTestId('data.delete').click();
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('probe.dataset')).toHaveValue('shapes-easy');
  await page.reload();
  await expect(rows).toHaveCount(2);
  await nb.view('pretrain');
  // The two embedded shapes sets, the embedded Fashion-MNIST and the two imports left.
  await expect(page.getByTestId('pretrain.dataset').locator('option')).toHaveCount(5);
  expect(nb.pageErrors).toEqual([]);
});

test('an older notebook database (v3) is upgraded in place: its runs are kept and datasets can be added', async ({ page }) => {
  // A page of the app's origin that does not start the app, to write a v3 database as the last release did.
  await page.route('**/old-notebook', (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>old</title>' }));
  await page.goto('/old-notebook');
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('cae-notebook', 3);
        req.onupgradeneeded = () => {
          const db = req.result;
          db.createObjectStore('runs', { keyPath: 'spec.id' }).put({
            spec: {
              id: 'run-old',
              presetId: 'micro',
              model: {},
              train: { batchSize: 8, totalSteps: 400 },
              dataset: 'shapes',
              checkpointEvery: 50,
              createdAt: 1,
            },
            status: 'done',
            step: 400,
            checkpointStep: null,
            latest: null,
            updatedAt: 1,
          });
          db.createObjectStore('results', { keyPath: 'id' });
          db.createObjectStore('checkpoints', { keyPath: 'runId' });
        };
        req.onsuccess = () => {
          req.result.close();
          resolve();
        };
        req.onerror = () => reject(req.error);
      }),
  );
  const nb = new Notebook(page);
  await nb.open();
  await expect(nb.runRow('run-old')).toHaveCount(1);
  await nb.view('data');
  await page.getByTestId('data.import-files').setInputFiles(
    [1, 2].map((i) =>
      file(
        `${i}.png`,
        encodePng(12, 12, () => [i * 90, 20, 20]),
      ),
    ),
  );
  await expect(page.getByTestId('data.summary')).toContainText('unlabelled');
  const db = await page.evaluate(
    () =>
      new Promise<{ version: number; stores: string[] }>((res) => {
        indexedDB.open('cae-notebook').onsuccess = (e) => {
          const d = (e.target as IDBOpenDBRequest).result;
          res({ version: d.version, stores: [...d.objectStoreNames] });
          d.close();
        };
      }),
  );
  expect(db.version).toBe(DB_VERSION);
  expect(db.stores.sort()).toEqual(Object.values(STORES).sort());
});
