// Page object for the image lab: uploads from bytes made in the test, patch clicks, and waits on
// window.__cae.lab() for the worker's answer instead of sleeping.
import { expect, type Page } from '@playwright/test';

export class Lab {
  constructor(readonly page: Page) {}

  state() {
    return this.page.evaluate(() => window.__cae.lab());
  }

  /** Sets the lab's file input to bytes made in the test. */
  async upload(name: string, bytes: Uint8Array, mimeType: string): Promise<void> {
    await this.page.getByTestId('view.lab').click();
    await this.page.getByTestId('lab.upload').setInputFiles({ name, mimeType, buffer: Buffer.from(bytes) });
  }

  /** Waits until the worker answered the latest request (and any file being opened is done). */
  async settled(after = 0): Promise<void> {
    await this.page.waitForFunction(
      (n) => {
        const l = window.__cae.lab();
        return !l.opening && !l.busy && l.requestId > n && l.label !== null;
      },
      after,
      { timeout: 60_000, polling: 100 },
    );
    // the debounce may still hold a request made by the last change
    await this.page.waitForTimeout(150);
    await this.page.waitForFunction(() => !window.__cae.lab().busy, undefined, { timeout: 60_000, polling: 100 });
  }

  /** Uploads an image the lab should accept and waits for its panels. */
  async open(name: string, bytes: Uint8Array, mimeType: string): Promise<void> {
    const before = (await this.state()).requestId;
    await this.upload(name, bytes, mimeType);
    await this.page.waitForFunction((n) => window.__cae.lab().image === n, name, { timeout: 30_000, polling: 100 });
    await this.settled(before);
    await expect(this.page.getByTestId('lab.message')).toHaveCount(0);
  }

  /** Clicks patch k of a g×g grid on the mask canvas (256 px shown). */
  async clickPatch(k: number, g: number): Promise<void> {
    const cell = 256 / g;
    await this.page.getByTestId('lab.mask-canvas').click({ position: { x: (k % g) * cell + cell / 2, y: Math.floor(k / g) * cell + cell / 2 } });
  }

  /** Drags across patches ks of a g×g grid in one stroke. */
  async dragPatches(ks: number[], g: number): Promise<void> {
    await this.page.getByTestId('lab.mask-canvas').scrollIntoViewIfNeeded();
    const box = (await this.page.getByTestId('lab.mask-canvas').boundingBox())!;
    const cell = 256 / g;
    const at = (k: number) => [box.x + (k % g) * cell + cell / 2, box.y + Math.floor(k / g) * cell + cell / 2] as const;
    await this.page.mouse.move(...at(ks[0]!));
    await this.page.mouse.down();
    for (const k of ks.slice(1)) await this.page.mouse.move(...at(k), { steps: 4 });
    await this.page.mouse.up();
  }

  /** A canvas's RGBA pixels. */
  pixels(testId: string): Promise<number[]> {
    return this.page.getByTestId(testId).evaluate((c: HTMLCanvasElement) => [...c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data]);
  }

  /** Mean red, green and blue of a canvas. */
  async meanColour(testId: string): Promise<[number, number, number]> {
    const d = await this.pixels(testId);
    const m = [0, 0, 0];
    for (let i = 0; i < d.length; i += 4) for (let c = 0; c < 3; c++) m[c]! += d[i + c]!;
    return m.map((v) => v / (d.length / 4)) as [number, number, number];
  }
}
