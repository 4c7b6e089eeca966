// One tokenizer (d-VAE) run inside the worker (issue 24): the loop over the dataset's augmented
// batches (the pretraining data path: BatchLoader over any dataset the notebook has, streamed for
// imports), stop, throttled metrics with the codebook's usage over a window of batches,
// reconstructions through the hard codes beside the originals, and checkpoints the page keeps.
// Steps run on the engine a pretraining run's would (dvaeStepEngine.ts): the replayed step on
// WebGPU once two traced TF.js steps agree, TF.js elsewhere. A replayed step's numbers come back
// one call late, so the run reads the step in flight before each checkpoint and at its end.
import * as tf from '@tensorflow/tfjs';
import { denormalizeImageNet } from '../data/augment';
import { BatchLoader, fixedBatch, type ImageBatch } from '../data/loader';
import { toRgba } from '../data/patches';
import type { LabelledDataset } from '../data/shapes';
import { Dvae } from '../model/dvae';
import { tokenizerPixels } from '../model/tokenTargets';
import type { FromWorker, RunStatus, TokenizerPoint, TokenizerSpec, TokenizerView } from '../protocol/messages';
import { CodebookUsage } from '../train/codebookUsage';
import { loadDvaeCheckpoint, saveDvaeCheckpoint } from './tokenizerCheckpoint';
import { dvaeTrainConfig } from '../train/dvaeSchedule';
import { type DvaeStepResult, DvaeTrainer } from '../train/dvaeTrainer';
import { DEFAULT_ENGINE, type EngineOptions, applyEngine } from '../train/engine';
import { NonFiniteLossError } from '../train/trainer';
import { DvaeStepEngine } from './dvaeStepEngine';
import { ImageRate } from './imageRate';
import { LostSignal } from './lostSignal';

export type Post = (msg: FromWorker, transfer?: Transferable[]) => void;

const METRICS_EVERY_MS = 250;
const VIEW_EVERY_MS = 3000;
const VIEW_IMAGES = 6;
/** Batches the perplexity and dead codes are counted over. */
const USAGE_WINDOW = 20;

const nextTask = () => new Promise<void>((r) => setTimeout(r, 0));

export class TokenizerRun {
  status: RunStatus = 'starting';
  private readonly trainer: DvaeTrainer;
  private readonly engine: DvaeStepEngine;
  private readonly loader: BatchLoader;
  private readonly usage: CodebookUsage;
  private val: ImageBatch | null = null;
  private readonly valIndices: { split: 'train' | 'val'; indices: number[] };
  private pending: TokenizerPoint[] = [];
  private stopRequested = false;
  private resumedAt: number | null = null;
  private lastGood: Uint8Array | null = null;
  private lastGoodStep = -1;
  private readonly rate = new ImageRate();
  /** Set when the GPU device is lost: the run ends, keeping its last checkpoint to resume from. */
  deviceLost: string | null = null;
  /** Rejected when the device goes: read-backs in flight would otherwise never settle. */
  private readonly lost = new LostSignal();

