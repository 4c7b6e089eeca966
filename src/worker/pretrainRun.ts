// One pretraining run inside the worker: the loop over batches, pause/resume/stop, throttled
// metrics and reconstruction views, and checkpoints (every N steps, on pause, at the end) that the
// page keeps and that recovery from a lost device starts from. A replayed step's losses arrive one
// step late: the loop settles the step in flight before it pauses, saves a checkpoint or ends, so
// every step's losses reach the page once, and a refused step is found before its state is saved.
import { applyEngine, DEFAULT_ENGINE, type EngineOptions } from '../train/engine';
import * as tf from '@tensorflow/tfjs';
import { BatchLoader, fixedBatch, type ImageBatch } from '../data/loader';
import { builtinDataset, type LabelledDataset } from '../data/shapes';
import { profileStep } from '../kernels/profile';
import { Cae } from '../model/cae';
import type { Tokenizer } from '../model/tokenizer';
import { tokenizerMismatch } from '../model/dvaeConfig';
import { tokenTargets } from '../model/tokenTargets';
import { batchMasks } from '../model/masking';
import { Rng } from '../model/random';
import type { FromWorker, RunPhase, RunSpec, RunStatus, StepPoint } from '../protocol/messages';
import { loadCheckpoint, nonFiniteState, saveCheckpoint } from '../train/checkpoint';
import { CaeTrainer, NonFiniteLossError, type StepResult } from '../train/trainer';
import { ImageRate } from './imageRate';
import { LostSignal } from './lostSignal';
import { reconView } from './reconView';
import { tokenReconView } from './tokenReconView';
import { StepEngine } from './stepEngine';

export type Post = (msg: FromWorker, transfer?: Transferable[]) => void;

const METRICS_EVERY_MS = 250;
const RECON_EVERY_MS = 3000;
const VAL_IMAGES = 6;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const nextTask = () => sleep(0);

export class PretrainRun {
  status: RunStatus = 'starting';
  private trainer: CaeTrainer;
  /** Runs the trainer's steps: the replayed step on WebGPU once compiled, else TF.js. */
  private engine: StepEngine;
  private readonly loader: BatchLoader;
  /** The fixed images the reconstruction views show: read for the first view (a streamed dataset reads asynchronously). */
  private val: ImageBatch | null = null;
  private readonly valIndices: { split: 'train' | 'val'; indices: number[] };
  private readonly valMask: Uint8Array;
  private pending: StepPoint[] = [];
  /** The loader's cursor before the batch of each recent step: a refused step rewinds it. */
  private cursorAt = new Map<number, number>();
  private resumeWaiter: (() => void) | null = null;
  private stopRequested = false;
  private pauseRequested = false;
  private profileRequested = false;
  /** The checkpoint's step when this run continues a saved one. */
  private resumedAt: number | null = null;
  /** The step this run's weights were last started or restored at: a divergence needs a step after it. */
  private startStep = 0;
  private lastGood: Uint8Array | null = null;
  /** Step of the last saved state: a checkpoint is taken every `spec.checkpointEvery` steps. */
  private lastGoodStep = -1;
  private readonly rate = new ImageRate();
  /** The phase last told to the page; null: a fresh engine whose first step has not run. */
  private phase: RunPhase | null = null;
  /** Set when the device is lost: the current step's failure is the device's, not the model's. */
  deviceLost: string | null = null;
  /** Rejected when the device goes: read-backs in flight would otherwise never settle. */
  private lost = new LostSignal();

