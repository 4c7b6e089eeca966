import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dalleEncoderFile } from '../src/testing/dalleFixture';
import { png, testPicture } from '../src/testing/images';
import { Lab } from './lab';
import { Notebook } from './notebook';

const picture = png({ width: 64, height: 64, colourType: 2, bitDepth: 8, pixel: testPicture(64, 64) });

/** Trains a tiny tokenizer for `preset` and waits until it is kept with its final checkpoint; its id. */
async function trainTokenizer(nb: Notebook, preset: string, steps: number, whileRunning?: () => Promise<void>): Promise<string> {
  const page = nb.page;
  await nb.view('tokenizer');
  await page.getByTestId('tokenizer.preset').selectOption(preset);
  for (const [key, value] of [
    ['vocabSize', '16'],
    ['hiddenDim', '4'],
    ['totalSteps', String(steps)],
    ['batchSize', '4'],
    ['klWeight', '0.05'],
  ] as const) {
    await page.getByTestId(`tokenizer.${key}`).fill(value);
    await page.getByTestId(`tokenizer.${key}`).blur();
  }
  await page.getByTestId('tokenizer.start').click();
  await whileRunning?.();
  await page.waitForFunction(() => window.__cae.tokenizer().status === 'done', undefined, { timeout: 240_000, polling: 250 });
  const t = await page.evaluate(() => window.__cae.tokenizer());
  expect(t.step).toBe(steps);
  await expect.poll(() => page.evaluate(() => window.__cae.tokenizer().kept), { timeout: 30_000 }).toContain(t.id);
  return t.id!;
}

/** Starts a tiny micro run (batch 4) whose targets are tokenizer `tok`'s codes; the tokenizer fits, so nothing is refused. */
async function tokenRun(nb: Notebook, tok: string, steps: number): Promise<void> {
  const page = nb.page;
  await nb.view('pretrain');
  await page.getByTestId('pretrain.preset').selectOption('micro');
  await nb.setField('steps', String(steps));
  await nb.setField('warmup', '1');
  await nb.setField('batch', '4');
  await page.locator('#field-target').selectOption('token');
  await page.getByTestId('pretrain.tokenizer').selectOption(tok);
  await expect(page.getByTestId('pretrain.tokenizer-mismatch')).toHaveCount(0);
  await page.getByTestId('pretrain.start').click();
}

