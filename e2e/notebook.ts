// Page object for the notebook: test ids and waits on window.__cae instead of sleeps.
import { expect, type Page } from '@playwright/test';

/** An evaluation's sizes: small, SwiftShader is slow. */
export interface ProbeOptions {
  epochs: number;
  warmup?: number;
  train: number;
  val: number;
  batch: number;
  evals?: readonly string[];
  baseline?: boolean;
  ftEpochs?: number;
  /** LIN's readout (default: the converged logistic regression). */
  linear?: 'logistic' | 'official';
}

export class Notebook {
  readonly requests: string[] = [];
  readonly pageErrors: string[] = [];

  constructor(readonly page: Page) {
    page.on('request', (r) => this.requests.push(r.url()));
    page.on('pageerror', (e) => this.pageErrors.push(e.message));
  }

  async open(query = ''): Promise<void> {
    await this.page.goto(`/${query}`);
    await expect(this.page.getByTestId('backend.name')).not.toHaveText('starting…', { timeout: 90_000 });
  }

  state() {
    return this.page.evaluate(() => window.__cae.state());
  }

  async waitForStep(n: number, timeout = 180_000): Promise<void> {
    await this.page.waitForFunction((k) => window.__cae.state().step >= k, n, { timeout, polling: 250 });
  }

  async waitForStatus(status: string, timeout = 60_000): Promise<void> {
    await this.page.waitForFunction((s) => window.__cae.state().status === s, status, { timeout, polling: 250 });
  }

  /** Opens one of the notebook's views (its tab): a view's controls are visible only while it is open. */
  async view(id: 'pretrain' | 'tokenizer' | 'probe' | 'lab' | 'data' | 'compare' | 'sweep'): Promise<void> {
    await this.page.getByTestId(`view.${id}`).click();
    await expect(this.page.getByTestId(`view.${id}`)).toHaveAttribute('aria-selected', 'true');
  }

  /** A run's entry in the runs sidebar: the first (newest) one, or the one with id `id`. */
  runRow(id?: string) {
    const rows = this.page.getByTestId('runs.list').locator(id ? `[data-run-id="${id}"]` : '[data-run-id]');
    return id ? rows : rows.first();
  }

  /** Selects a run in the sidebar (unless it is open already), which shows its actions. */
  async selectRun(row: ReturnType<Notebook['runRow']>): Promise<void> {
    const select = row.getByTestId('runs.select');
    if ((await select.getAttribute('aria-expanded')) !== 'true') await select.click();
    await expect(select).toHaveAttribute('aria-expanded', 'true');
  }

  /** Starts a run of the form's preset, lets it take `steps` steps and stops it. */
  async pretrainBriefly(steps: number): Promise<void> {
    await this.view('pretrain');
    await this.page.getByTestId('pretrain.start').click();
    await this.waitForStep(steps);
    await this.page.getByTestId('pretrain.stop').click();
    await this.waitForStatus('stopped');
  }

  /**
   * Evaluates `encoder` (a run id or 'random') with small sizes and waits until it is done: LIN, ATT
   * and kNN unless `evals` says otherwise, without the baseline unless asked (SwiftShader is slow).
   */
  async probeBriefly(encoder: string, o: ProbeOptions): Promise<void> {
    await this.startProbe(encoder, o);
    await this.page.waitForFunction(() => window.__cae.probe().status === 'done', undefined, { timeout: 180_000, polling: 500 });
  }

  /** Sets up and starts the evaluation probeBriefly waits for, without waiting. */
  async startProbe(encoder: string, o: ProbeOptions): Promise<void> {
    await this.view('probe');
    await this.page.getByTestId('probe.encoder').selectOption(encoder);
    const evals = o.evals ?? ['lin', 'att', 'knn'];
    for (const id of ['lin', 'att', 'knn', 'ft']) await this.page.getByTestId(`probe.eval.${id}`).setChecked(evals.includes(id));
    await this.page.getByTestId('probe.baseline').setChecked(o.baseline ?? false);
    if (o.ftEpochs !== undefined) {
      await this.setField('fine-tune epochs', String(o.ftEpochs));
      await this.setField('fine-tune warmup epochs', '0');
      await this.setField('fine-tune batch', String(o.batch));
    }
    // ATT trains until converged, at most its cap; LIN's epochs count only for its official recipe.
    await this.page.getByTestId('probe.linear').selectOption(o.linear ?? 'logistic');
    await this.setField('ATT epoch cap', String(o.epochs));
    if (o.linear === 'official') {
      await this.setField('LIN epochs', String(o.epochs));
      if (o.warmup !== undefined) await this.setField('warmup epochs', String(o.warmup));
    }
    await this.setField('training images', String(o.train));
    await this.setField('test images', String(o.val));
    await this.setField('probe batch', String(o.batch));
    await this.page.getByTestId('probe.start').click();
  }

  async setField(label: string, value: string): Promise<void> {
    const input = this.page.getByLabel(label, { exact: true });
    await input.fill(value);
    await input.blur();
  }

  /** Requests that left the page's origin (data: and blob: URLs stay local). */
  foreignRequests(origin: string): string[] {
    return this.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
  }

  /** Per-channel spread of a canvas's pixels: 0 for a blank or flat canvas. */
  async canvasSpread(testId: string): Promise<number> {
    const canvas = this.page.getByTestId(testId).first();
    // Image canvases draw a moment after they appear (ImageCanvas queues its draws).
    if (await canvas.evaluate((c) => c.classList.contains('image-canvas'))) await expect(canvas).toHaveAttribute('data-drawn', 'yes');
    return canvas.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let lo = 255;
      let hi = 0;
      for (let i = 0; i < d.length; i += 4) for (let k = 0; k < 3; k++) [lo, hi] = [Math.min(lo, d[i + k]!), Math.max(hi, d[i + k]!)];
      return hi - lo;
    });
  }
}