  /** A new tokenizer, or with `resumeFrom` the continuation of a kept one (same step, optimizer, noise stream, data order). */
  constructor(
    readonly spec: TokenizerSpec,
    private readonly post: Post,
    ds: LabelledDataset,
    resumeFrom?: Uint8Array,
    /** The engine: the replayed step where it compiles (else TF.js), and the kernels the ops run. */
    engineOptions: EngineOptions = DEFAULT_ENGINE,
  ) {
    if (ds.trainSize === 0) throw new Error(`the dataset ${ds.name} has no training images`);
    applyEngine(engineOptions); // before the optimizer is made: the fused AdamW is chosen then
    this.loader = new BatchLoader(ds, spec.batchSize, spec.seed);
    const train = dvaeTrainConfig(spec.totalSteps, { seed: spec.seed, batchSize: spec.batchSize, baseLr: spec.baseLr, klWeight: spec.klWeight });
    if (resumeFrom) {
      const saved = loadDvaeCheckpoint(resumeFrom, train);
      this.trainer = saved.trainer;
      this.loader.cursor = Number(saved.extra.cursor ?? 0);
      this.lastGood = resumeFrom;
      this.lastGoodStep = this.resumedAt = this.trainer.step;
    } else this.trainer = new DvaeTrainer(new Dvae(spec.model, spec.seed), train);
    this.engine = new DvaeStepEngine(this.trainer, engineOptions, (engine, reason) => this.post({ type: 'tokenizer/engine', id: spec.id, engine, reason }));
    this.usage = new CodebookUsage(spec.model.vocabSize, USAGE_WINDOW);
    const [split, n] = ds.valSize > 0 ? (['val', ds.valSize] as const) : (['train', ds.trainSize] as const);
    this.valIndices = { split, indices: Array.from({ length: VIEW_IMAGES }, (_, i) => (i * 7) % n) };
  }

  get step(): number {
    return this.trainer.step;
  }

  /** The live tokenizer, for read-only views between steps. */
  get model(): Dvae {
    return this.engine.model().model;
  }

  stop(): void {
    this.stopRequested = true;
  }

  /** Called by the worker when the GPU device is lost during this run. */
  markDeviceLost(message: string): void {
    this.deviceLost = message;
    this.lost.reject(message);
  }

  /** Every GPU read-back of the loop goes through here, so a lost device cannot stall it. */
  private guard<T>(p: Promise<T>): Promise<T> {
    return this.lost.guard(p);
  }

  private setStatus(status: RunStatus, message: string | null = null): void {
    this.status = status;
    this.post({ type: 'tokenizer/status', id: this.spec.id, status, step: this.trainer.step, message });
  }

  private flush(imgPerSec: number): void {
    if (!this.pending.length) return;
    this.post({ type: 'tokenizer/metrics', id: this.spec.id, points: this.pending, imgPerSec });
    this.pending = [];
  }

  /** The fixed validation images and what their hard codes decode to. */
  async view(): Promise<TokenizerView> {
    this.val ??= await fixedBatch(this.loader.dataset, this.valIndices.indices, this.valIndices.split);
    const { batch: K, size } = this.val;
    const S = this.spec.model.imgSize;
    const model = this.model; // its weights back from a replay first, outside the tidy
    const reconT = tf.tidy(() => {
      const pixels = tokenizerPixels(tf.tensor4d(this.val!.images, [K, 3, size, size]), S);
      return model.reconstruct(pixels).clipByValue(0, 1);
    });
    const recon = (await reconT.data()) as Float32Array;
    reconT.dispose();
    const original = new Uint8ClampedArray(K * S * S * 4);
    const decoded = new Uint8ClampedArray(K * S * S * 4);
    for (let b = 0; b < K; b++) {
      // The original at the tokenizer's size (the loader's size is the preset's, the same unless imported otherwise).
      const shown = size === S ? denormalizeImageNet(this.val.images.subarray(b * 3 * S * S, (b + 1) * 3 * S * S)) : null;
      if (shown) original.set(toRgba(shown, S), b * S * S * 4);
      decoded.set(toRgba(recon.subarray(b * 3 * S * S, (b + 1) * 3 * S * S), S), b * S * S * 4);
    }
    return { step: this.trainer.step, size: S, count: K, original, recon: decoded };
  }

  private async postView(): Promise<void> {
    const view = await this.guard(this.view());
    this.post({ type: 'tokenizer/view', id: this.spec.id, view }, [view.original.buffer, view.recon.buffer]);
  }

  private async snapshot(): Promise<void> {
    const step = this.trainer.step;
    this.lastGood = await this.guard(saveDvaeCheckpoint(this.engine.model(), { cursor: String(this.loader.cursor), spec: JSON.stringify(this.spec) }));
    this.lastGoodStep = step;
    this.post({ type: 'tokenizer/checkpoint', id: this.spec.id, step, bytes: new Blob([this.lastGood as Uint8Array<ArrayBuffer>]) });
  }

