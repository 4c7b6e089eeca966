import { expect, test } from '@playwright/test';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { animatedGif, apng, blankPng, flatCmykJpeg, garbledPng, png, testPicture } from '../src/testing/images';
import { Lab } from './lab';
import { Notebook } from './notebook';

const picture = png({ width: 96, height: 64, colourType: 2, bitDepth: 8, pixel: testPicture(96, 64) });
const G = 4; // micro: 32 px in 8 px patches
const fixtures = process.env.CAE_FIXTURES_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/fixtures/cae-official');

test('an uploaded PNG is cropped, masked by painting, and reconstructed', async ({ page }) => {
  const nb = new Notebook(page);
  const lab = new Lab(page);
  await nb.open();
  await nb.view('lab');
  // The crop editor dims the image outside the crop, and nothing outside the editor: the page's
  // title and the lab's own text look the same before and after an image opens.
  const title = page.locator('header h1');
  const hint = page.getByText('Click patches on the grid');
  const [titleBefore, hintBefore] = [await title.screenshot(), await hint.screenshot()];
  await lab.open('picture.png', picture, 'image/png');
  await expect(page.getByTestId('lab.crop')).toBeVisible();
  expect(await title.screenshot()).toEqual(titleBefore);
  expect(await hint.screenshot()).toEqual(hintBefore);
  await expect(page.getByText('crop 64×64 at (16, 0)')).toBeVisible(); // centre crop by default
  await expect(page.getByTestId('lab.mask-count')).toContainText('8 of 16 patches masked'); // block-wise, ratio 0.5
  // Dragging the crop moves it (stopping at the image's edge) and the model's input follows.
  const shown = await lab.pixels('lab.original');
  await page.getByTestId('lab.crop').scrollIntoViewIfNeeded();
  const box = (await page.getByTestId('lab.crop').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 100, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByText('crop 64×64 at (0, 0)')).toBeVisible();
  await lab.settled();
  expect(await lab.pixels('lab.original')).not.toEqual(shown);

  await page.getByTestId('lab.mask-clear').click();
  await expect(page.getByTestId('lab.mask-count')).toContainText('0 of 16');
  for (const k of [0, 5, 10]) await lab.clickPatch(k, G);
  await expect(page.getByTestId('lab.mask-count')).toContainText('3 of 16 patches masked');
  await lab.settled();
  expect((await lab.state()).masked).toBe(3);
  expect(await nb.canvasSpread('lab.recon')).toBeGreaterThan(10);
  expect(await nb.canvasSpread('lab.full-recon')).toBeGreaterThan(10);
  expect(await nb.canvasSpread('lab.error')).toBeGreaterThan(10);
  expect(await nb.canvasSpread('lab.composite')).toBeGreaterThan(10);
  await expect(page.getByTestId('lab')).toContainText('true patch mean and variance');

  // Clicking a masked patch again unmasks it; a drag paints its first patch's new state.
  await lab.clickPatch(5, G);
  await expect(page.getByTestId('lab.mask-count')).toContainText('2 of 16');
  await lab.dragPatches([12, 13, 14, 15], G);
  await expect(page.getByTestId('lab.mask-count')).toContainText('6 of 16');

  // Generated masks are seeded and their seed is shown.
  await page.getByTestId('lab.mask-kind').selectOption('random');
  await expect(page.getByTestId('lab.mask-count')).toContainText('8 of 16');
  await page.getByTestId('lab.new-seed').click();
  await expect(page.getByTestId('lab.seed')).toHaveValue('1');
  await lab.settled();
  expect(await nb.canvasSpread('lab.recon')).toBeGreaterThan(10);

  // Drag and drop, and paste, open images too.
  const small = [...png({ width: 40, height: 40, colourType: 2, bitDepth: 8, pixel: testPicture(40, 40) })];
  for (const how of ['drop', 'paste'] as const) {
    const name = `${how}.png`;
    await page.evaluate(
      ([bytes, name, how]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
        if (how === 'drop')
          document.querySelector('[data-testid="lab"]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        else window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt }));
      },
      [small, name, how] as const,
    );
    await page.waitForFunction((n) => window.__cae.lab().image === n, name, { timeout: 30_000 });
    await lab.settled();
  }
  expect(nb.pageErrors).toEqual([]);
});

/** Deterministic junk bytes. */
const junk = (n: number) => Uint8Array.from({ length: n }, (_, i) => (Math.imul(i + 1, 2654435761) >>> 13) & 255);
const solid = (rgb: readonly number[]) => () => rgb;
const corrupt = (() => {
  const b = picture.slice();
  b[60] = b[60]! ^ 0x5a; // inside the IDAT data
  return b;
})();

test('bad files are refused with a message, odd ones handled, and the lab keeps working', async ({ page }) => {
  test.setTimeout(300_000);
  const nb = new Notebook(page);
  const lab = new Lab(page);
  await nb.open();
  await lab.open('picture.png', picture, 'image/png');
  const runsBefore = await page.getByTestId('runs.list').textContent();

  /** Refused: a message says why, the previous image stays, and a click still gets new panels. */
  const refused = async (name: string, bytes: Uint8Array, mime: string, message: RegExp) => {
    const before = (await lab.state()).requestId;
    await lab.upload(name, bytes, mime);
    await expect(page.getByTestId('lab.message')).toContainText(message);
    expect((await lab.state()).image).toBe('picture.png');
    await lab.clickPatch(0, G);
    await lab.settled(before);
  };
  await refused('empty.png', new Uint8Array(0), 'image/png', /empty\.png is empty \(0 bytes\)\. Choose a PNG, JPEG/);
  await refused('noise.png', junk(5000), 'image/png', /noise\.png is not an image this browser can read/);
  await refused('notes.txt', new TextEncoder().encode('just some text, not an image\n'), 'text/plain', /notes\.txt is not an image this browser can read/);
  await refused(
    'cut.png',
    picture.subarray(0, Math.floor(picture.length / 2)),
    'image/png',
    /cut\.png is truncated: it ends inside its IDAT chunk.*upload the complete file/,
  );
  await refused('flipped.png', corrupt, 'image/png', /flipped\.png is corrupt: its IDAT chunk fails its checksum/);
  await refused('garbled.png', garbledPng(30, 30), 'image/png', /garbled\.png looks like a PNG image but the browser could not decode it/);
  await refused('huge.png', blankPng(12000, 12000), 'image/png', /huge\.png is 12000×12000 pixels \(144 megapixels\).*Scale it down/);
  const cmyk = flatCmykJpeg(40, 40, [255, 0, 0, 255]);
  await refused('cut.jpg', cmyk.subarray(0, cmyk.length - 6), 'image/jpeg', /cut\.jpg is truncated/);
  await refused(
    'broken.svg',
    new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><rect width="10"'),
    'image/svg+xml',
    /broken\.svg is an SVG image that could not be drawn/,
  );

  /** Accepted: the original shows the expected colour and the notes say what was changed. */
  const accepted = async (name: string, bytes: Uint8Array, mime: string, colour: [number, number, number], noteText: RegExp | null) => {
    await lab.open(name, bytes, mime);
    const got = await lab.meanColour('lab.original');
    got.forEach((v, c) => expect(Math.abs(v - colour[c]!), `${name} channel ${c}: ${got}`).toBeLessThan(12));
    if (noteText) await expect(page.getByTestId('lab.notes')).toContainText(noteText);
    else await expect(page.getByTestId('lab.notes')).toHaveCount(0);
    expect(await nb.canvasSpread('lab.full-recon')).toBeGreaterThan(0);
  };
  await accepted(
    'drawing.svg',
    new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30" fill="#2050c0"/></svg>'),
    'image/svg+xml',
    [32, 80, 192],
    null,
  );
  await accepted(
    'frames.gif',
    animatedGif(
      16,
      16,
      [
        [230, 30, 30],
        [30, 30, 230],
      ],
      [() => 0, () => 1],
    ),
    'image/gif',
    [230, 30, 30],
    /animated; the lab uses its first frame/,
  );
  const frame = { width: 16, height: 16, colourType: 2, bitDepth: 8 } as const;
  await accepted(
    'frames.png',
    apng([
      { ...frame, pixel: solid([0.1, 0.8, 0.2]) },
      { ...frame, pixel: solid([0, 0, 1]) },
    ]),
    'image/png',
    [26, 204, 51],
    /animated; the lab uses its first frame/,
  );
  await accepted('gray.png', png({ width: 20, height: 20, colourType: 0, bitDepth: 8, pixel: solid([0.4]) }), 'image/png', [102, 102, 102], /Grayscale image/);
  await accepted(
    'alpha.png',
    png({ width: 20, height: 20, colourType: 6, bitDepth: 8, pixel: (x) => (x < 10 ? [0, 0, 0, 0] : [0, 0, 0, 1]) }),
    'image/png',
    [128, 128, 128],
    /transparent areas were filled with white/,
  );
  await accepted(
    'deep.png',
    png({ width: 20, height: 20, colourType: 2, bitDepth: 16, pixel: solid([0.2, 0.6, 1]) }),
    'image/png',
    [51, 153, 255],
    /16 bits per channel were reduced to 8/,
  );
  await accepted('cmyk.jpg', cmyk, 'image/jpeg', [255, 0, 0], /CMYK JPEG: converted to RGB/);

  // Nothing else changed: no run appeared or went, and the page logged no error.
  await expect(page.getByTestId('runs.list')).toHaveText(runsBefore!);
  expect(nb.pageErrors).toEqual([]);
});

test('a checkpoint exported and imported reconstructs the same image and mask identically', async ({ page }, info) => {
  const nb = new Notebook(page);
  const lab = new Lab(page);
  await nb.open();
  await nb.pretrainBriefly(2);
  const runId = (await nb.runRow().getAttribute('data-run-id'))!;
  await nb.view('lab');
  await page.getByTestId('lab.model').selectOption('current'); // the page's run, listed once (by its name and id);
  await lab.open('picture.png', picture, 'image/png');
  await page.getByTestId('lab.mask-clear').click();
  for (const k of [1, 6, 11]) await lab.clickPatch(k, G);
  await lab.settled();
  expect((await lab.state()).label).toContain(runId);
  const recon = await lab.pixels('lab.recon');
  const full = await lab.pixels('lab.full-recon');
  expect(await nb.canvasSpread('lab.recon')).toBeGreaterThan(10);

  const download = page.waitForEvent('download');
  await page.getByTestId('ckpt.export').first().click();
  const file = join(info.outputDir, (await download).suggestedFilename());
  await (await download).saveAs(file);
  await page.getByTestId('ckpt.import').setInputFiles(file);
  const imported = page.getByTestId('lab.model').locator('option', { hasText: 'imported:' });
  await expect(imported).toHaveCount(1);
  const before = (await lab.state()).requestId;
  await page.getByTestId('lab.model').selectOption((await imported.getAttribute('value'))!);
  await lab.settled(before);
  expect((await lab.state()).label).toContain('imported:');
  expect(await lab.pixels('lab.recon')).toEqual(recon);
  expect(await lab.pixels('lab.full-recon')).toEqual(full);

  // The run's model as the worker still holds it is the state it saved last: the same pixels again.
  await page.getByTestId('lab.model').selectOption('current');
  await lab.settled();
  expect((await lab.state()).label).toContain('(current run)');
  expect(await lab.pixels('lab.recon')).toEqual(recon);

  // An official checkpoint predicts tokens: token maps instead of pixels, and no error map.
  await page.getByTestId('ckpt.import').setInputFiles(join(fixtures, 'tiny_a.weights.safetensors'));
  const official = page.getByTestId('lab.model').locator('option', { hasText: 'imported:tiny_a' });
  await expect(official).toHaveCount(1);
  await page.getByTestId('lab.model').selectOption((await official.getAttribute('value'))!);
  await page.waitForFunction(() => window.__cae.lab().label?.includes('tiny_a'), undefined, { timeout: 60_000 });
  await lab.settled();
  await expect(page.getByTestId('lab')).toContainText('predicted tokens of the masked patches');
  await expect(page.getByTestId('lab.error')).toContainText('No error map for token targets');
  expect(await nb.canvasSpread('lab.recon')).toBeGreaterThan(10);
  expect(await nb.canvasSpread('lab.full-recon')).toBeGreaterThan(10);
  expect(nb.pageErrors).toEqual([]);
});

test('the lab reconstructs with the live model while the replayed step trains, and the run goes on', async ({ page }) => {
  const nb = new Notebook(page);
  await nb.open();
  await nb.view('pretrain');
  await page.getByTestId('pretrain.start').click();
  await expect(page.getByTestId('pretrain.engine')).toContainText('replay', { timeout: 120_000 });
  await nb.view('lab');
  await expect(page.getByTestId('lab.model')).toHaveValue('current');
  // Reading the live model gives the variables back their weights from the replay's buffers.
  await new Lab(page).open('picture.png', picture, 'image/png');
  expect(await nb.canvasSpread('lab.recon')).toBeGreaterThan(5);
  const s = await nb.state();
  expect(s.status).toBe('running');
  await nb.waitForStep(s.step + 3);
  await expect(page.getByTestId('pretrain.engine')).toContainText('replay');
  expect(nb.pageErrors).toEqual([]);
});
