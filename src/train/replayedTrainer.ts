// What a replayed trainer (the CAE's ReplayTrainer, the tokenizer's DvaeReplay) is beside its own
// step's inputs: a compiled ReplayedStep for one batch size, the weights moved between the plan
// and the model's variables, and steps submitted with no wait whose results come back one call
// late (LateResults). A subclass makes each step's host arrays and reads its result.
import type * as tf from '@tensorflow/tfjs';
import type { ReplayedStep, StepReads } from '../kernels/replay/replayedStep';
import type { AdamW } from './adamw';
import { type InFlight, LateResults, type Rewindable } from './replayHost';

/** A trainer whose steps a replay runs: its state and rewind, step count, advance, optimizer. */
export interface ReplayableTrainer<S extends { step: number }> extends Rewindable<S> {
  readonly step: number;
  readonly optimizer: AdamW;
  advance(): void;
}

export abstract class ReplayedTrainer<S extends { step: number }, P extends InFlight<S>, R> {
  private readonly late: LateResults<S, P, R>;

  protected constructor(
    private readonly stepper: ReplayableTrainer<S>,
    private readonly gpu: ReplayedStep,
    private readonly batch: number,
    read: (p: P, status: Float32Array) => R | Promise<R>,
  ) {
    this.late = new LateResults(stepper, read);
  }

  /** The batch size the plan was compiled for. */
  get batchSize(): number {
    return this.batch;
  }

  /** Whether a batch has the shape the plan was compiled for (else it must be traced again). */
  accepts(images: tf.Tensor4D): boolean {
    return images.shape[0] === this.batch;
  }

  /** Copies the model's weights into the plan (after compiling, a TF.js step in between); see ReplayedStep.load. */
  load(): void {
    this.gpu.load();
  }

  /** Gives the model's variables their weights back from the plan (checkpoints, views, a TF.js step); see ReplayedStep.sync. */
  sync(): void {
    this.gpu.sync();
  }

  /** Whether a step was submitted whose result `flush` has not returned yet. */
  get pending(): boolean {
    return this.late.pending;
  }

  /** Waits for the step in flight and returns its result (null when none is); see LateResults for a refused step. */
  async flush(): Promise<R | null> {
    return this.late.flush();
  }

  /** Throws unless `images` has the batch size the plan was compiled for. */
  protected checkBatch(images: tf.Tensor4D): number {
    const B = images.shape[0];
    if (B !== this.batch) throw new Error(`replay: compiled for batch ${this.batch}, given ${B} (compile again)`);
    return B;
  }

  /**
   * Submits the step at the trainer's count with its host arrays, images and rate (one submit,
   * no wait), advances the trainer past it, and returns the previous step's result. `before` is
   * the trainer's state before the step drew from its streams; `more` adds the subclass's fields.
   */
  protected async submitStep(
    images: tf.Tensor4D,
    arrays: ReadonlyMap<string, ArrayBufferView>,
    lr: number,
    before: S,
    more: (reads: Promise<StepReads>) => Omit<P, keyof InFlight<S>>,
  ): Promise<R | null> {
    const t = this.stepper;
    const { status, reads } = await this.gpu.submit(arrays, images, t.optimizer.updateWords(lr));
    const p = { step: t.step, lr, t: t.optimizer.t, before, status, ...more(reads) } as P;
    t.advance();
    return this.late.push(p);
  }

  /** Dispatches, arena, state and slot bytes of the compiled step, and the names of its per-step uploads. */
  get stats() {
    return { ...this.gpu.stats, uploads: this.gpu.uploadNames() };
  }

  dispose(): void {
    this.late.clear();
    this.gpu.dispose();
  }
}
