// Zip bombs on the built app: a lying-size entry is skipped after a few KiB of inflation, an archive
// whose entries share their data is refused whole, and the page and worker go on to train.
import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { buildZip, deflatedZeros } from '../src/testing/zipBuilder';
import { Notebook } from './notebook';
import { encodePng } from './png';

const MiB = 1024 * 1024;
const file = (name: string, bytes: Uint8Array) => ({ name, mimeType: 'application/zip', buffer: Buffer.from(bytes) });

/** Resident bytes of this test process's descendants: the browser Playwright started, all its processes. */
function browserRss(): number {
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const status = readFileSync(`/proc/${d}/status`, 'utf8');
      parent.set(Number(d), Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]));
      rss.set(Number(d), Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024);
    } catch {
      // The process ended while we looked.
    }
  }
  const isOurs = (pid: number): boolean => pid === process.pid || (pid > 1 && parent.has(pid) && isOurs(parent.get(pid)!));
  let sum = 0;
  for (const [pid, bytes] of rss) if (pid !== process.pid && isOurs(pid)) sum += bytes;
  return sum;
}

test('a zip bomb is refused with its reason, memory stays bounded, and a run trains afterwards', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await nb.view('data');
  const png = (r: number, g: number, b: number) => new Uint8Array(encodePng(20, 20, () => [r, g, b]));

  // The bomb: one entry declares 1 000 bytes and inflates to 2 GiB, beside good images.
  const lying = buildZip([
    ...[0, 1, 2].map((i) => ({ path: `pets/cat/${i}.png`, data: png(200, 100, 50 + i), deflate: true })),
    { path: 'pets/cat/bomb.png', data: new Uint8Array(0), compressed: deflatedZeros(2048), deflate: true, declaredSize: 1000 },
    ...[0, 1, 2].map((i) => ({ path: `pets/dog/${i}.png`, data: png(50, 100, 200 - i), deflate: true })),
  ]);
  const before = browserRss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, browserRss())), 100);
  await page.getByTestId('data.import-files').setInputFiles(file('pets.zip', lying));
  await expect(page.getByTestId('data.progress')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  clearInterval(sampler);
  const growth = `browser memory during the ${(lying.length / MiB).toFixed(1)} MB bomb's import: ${(before / MiB).toFixed(0)} MiB before, peak ${(peak / MiB).toFixed(0)} MiB (+${((peak - before) / MiB).toFixed(0)} MiB)`;
  console.info(growth);
  test.info().annotations.push({ type: 'memory', description: growth });
  expect(peak - before).toBeLessThan(1024 * MiB);
  await expect(page.getByTestId('data.summary')).toContainText('pets · zip · 2 classes');
  await expect(page.getByTestId('data.skipped')).toContainText('pets/cat/bomb.png declares 1 000 bytes but inflates past that; refused');
  const id = (await page.getByTestId('data.summary').getAttribute('data-dataset-id'))!;

  // The classic non-recursive bomb: 65 534 entries that all point at the same 8 MiB (512 GiB in all).
  const shared = { data: new Uint8Array(0), compressed: deflatedZeros(8), deflate: true, declaredSize: 8 * MiB };
  const overlapping = buildZip(Array.from({ length: 65_534 }, (_, i) => ({ ...shared, path: `b/${i}.png`, ...(i > 0 ? { sameDataAs: 0 } : {}) })));
  await page.getByTestId('data.import-files').setInputFiles(file('bomb.zip', overlapping));
  await expect(page.getByTestId('notices')).toContainText('Could not import bomb: bomb.zip cannot be read: b/0.png and b/1.png overlap');

  // The worker is alive: a run trains on the imported dataset.
  await nb.view('pretrain');
  await page.getByTestId('pretrain.dataset').selectOption(id);
  await nb.pretrainBriefly(2);
  expect(nb.pageErrors).toEqual([]);
});