  /**
   * A new run, or with `resumeFrom` the continuation of a saved one (same step, optimizer, data
   * order). `ds` is the dataset `spec.dataset` names, which the worker resolves (shapes by default).
   */
  constructor(
    readonly spec: RunSpec,
    private readonly post: Post,
    resumeFrom?: Uint8Array,
    ds: LabelledDataset = builtinDataset(spec.dataset, spec.train.seed, spec.model.imgSize),
    /** The engine: the replayed step where it compiles (else TF.js), and the kernels the ops run. */
    private readonly engineOptions: EngineOptions = DEFAULT_ENGINE,
    /** Token targets (issue 24): the tokenizer whose codes of each batch are the targets; the run disposes it. */
    private readonly tokenizer: Tokenizer | null = null,
  ) {
    if ((spec.model.target === 'token') !== (tokenizer !== null))
      throw new Error(spec.model.target === 'token' ? 'token targets need a tokenizer' : 'a tokenizer was given to a pixel-target run');
    if (tokenizer) {
      const why = tokenizerMismatch(tokenizer.config, spec.model);
      if (why) throw new Error(why);
    }
    applyEngine(engineOptions);
    if (ds.trainSize === 0) throw new Error(`the dataset ${ds.name} has no training images`);
    this.loader = new BatchLoader(ds, spec.train.batchSize, spec.train.seed);
    if (resumeFrom) {
      const saved = loadCheckpoint(resumeFrom);
      this.trainer = saved.trainer;
      this.loader.cursor = Number(saved.extra.cursor ?? 0);
      this.lastGood = resumeFrom;
      this.lastGoodStep = this.resumedAt = this.startStep = this.trainer.step;
    } else this.trainer = new CaeTrainer(new Cae(spec.model, spec.train.seed), spec.train);
    this.engine = this.newEngine();
    // Views come from the val split; a dataset without one shows training images instead.
    const [viewSplit, n] = ds.valSize > 0 ? (['val', ds.valSize] as const) : (['train', ds.trainSize] as const);
    this.valIndices = { split: viewSplit, indices: Array.from({ length: VAL_IMAGES }, (_, i) => (i * 7) % n) };
    this.valMask = batchMasks(spec.model, new Rng(spec.train.seed + 17), VAL_IMAGES);
  }

