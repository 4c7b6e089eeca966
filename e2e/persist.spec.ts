import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Notebook } from './notebook';

const fixtures = process.env.CAE_FIXTURES_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/fixtures/cae-official');

test('a run survives a reload: Resume continues from its checkpoint with its curves', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await page.getByTestId('pretrain.start').click();
  await nb.waitForStep(4);
  await page.getByTestId('pretrain.pause').click();
  await nb.waitForStatus('paused');
  const pausedAt = (await nb.state()).step;
  const row = nb.runRow();
  await expect(row).toContainText(`checkpoint at step ${pausedAt}`); // the checkpoint taken on pause is kept

  await page.reload();
  await expect(page.getByTestId('backend.name')).toContainText('WebGPU', { timeout: 90_000 });
  await expect(row).toContainText('interrupted');

  // The kept checkpoint is an encoder to probe, also after the reload.
  const kept = await row.getAttribute('data-run-id');
  await nb.probeBriefly(kept!, { epochs: 1, warmup: 0, train: 32, val: 16, batch: 16 });
  await expect(page.getByTestId('probe.table').locator('tr[data-result-id]').first()).toContainText(kept!);
  await nb.selectRun(row);
  await row.getByTestId('runs.resume').click();
  // The worker says which checkpoint it loaded: the run goes on from there, not from step 0.
  await expect(page.getByTestId('pretrain.message')).toHaveText(`Resumed from the checkpoint at step ${pausedAt}.`);
  await nb.waitForStep(pausedAt + 2);
  expect((await nb.state()).status).toBe('running');
  // The curves go on from where they were: the points before the checkpoint came back from storage
  // (a replayed step's losses arrive a step late).
  await expect.poll(async () => (await nb.state()).losses.length).toBeGreaterThanOrEqual(pausedAt + 2);
  await nb.view('pretrain');
  await page.getByTestId('pretrain.stop').click();
  await nb.waitForStatus('stopped');
  await expect(page.getByTestId('runs.storage')).toContainText('Storage used');

  // Deleting the run removes it and its checkpoint, also after a reload.
  const runId = await row.getAttribute('data-run-id');
  await row.getByTestId('runs.delete').click();
  await expect(page.locator(`[data-run-id="${runId}"]`)).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('runs.list')).toContainText('No runs yet');
});

test('checkpoints export and import; files that do not fit are refused with the reason', async ({ page }, info) => {
  const nb = new Notebook(page);
  await nb.open();
  await nb.pretrainBriefly(2);

  const download = page.waitForEvent('download');
  await page.getByTestId('ckpt.export').first().click();
  const file = join(info.outputDir, (await download).suggestedFilename());
  await (await download).saveAs(file);
  expect(file).toMatch(/\.safetensors$/);

  // A pixel-target run has no official command line (the official head is always 8192-way): a message, no file.
  await page.getByTestId('ckpt.flagsGpus').fill('4');
  await page.getByTestId('ckpt.flags').first().click();
  await expect(page.getByTestId('notices')).toContainText('always builds an 8192-way token head');

  // The encoder for the official downstream tools: a torch.save zip, and their command lines.
  const pth = page.waitForEvent('download');
  await page.getByTestId('ckpt.encoder').first().click();
  const pthFile = join(info.outputDir, (await pth).suggestedFilename());
  await (await pth).saveAs(pthFile);
  expect(pthFile).toMatch(/-encoder\.pth$/);
  const zip = readFileSync(pthFile);
  expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
  expect(zip.subarray(30, 30 + 16).toString('latin1')).toBe('archive/data.pkl');
  const sh = page.waitForEvent('download');
  await page.getByTestId('ckpt.downstream').first().click();
  const shFile = join(info.outputDir, (await sh).suggestedFilename());
  await (await sh).saveAs(shFile);
  const script = readFileSync(shFile, 'utf8');
  expect(script).toContain('--nproc_per_node=4 tools/run_linear.py');
  expect(script).toContain('tools/run_class_finetuning.py');

  // Imported checkpoints become encoders in the Probe view (each view is mounted when first opened).
  await nb.view('probe');
  await page.getByTestId('ckpt.import').setInputFiles(file);
  await expect(page.getByTestId('probe.encoder').locator('option', { hasText: 'imported:' })).toHaveCount(1);

  // The official PyTorch model's weights import under their own names.
  await page.getByTestId('ckpt.import').setInputFiles(join(fixtures, 'tiny_a.weights.safetensors'));
  await expect(page.getByTestId('probe.encoder').locator('option', { hasText: 'imported:tiny_a' })).toHaveCount(1);

  // A truncated file is refused, saying why, and nothing else changes.
  const bad = join(info.outputDir, 'truncated.safetensors');
  writeFileSync(bad, Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123]));
  await page.getByTestId('ckpt.import').setInputFiles(bad);
  await expect(page.getByTestId('notices')).toContainText('Could not import truncated.safetensors: truncated safetensors file');
  await expect(page.getByTestId('probe.encoder').locator('option', { hasText: 'imported:' })).toHaveCount(2);

  // The exported file with one weight set to NaN is refused, naming the tensor, and nothing changes.
  const good = readFileSync(file);
  const headerLen = good.readUInt32LE(0);
  const header = JSON.parse(good.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, { data_offsets: [number, number] }>;
  const poisoned = Buffer.from(good);
  poisoned.writeFloatLE(NaN, 8 + headerLen + header['encoder.blocks.0.attn.qkv.weight']!.data_offsets[0]);
  const poisonedFile = join(info.outputDir, 'poisoned.safetensors');
  writeFileSync(poisonedFile, poisoned);
  await page.getByTestId('ckpt.import').setInputFiles(poisonedFile);
  await expect(page.getByTestId('notices')).toContainText(
    'Could not import poisoned.safetensors: tensor "encoder.blocks.0.attn.qkv.weight" holds 1 NaN value; the checkpoint is damaged and was not loaded',
  );
  await expect(page.getByTestId('probe.encoder').locator('option', { hasText: 'imported:' })).toHaveCount(2);
});
