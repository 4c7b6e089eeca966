// One pretraining run inside the worker: the loop over batches, pause/resume/stop, throttled
// metrics and reconstruction views, and the last good state kept for recovery.
import * as tf from '@tensorflow/tfjs';
import { BatchLoader, validationBatch, type ImageBatch } from '../data/loader';
import { shapesDataset } from '../data/shapes';
import { Cae } from '../model/cae';
import { batchMasks } from '../model/masking';
import { Rng } from '../model/random';
import type { FromWorker, RunSpec, RunStatus, StepPoint } from '../protocol/messages';
import { loadCheckpoint, saveCheckpoint } from '../train/checkpoint';
import { CaeTrainer, NonFiniteLossError } from '../train/trainer';
import { reconView } from './reconView';

export type Post = (msg: FromWorker, transfer?: Transferable[]) => void;

const METRICS_EVERY_MS = 250;
const RECON_EVERY_MS = 3000;
/** How often the last good state is copied off the GPU, for recovery after a lost device. */
const SNAPSHOT_EVERY_MS = 15_000;
const VAL_IMAGES = 6;

const nextTask = () => new Promise<void>((r) => setTimeout(r, 0));

export class PretrainRun {
  status: RunStatus = 'starting';
  private trainer: CaeTrainer;
  private readonly loader: BatchLoader;
  private readonly val: ImageBatch;
  private readonly valMask: Uint8Array;
  private pending: StepPoint[] = [];
  private resumeWaiter: (() => void) | null = null;
  private stopRequested = false;
  private lastGood: Uint8Array | null = null;
  private lastGoodAt = 0;
  private rate: { t: number; images: number }[] = [];
  /** Set by the device-loss handler: the current step's failure is the device's, not the model's. */
  deviceLost: string | null = null;

  constructor(
    readonly spec: RunSpec,
    private readonly post: Post,
  ) {
    const ds = shapesDataset(spec.train.seed, spec.model.imgSize);
    this.trainer = new CaeTrainer(new Cae(spec.model, spec.train.seed), spec.train);
    this.loader = new BatchLoader(ds, spec.train.batchSize, spec.train.seed);
    this.val = validationBatch(ds, Array.from({ length: VAL_IMAGES }, (_, i) => i * 7));
    this.valMask = batchMasks(spec.model, new Rng(spec.train.seed + 17), VAL_IMAGES);
  }

  get step(): number {
    return this.trainer.step;
  }

  private setStatus(status: RunStatus, message: string | null = null): void {
    this.status = status;
    this.post({ type: 'pretrain/status', runId: this.spec.id, status, step: this.trainer.step, message });
  }

  pause(): void {
    if (this.status === 'running') this.setStatus('paused');
  }

  resume(): void {
    if (this.status !== 'paused') return;
    this.setStatus('running');
    this.resumeWaiter?.();
    this.resumeWaiter = null;
  }

  stop(): void {
    this.stopRequested = true;
    this.resumeWaiter?.();
    this.resumeWaiter = null;
  }

  private imgPerSec(now: number): number {
    this.rate.push({ t: now, images: this.spec.train.batchSize });
    while (this.rate.length > 2 && now - this.rate[0]!.t > 3000) this.rate.shift();
    if (this.rate.length < 2) return 0;
    const images = this.rate.slice(1).reduce((a, r) => a + r.images, 0);
    return (images * 1000) / (now - this.rate[0]!.t);
  }

  private flushMetrics(imgPerSec: number): void {
    if (!this.pending.length) return;
    this.post({ type: 'pretrain/metrics', runId: this.spec.id, points: this.pending, step: this.trainer.step, totalSteps: this.spec.train.totalSteps, imgPerSec });
    this.pending = [];
  }

  private async postRecon(): Promise<void> {
    if (this.spec.model.target !== 'pixel') return; // token targets have no pixels to show
    const view = await reconView(this.trainer.model, this.val, this.valMask, this.trainer.step);
    this.post({ type: 'pretrain/recon', runId: this.spec.id, view }, [view.original.buffer, view.masked.buffer, view.recon.buffer, view.composite.buffer]);
  }

  private async snapshot(): Promise<void> {
    this.lastGood = await saveCheckpoint(this.trainer, { cursor: String(this.loader.cursor) });
    this.lastGoodAt = performance.now();
  }

  /** Rebuilds model and trainer from the last good state on the (new) backend. */
  private restoreLastGood(): void {
    if (!this.lastGood) throw new Error('no saved state to continue from');
    const old = this.trainer;
    const run = loadCheckpoint(this.lastGood);
    this.trainer = run.trainer;
    this.loader.cursor = Number(run.extra.cursor ?? 0);
    try {
      old.dispose();
      old.model.dispose();
    } catch {
      // Tensors of a lost device cannot be released through it; they went with it.
    }
  }

  /** Called after the device was lost and a backend restarted: continue from the last good state. */
  async recover(): Promise<number> {
    this.restoreLastGood();
    this.deviceLost = null;
    return this.trainer.step;
  }

  /** Runs until the schedule ends, stop() is called, or a failure ends it. */
  async run(onDeviceLost: (run: PretrainRun) => Promise<boolean>): Promise<void> {
    this.setStatus('running');
    await this.snapshot();
    let lastMetrics = 0;
    let lastRecon = -Infinity;
    let imgPerSec = 0;
    const total = this.spec.train.totalSteps;
    while (this.trainer.step < total && !this.stopRequested) {
      if (this.status === 'paused') {
        this.flushMetrics(imgPerSec);
        await this.snapshot();
        await new Promise<void>((r) => (this.resumeWaiter = r));
        this.rate = [];
        continue;
      }
      const batch = this.loader.next();
      const images = tf.tensor4d(batch.images, [batch.batch, 3, batch.size, batch.size]);
      try {
        const r = await this.trainer.trainStep({ images });
        this.pending.push({ step: r.step, total: r.total, reconstruction: r.reconstruction, alignment: r.alignment, lr: r.lr, gradNorm: r.gradNorm });
      } catch (e) {
        if (this.deviceLost !== null) {
          if (await onDeviceLost(this)) continue;
          this.setStatus('failed', `The GPU device was lost (${this.deviceLost}) and could not be restarted. Reload the page; the run list keeps this run's record.`);
          return;
        }
        this.flushMetrics(imgPerSec);
        if (e instanceof NonFiniteLossError) {
          this.setStatus('diverged', `Training diverged: ${e.message}. Lower the learning rate or raise the warmup, then start a new run.`);
          return;
        }
        throw e;
      } finally {
        try {
          images.dispose();
        } catch {
          // a lost device's buffers are gone already
        }
      }
      const now = performance.now();
      imgPerSec = this.imgPerSec(now);
      if (now - lastMetrics >= METRICS_EVERY_MS) {
        this.flushMetrics(imgPerSec);
        lastMetrics = now;
      }
      if (now - lastRecon >= RECON_EVERY_MS) {
        await this.postRecon();
        lastRecon = performance.now();
      }
      if (now - this.lastGoodAt >= SNAPSHOT_EVERY_MS) await this.snapshot();
      await nextTask(); // let pause/stop messages in
    }
    this.flushMetrics(imgPerSec);
    await this.postRecon();
    this.setStatus(this.stopRequested ? 'stopped' : 'done');
  }

  dispose(): void {
    try {
      this.trainer.dispose();
      this.trainer.model.dispose();
    } catch {
      // see restoreLastGood
    }
  }
}