  private newEngine(): StepEngine {
    return new StepEngine(this.trainer, this.engineOptions, (engine, reason) => this.post({ type: 'pretrain/engine', runId: this.spec.id, engine, reason }));
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

  get step(): number {
    return this.trainer.step;
  }

  /** The live model, for read-only views between steps (the image lab); never trained from outside. */
  get model(): Cae {
    return this.engine.model().model;
  }

  private setPhase(phase: RunPhase): void {
    if (phase === this.phase) return;
    this.phase = phase;
    this.post({ type: 'pretrain/phase', runId: this.spec.id, phase });
  }

  private setStatus(status: RunStatus, message: string | null = null): void {
    this.status = status;
    this.post({ type: 'pretrain/status', runId: this.spec.id, status, step: this.trainer.step, message });
  }

  /** The next step runs under the profiler and its kernel breakdown is posted. */
  profileNext(): void {
    this.profileRequested = true;
  }

  /** Pauses after the step in flight, so the paused step count is final. */
  pause(): void {
    if (this.status === 'running') this.pauseRequested = true;
  }

  /** Whether the loop is parked until resume() or stop(): a paused run that takes no step. */
  get parked(): boolean {
    return this.resumeWaiter !== null;
  }

  resume(): void {
    this.pauseRequested = false;
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

  private flushMetrics(imgPerSec: number): void {
    if (!this.pending.length) return;
    this.post({
      type: 'pretrain/metrics',
      runId: this.spec.id,
      points: this.pending,
      step: this.trainer.step,
      totalSteps: this.spec.train.totalSteps,
      imgPerSec,
    });
    this.pending = [];
  }

  private async postRecon(): Promise<void> {
    if (this.spec.model.target !== 'pixel' && !this.tokenizer) return; // token targets show pixels only through their tokenizer
    this.val ??= await fixedBatch(this.loader.dataset, this.valIndices.indices, this.valIndices.split);
    const model = this.engine.model().model;
    const view = await this.guard(
      this.tokenizer
        ? tokenReconView(model, this.tokenizer, this.val, this.valMask, this.trainer.step)
        : reconView(model, this.val, this.valMask, this.trainer.step),
    );
    if (!view) return;
    this.post({ type: 'pretrain/recon', runId: this.spec.id, view }, [view.original.buffer, view.masked.buffer, view.recon.buffer, view.composite.buffer]);
  }

  /**
   * Copies the state off the GPU, keeps it for recovery and hands it to the page to persist, after
   * the losses of the steps before it (the page keeps those with the checkpoint). Settled first.
   */
  private async snapshot(): Promise<void> {
    this.flushMetrics(this.imgsPerSec);
    const step = this.trainer.step;
    // A token-target checkpoint names the tokenizer whose codes it predicts (metadata run.tokenizer).
    const tokenizer: Record<string, string> = this.spec.tokenizer ? { tokenizer: JSON.stringify(this.spec.tokenizer) } : {};
    this.lastGood = await this.guard(saveCheckpoint(this.engine.model(), { cursor: String(this.loader.cursor), ...tokenizer }));
    this.lastGoodStep = step;
    // A Blob made here (the copy on this thread) crosses to the page by reference: nothing is copied there.
    this.post({ type: 'pretrain/checkpoint', runId: this.spec.id, step, bytes: new Blob([this.lastGood as Uint8Array<ArrayBuffer>]) });
  }

  /** Rebuilds model and trainer from the last good state on the (new) backend. */
  private restoreLastGood(): void {
    if (!this.lastGood) throw new Error('no saved state to continue from');
    const old = this.trainer;
    const oldEngine = this.engine;
    const run = loadCheckpoint(this.lastGood);
    this.trainer = run.trainer;
    this.engine = this.newEngine();
    this.phase = null; // the new engine compiles and traces again
    this.startStep = this.trainer.step;
    this.loader.cursor = Number(run.extra.cursor ?? 0);
    try {
      oldEngine.dispose();
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
    this.lost = new LostSignal();
    this.setStatus('running'); // tells the page the step it rewinds to
    return this.trainer.step;
  }

  private async recoverOrFail(onDeviceLost: (run: PretrainRun) => Promise<boolean>): Promise<boolean> {
    const why = this.deviceLost;
    if (await onDeviceLost(this)) return true;
    this.setStatus('failed', `The GPU device was lost (${why}) and could not be restarted. Reload the page; the runs list keeps this run's record.`);
    return false;
  }

  private lastMetrics = 0;
  private lastRecon = -Infinity;
  private imgsPerSec = 0;

  /** Queues the steps' losses for the page. */
  private record(results: readonly StepResult[]): void {
    for (const r of results)
      this.pending.push({ step: r.step, total: r.total, reconstruction: r.reconstruction, alignment: r.alignment, lr: r.lr, gradNorm: r.gradNorm });
  }

  /** Waits for the step in flight (a replayed step's losses arrive a step late) and queues its losses. */
  private async settle(): Promise<void> {
    this.record(await this.guard(this.engine.flush()));
  }

  /** One training step and the throttled messages after it. */
  private async iterate(): Promise<void> {
    // The next batch is read while this step runs on the GPU (a streamed dataset's chunks from storage).
    const next = async () => {
      const step = this.trainer.step;
      this.cursorAt.set(step, this.loader.cursor);
      this.cursorAt.delete(step - 3);
      const batch = await this.loader.next(this.trainer.step + 1 < this.spec.train.totalSteps);
      const images = tf.tensor4d(batch.images, [batch.batch, 3, batch.size, batch.size]);
      if (!this.tokenizer) return { images };
      try {
        // The targets: the tokenizer's codes of this very crop, once per batch, no gradient.
        return { images, tokens: await this.guard(tokenTargets(this.tokenizer, images)) };
      } catch (e) {
        images.dispose();
        throw e;
      }
    };
    let results: StepResult[];
    const stepsBefore = this.trainer.step;
    // A fresh engine's first steps compile TF.js's shaders and trace the step for the replay: no
    // speed to show for ~20 s, so the page says what is happening instead.
    if (this.phase !== 'training') this.setPhase('compiling');
    if (this.profileRequested) {
      // The profiler times TF.js's kernels: the profiled step runs on the TF.js engine.
      this.profileRequested = false;
      await this.settle();
      const { images, tokens } = await next();
      try {
        let out: StepResult | undefined;
        const profile = await this.guard(
          this.engine.viaTfjs(() => profileStep(this.trainer.step, async () => (out = await this.trainer.trainStep({ images, tokens })))),
        );
        this.post({ type: 'pretrain/profile', runId: this.spec.id, profile });
        results = [out!];
      } finally {
        try {
          images.dispose();
        } catch {
          // a lost device's buffers are gone already
        }
      }
    } else results = await this.guard(this.engine.steps(next));
    this.record(results);
    this.setPhase(this.engine.tracingNow ? 'compiling' : 'training');
    const now = performance.now();
    this.imgsPerSec = this.rate.add(now, (this.trainer.step - stepsBefore) * this.spec.train.batchSize);
    if (now - this.lastMetrics >= METRICS_EVERY_MS) {
      this.flushMetrics(this.imgsPerSec);
      this.lastMetrics = now;
    }
    if (now - this.lastRecon >= RECON_EVERY_MS) {
      await this.postRecon();
      this.lastRecon = performance.now();
    }
    if (this.trainer.step - this.lastGoodStep >= this.spec.checkpointEvery) {
      await this.settle();
      await this.snapshot();
    }
  }

  /**
   * A refused step: "diverged" only when the run itself made the state non-finite. The refused step
   * left weights and moments as they were; if they are finite, the loss blew up from good weights
   * (a divergence) and they are kept. If they are not and no step ran since the weights were loaded,
   * the checkpoint it started from was damaged, which the learning rate has nothing to do with
   * (loading refuses such files, so this is the last line of defence). Otherwise a step applied
   * since the start overflowed the weights: a divergence, and the last finite checkpoint is kept.
   */
  private async endNonFinite(e: NonFiniteLossError): Promise<void> {
    const bad = await this.guard(nonFiniteState(this.engine.model()));
    if (bad === null) {
      await this.snapshot();
      this.setStatus('diverged', `Training diverged: ${e.message}. Lower the learning rate or raise the warmup, then start a new run.`);
    } else if (this.trainer.step === this.startStep) {
      this.setStatus(
        'failed',
        `Training cannot continue: the weights this run started from at step ${this.startStep} are damaged (${bad}), so this is not a divergence. Start a new run or import an undamaged checkpoint.`,
      );
    } else {
      this.setStatus(
        'diverged',
        `Training diverged: the loss became ${e.loss} at step ${e.step} after the weights stopped being finite (${bad}). The run keeps its checkpoint from step ${this.lastGoodStep}. Lower the learning rate or raise the warmup, then start a new run.`,
      );
    }
  }

  /** Runs until the schedule ends, stop() is called, or a failure ends it. */
  async run(onDeviceLost: (run: PretrainRun) => Promise<boolean>): Promise<void> {
    this.setStatus('running', this.resumedAt === null ? null : `Resumed from the checkpoint at step ${this.resumedAt}.`);
    this.setPhase('preparing');
    if (this.resumedAt === null) await this.snapshot(); // a resumed run already has (and keeps) its checkpoint
    for (;;) {
      try {
        if (this.deviceLost !== null) throw new Error(this.deviceLost);
        if (this.trainer.step >= this.spec.train.totalSteps || this.stopRequested) {
          // The last step's losses, and whether it was refused, before the final checkpoint.
          await this.settle();
          break;
        }
        if (this.pauseRequested) {
          this.pauseRequested = false;
          await this.settle();
          this.flushMetrics(this.imgsPerSec);
          this.setStatus('paused');
          await this.snapshot();
          // Resume or stop may have come while the snapshot was read back.
          if (this.status === 'paused' && !this.stopRequested) await new Promise<void>((r) => (this.resumeWaiter = r));
          this.rate.reset();
          continue;
        }
        await this.iterate();
      } catch (e) {
        // A failed read-back can be the first sign of a lost device; its notice follows shortly.
        if (this.deviceLost === null && !(e instanceof NonFiniteLossError)) await Promise.race([this.lost.promise.catch(() => undefined), sleep(2000)]);
        if (this.deviceLost !== null) {
          if (await this.recoverOrFail(onDeviceLost)) continue;
          return;
        }
        this.flushMetrics(this.imgsPerSec);
        if (e instanceof NonFiniteLossError) {
          // A replayed step is refused a step late: the batch read for the step after it goes back.
          const at = this.cursorAt.get(e.step);
          if (at !== undefined && this.trainer.step === e.step) this.loader.cursor = at + this.spec.train.batchSize;
          await this.endNonFinite(e);
          return;
        }
        throw e;
      }
      await nextTask(); // let pause/stop messages in
    }
    this.flushMetrics(this.imgsPerSec);
    await this.postRecon();
    await this.snapshot(); // the final state, for probing
    this.setStatus(this.stopRequested ? 'stopped' : 'done');
  }

  /** The last saved state (weights, optimizer, step): final once the run has ended. */
  get checkpoint(): Uint8Array | null {
    return this.lastGood;
  }

  dispose(): void {
    try {
      this.tokenizer?.dispose();
      this.engine.dispose();
      this.trainer.dispose();
      this.trainer.model.dispose();
    } catch {
      // see restoreLastGood
    }
  }
}
