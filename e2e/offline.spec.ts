// Offline: after one load the service worker keeps the app shell, so a reload without a network
// still opens the notebook with its runs (which live in IndexedDB).
import { expect, test } from '@playwright/test';
import { Notebook } from './notebook';

test('after one load the notebook reloads offline, with a run made before', async ({ page, context }) => {
  const nb = new Notebook(page);
  await nb.open();
  await page.getByTestId('pretrain.preset').selectOption('micro');
  await nb.pretrainBriefly(1);
  const runId = await nb.runRow().getAttribute('data-run-id');
  // The shell is cached once the service worker is active.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

  await context.setOffline(true);
  const response = await page.reload();
  expect(response?.fromServiceWorker()).toBe(true);
  await expect(page.getByTestId('backend.name')).not.toHaveText('starting…', { timeout: 90_000 });
  await expect(page.getByTestId('pretrain.start')).toBeEnabled();
  await expect(nb.runRow(runId!)).toBeVisible();
  // The manifest and its icons are there for installing the notebook.
  const manifest = await page.evaluate(() => fetch('/manifest.webmanifest').then((r) => r.json()));
  expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(nb.pageErrors).toEqual([]);
});

test('the icons and manifest are served, and there is no 404 for the favicon', async ({ page }) => {
  const missing: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) missing.push(`${r.status()} ${r.url()}`);
  });
  await new Notebook(page).open();
  for (const f of ['/icon-192.png', '/icon-512.png', '/icon.svg', '/manifest.webmanifest', '/sw.js']) expect((await page.request.get(f)).ok(), f).toBe(true);
  expect(missing).toEqual([]);
});