  /** One step on the next batch; the numbers that are in (a replayed step's come a call late) are queued for the page. */
  async iterate(): Promise<void> {
    const batch = await this.loader.next(this.trainer.step + 1 < this.spec.totalSteps);
    const images = tf.tensor4d(batch.images, [batch.batch, 3, batch.size, batch.size]);
    try {
      this.record(await this.guard(this.engine.step(images)));
    } finally {
      images.dispose();
    }
  }

  /** Reads the replayed step in flight, if any: before a checkpoint and at the end. */
  private async drain(): Promise<void> {
    this.record(await this.guard(this.engine.flush()));
  }

  private record(results: readonly DvaeStepResult[]): void {
    for (const r of results) {
      this.usage.add(r.codes);
      const u = this.usage.stats();
      this.pending.push({
        step: r.step,
        total: r.total,
        reconstruction: r.reconstruction,
        kl: r.kl,
        klWeight: r.klWeight,
        temperature: r.temperature,
        perplexity: u.perplexity,
        deadCodes: u.deadCodes,
      });
    }
  }

  /**
   * Ends the run on a lost device or a divergence (its status says which, and the checkpoint it
   * keeps). Anything else is thrown on.
   */
  private end(e: unknown, rate: number): void {
    if (this.deviceLost !== null) {
      this.flush(rate);
      this.setStatus(
        'interrupted',
        `The GPU device was lost (${this.deviceLost}). The tokenizer keeps its checkpoint from step ${this.lastGoodStep}: resume it from the list.`,
      );
      return;
    }
    if (!(e instanceof NonFiniteLossError)) throw e;
    this.flush(rate);
    this.setStatus(
      'diverged',
      `The tokenizer diverged: ${e.message}. It keeps its checkpoint from step ${this.lastGoodStep}; start a new one with another seed, a lower learning rate or fewer codes.`,
    );
  }

  /** Runs until the schedule ends, stop() is called, or a failure ends it (thrown, except a divergence). */
  async run(): Promise<void> {
    this.setStatus('running', this.resumedAt === null ? null : `Resumed from the checkpoint at step ${this.resumedAt}.`);
    if (this.resumedAt === null) await this.snapshot();
    let lastMetrics = 0;
    let lastView = -Infinity;
    let rate = 0;
    while (this.trainer.step < this.spec.totalSteps && !this.stopRequested) {
      const checkpointDue = () => this.trainer.step - this.lastGoodStep >= this.spec.checkpointEvery;
      try {
        if (this.deviceLost !== null) throw new Error(this.deviceLost);
        await this.iterate();
        // A checkpoint holds only steps whose numbers were read (a non-finite one rewinds first).
        if (checkpointDue()) await this.drain();
      } catch (e) {
        this.end(e, rate);
        return;
      }
      const now = performance.now();
      rate = this.rate.add(now, this.spec.batchSize);
      if (now - lastMetrics >= METRICS_EVERY_MS) {
        this.flush(rate);
        lastMetrics = now;
      }
      if (now - lastView >= VIEW_EVERY_MS) {
        await this.postView();
        lastView = performance.now();
      }
      if (checkpointDue()) {
        this.flush(rate);
        await this.snapshot();
      }
      await nextTask(); // let stop in
    }
    try {
      await this.drain();
    } catch (e) {
      this.end(e, rate);
      return;
    }
    this.flush(rate);
    await this.postView();
    if (this.trainer.step !== this.lastGoodStep) await this.snapshot();
    this.setStatus(this.stopRequested ? 'stopped' : 'done');
  }

  /** The last saved state: final once the run has ended. */
  get checkpoint(): Uint8Array | null {
    return this.lastGood;
  }

  dispose(): void {
    this.engine.dispose();
    this.trainer.dispose();
    this.trainer.model.dispose();
  }
}