test('trains a tokenizer, pretrains on its tokens, and shows the token map and decoded prediction in the Lab', async ({ page }) => {
  test.setTimeout(600_000); // SwiftShader: a tokenizer, a token run and the lab, all tiny
  const nb = new Notebook(page);
  await nb.open();
  await expect(page.getByTestId('backend.name')).toContainText('WebGPU');

  // A tokenizer for micro (32 px in 8-px patches: a 4×4 grid), with its live views.
  const tok = await trainTokenizer(nb, 'micro', 4);
  await expect(page.getByTestId('tokenizer.status')).toContainText(`${tok}: done, step 4 of 4`);
  // The β typed in the form is the one the run trained with (warmed up within the first step).
  await expect(page.getByTestId('tokenizer.value.klWeight')).toHaveText('0.05000');
  // Its last steps ran on the replayed step (traced TF.js steps first), as a pretraining run's do.
  await expect(page.getByTestId('tokenizer.engine')).toHaveText('engine replay');
  const perplexity = Number(await page.getByTestId('tokenizer.value.perplexity').textContent());
  expect(perplexity).toBeGreaterThanOrEqual(1);
  expect(perplexity).toBeLessThanOrEqual(16);
  await expect(page.getByTestId('tokenizer.recon')).toHaveAttribute('data-step', '4');
  expect(await nb.canvasSpread('tokenizer.recon.original')).toBeGreaterThan(10);
  await expect(page.getByTestId('tokenizer.list')).toContainText(`${tok}`);
  await expect(page.getByTestId('tokenizer.list')).toContainText('K=16');
  // The view with its live parts drawn has no serious or critical WCAG 2.1 A/AA violation.
  const axe = await new AxeBuilder({ page }).include('#view-tokenizer').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(
    axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' '))}`),
  ).toEqual([]);

  // A token-target run with it: the preset's target becomes its codes, K = 16.
  await tokenRun(nb, tok, 3);
  await nb.waitForStatus('done', 240_000);
  const s = await nb.state();
  expect(s.losses.length).toBe(3);
  // Cross-entropy over 16 codes: near ln 16 ≈ 2.77 at the start, not a pixel loss.
  expect(s.losses[0]!).toBeGreaterThan(1);
  expect(s.losses.every(Number.isFinite)).toBe(true);
  // The live view: the predicted codes of the masked patches decoded by the tokenizer, beside the true codes'.
  await expect(page.getByTestId('pretrain.recon')).toContainText('decoded by the tokenizer');
  expect(await nb.canvasSpread('pretrain.recon.recon')).toBeGreaterThan(0);
  await nb.selectRun(nb.runRow(s.runId!));
  await expect(nb.runRow(s.runId!)).toContainText(`target tokens (${tok}, K=16)`);

  // The Lab: the run's own tokenizer gives the token map, its reconstruction and the decoded prediction.
  const lab = new Lab(page);
  await nb.view('lab');
  await page.getByTestId('lab.model').selectOption('current'); // the page's run, listed once;
  await lab.open('picture.png', picture, 'image/png');
  await expect(page.getByTestId('lab.tokens')).toBeVisible();
  await expect(page.getByTestId('lab.tokens')).toContainText(`Tokens under ${tok}`);
  expect(await nb.canvasSpread('lab.token-map.canvas')).toBeGreaterThan(0);
  expect(await nb.canvasSpread('lab.token-decoded')).toBeGreaterThan(0);
  await expect(page.getByTestId('lab.token-predicted')).not.toHaveAttribute('data-empty', 'true');
  await expect(page.getByTestId('lab.token-exact')).toContainText(/Exact codes: \d+(\.\d)? % of the masked patches/);
  // Hovering a patch names its code.
  await page.getByTestId('lab.token-map').hover({ position: { x: 5, y: 5 } });
  await expect(page.getByTestId('lab.token-hover')).toContainText(/patch 0 \(row 0, column 0\): code \d+/);
  expect(nb.pageErrors).toEqual([]);
});

test('a tokenizer whose grid is not the preset’s is refused with its reason', async ({ page }) => {
  test.setTimeout(300_000);
  const nb = new Notebook(page);
  await nb.open();
  // vit-tiny-p4-32 codes 32-px images on an 8×8 grid; micro has 4×4 patches.
  const tok = await trainTokenizer(nb, 'vit-tiny-p4-32', 1);
  // Exported as .safetensors and imported again, it is kept as a tokenizer of its own.
  const item = page.locator(`[data-testid="tokenizer.item"][data-id="${tok}"]`);
  const [download] = await Promise.all([page.waitForEvent('download'), item.getByTestId('tokenizer.export').click()]);
  expect(download.suggestedFilename()).toBe(`${tok}-step1.safetensors`);
  await page
    .getByTestId('tokenizer.import')
    .setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/octet-stream', buffer: readFileSync((await download.path())!) });
  await expect.poll(() => page.evaluate(() => window.__cae.tokenizer().kept), { timeout: 30_000 }).toContain(`tok-file-${tok}-step1`);
  await expect(page.locator(`[data-testid="tokenizer.item"][data-id="tok-file-${tok}-step1"]`)).toContainText(
    '8×8 codes of 32 px · K=16 · imported, trained to step 1',
  );
  await nb.view('pretrain');
  await page.getByTestId('pretrain.preset').selectOption('micro');
  await page.locator('#field-target').selectOption('token');
  await page.getByTestId('pretrain.tokenizer').selectOption(tok);
  await expect(page.getByTestId('pretrain.tokenizer-mismatch')).toContainText('8×8 grid of codes (32 px / 4), but the model has 4×4 patches (32 px / 8)');
  await page.getByTestId('pretrain.start').click();
  await expect(page.getByTestId('notices')).toContainText('Token targets cannot use this tokenizer');
  expect((await nb.state()).status).toBe('idle');
});

test('the tokenizer shows its cost before Start, measured by its first run, and a progress bar while it trains', async ({ page }) => {
  test.setTimeout(300_000);
  const nb = new Notebook(page);
  await nb.open();
  await nb.view('tokenizer');
  const estimate = page.getByTestId('tokenizer.estimate');
  // Nothing has trained on this device (a fresh browser profile): no time, but the storage from the parameters.
  await expect(estimate).toContainText('Time: unknown until the first steps');
  await expect(estimate).toContainText(/Storage: about [\d.]+ (kB|MB) in this browser \(checkpoint with optimizer state/);
  await trainTokenizer(nb, 'micro', 4, async () => {
    const block = page.getByTestId('tokenizer.progress');
    await expect(block.getByRole('progressbar', { name: 'tokenizer progress' })).toHaveAttribute('aria-valuemax', '4');
    await expect(page.getByTestId('tokenizer.progress.phase')).toHaveText(/starting|compiling|training/);
    await expect(page.getByTestId('tokenizer.progress.left')).toBeVisible();
    await expect(estimate).toHaveCount(0); // the estimate is for the next Start, not the run under way
  });
  await expect(page.getByTestId('tokenizer.progress')).toHaveCount(0);
  // The same shape again: its time from the img/s this run measured, kept across a reload.
  await expect(estimate).toContainText(/^Time: about \d+ (s|min) on this device \([\d.]+ img\/s, measured by your last tokenizer of this shape here\)/);
  await nb.open();
  await nb.view('tokenizer');
  await page.getByTestId('tokenizer.preset').selectOption('micro');
  for (const [key, value] of [
    ['vocabSize', '16'],
    ['hiddenDim', '4'],
  ] as const) {
    await page.getByTestId(`tokenizer.${key}`).fill(value);
    await page.getByTestId(`tokenizer.${key}`).blur();
  }
  await expect(estimate).toContainText('img/s, measured by your last tokenizer of this shape here');
  // Another shape has no measured speed.
  await page.getByTestId('tokenizer.vocabSize').fill('32');
  await page.getByTestId('tokenizer.vocabSize').blur();
  await expect(estimate).toContainText('Time: unknown until the first steps (no tokenizer of this shape, 32 px, 8-px cells, K=32, width 4');
  expect(nb.pageErrors).toEqual([]);
});

test("DALL-E's converted encoder (CAE*): imported through the file input, a micro run's target, its token map in the Lab without decodings", async ({
  page,
}) => {
  test.setTimeout(300_000);
  const nb = new Notebook(page);
  await nb.open();
  await nb.view('tokenizer');
  // The encoder pytorch/convert_dalle.py wrote from a randomly initialized DALL-E encoder (h = 8, K = 32, 32 px → 4×4).
  await page
    .getByTestId('tokenizer.import')
    .setInputFiles({ name: 'dalle-tiny.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(dalleEncoderFile()) });
  const id = 'tok-file-dalle-tiny';
  await expect.poll(() => page.evaluate(() => window.__cae.tokenizer().kept), { timeout: 30_000 }).toContain(id);
  await expect(page.locator(`[data-testid="tokenizer.item"][data-id="${id}"]`)).toContainText(
    "DALL-E's encoder (codes only, no decoder) · 4×4 codes of 32 px · K=32 · imported",
  );

  await tokenRun(nb, id, 2);
  await nb.waitForStatus('done', 240_000);
  const s = await nb.state();
  // Cross-entropy over its 32 codes, finite.
  expect(s.losses.length).toBe(2);
  expect(s.losses.every(Number.isFinite)).toBe(true);
  await expect(nb.runRow(s.runId!)).toContainText(`target tokens (${id}, K=32)`);

  const lab = new Lab(page);
  await nb.view('lab');
  await page.getByTestId('lab.model').selectOption('current');
  await lab.open('picture.png', picture, 'image/png');
  await expect(page.getByTestId('lab.tokens')).toContainText(`Tokens under ${id}`);
  expect(await nb.canvasSpread('lab.token-map.canvas')).toBeGreaterThan(0);
  await expect(page.getByTestId('lab.token-decoded')).toHaveAttribute('data-empty', 'true');
  await expect(page.getByTestId('lab.token-decoded')).toContainText('has no decoder');
  await expect(page.getByTestId('lab.token-predicted')).toContainText('The predicted codes are in the token map');
  await expect(page.getByTestId('lab.token-exact')).toContainText(/Exact codes: \d+(\.\d)? % of the masked patches/);
  await page.getByTestId('lab.token-map').hover({ position: { x: 5, y: 5 } });
  await expect(page.getByTestId('lab.token-hover')).toContainText(/patch 0 \(row 0, column 0\): code \d+/);
  expect(nb.pageErrors).toEqual([]);
});
