// Which engine runs a tokenizer run's steps, as StepEngine chooses for a pretraining run: on
// WebGPU the first steps run through TF.js while they are traced; once two agree, the replayed
// step compiled from them (src/train/dvaeReplay.ts) runs the rest, with the same numbers. The
// tokenizer's loader hands out batches of one size, so one plan serves the run; a batch of another
// size, or a step the replay cannot compile, runs on TF.js, with the reason told to the page.
// While the replay runs, the weights live in the optimizer's flat state: `model()` gives the
// model's variables their weights back before anything reads them (views, checkpoints). A replayed
// step's result comes back one call late: `flush()` returns the last, and comes before a
// checkpoint and the end of a run.
import type * as tf from '@tensorflow/tfjs';
import { firstDifference } from '../kernels/replay/classify';
import type { TraceRecorder } from '../kernels/replay/trace';
import type { EngineName } from '../protocol/messages';
import { DvaeReplay, type TracedDvaeStep } from '../train/dvaeReplay';
import type { DvaeStepResult, DvaeTrainer } from '../train/dvaeTrainer';
import { DEFAULT_ENGINE, type EngineOptions } from '../train/engine';
import { NonFiniteLossError } from '../train/trainer';
import { EngineChoice } from './engineChoice';

/** TF.js steps traced before giving up on the replay (the first fills the pool). */
const MAX_TRACES = 4;

export class DvaeStepEngine extends EngineChoice {
  private replay: DvaeReplay | null = null;
  private tracing: { recorder: TraceRecorder; last: TracedDvaeStep; count: number } | null = null;
  /** Why no step can be replayed (the run's setting, the backend, a failed compile): undefined until asked. */
  private blocked: string | null | undefined = undefined;

  constructor(
    readonly trainer: DvaeTrainer,
    private readonly options: EngineOptions = DEFAULT_ENGINE,
    /** Hears of the engine whenever it changes, with the reason where TF.js runs. */
    onChosen?: (name: EngineName, reason: string | null) => void,
  ) {
    super(onChosen);
  }

  /**
   * Runs the next step on `images` (not disposed) and returns the results that are in: a TF.js
   * step's own; replaying, the previous replayed step's (none the first time). Every step's result
   * comes back once, in order. Throws NonFiniteLossError for a refused step, the trainer at it.
   */
  async step(images: tf.Tensor4D): Promise<DvaeStepResult[]> {
    if (this.replay?.accepts(images)) {
      this.replay.load(); // nothing to copy unless a TF.js step ran since the replay last did
      this.choose('replay', null);
      const r = await this.replay.trainStep({ images });
      return r ? [r] : [];
    }
    const done = await this.flush();
    this.model();
    const why = this.whyNot(images);
    if (why !== null) {
      this.choose('tfjs', why);
      return [...done, await this.trainer.trainStep({ images })];
    }
    return [...done, await this.trace(images)];
  }

  /** Whether the step is being traced (its replay not compiled yet). */
  get tracingNow(): boolean {
    return this.tracing !== null;
  }

  /** Waits for the replayed step in flight and returns its result (none on TF.js or when none is in flight). */
  async flush(): Promise<DvaeStepResult[]> {
    const r = await this.replay?.flush();
    return r ? [r] : [];
  }

  /** The trainer, with the model's variables holding its newest weights. */
  model(): DvaeTrainer {
    this.replay?.sync();
    return this.trainer;
  }

  /** Why TF.js runs this batch (null: it can be traced). */
  private whyNot(images: tf.Tensor4D): string | null {
    if (this.blocked === undefined) {
      if (!this.options.replay) this.blocked = 'the replayed step is switched off for this run';
      else
        try {
          DvaeReplay.check(this.trainer);
          this.blocked = null;
        } catch (e) {
          this.blocked = e instanceof Error ? e.message : String(e);
        }
    }
    if (this.blocked === null && this.replay) return `the replayed step was compiled for batches of ${this.replay.batchSize}, not ${images.shape[0]}`;
    return this.blocked;
  }

  /** A traced TF.js step; the replay is compiled once two traced steps agree. */
  private async trace(images: tf.Tensor4D): Promise<DvaeStepResult> {
    const t = this.tracing;
    this.choose('tfjs', `tracing the step for batches of ${images.shape[0]}: the replay takes over once two traced steps agree`);
    const recorder = t?.recorder ?? DvaeReplay.recorder();
    const { result, step } = await DvaeReplay.traceStep(this.trainer, recorder, images);
    const diff = t ? firstDifference(t.last.trace, step.trace) : 'one step traced';
    const count = (t?.count ?? 0) + 1;
    this.tracing = null;
    if (diff === null) {
      try {
        // Compiled now, while the model's variables are the traced step's outputs; it loads them.
        this.replay = DvaeReplay.fromTraces(this.trainer, recorder, t!.last, step, result);
        this.choose('replay', null);
      } catch (e) {
        if (e instanceof NonFiniteLossError) throw e;
        this.refuse(e instanceof Error ? e.message : String(e));
      }
    } else if (count >= MAX_TRACES) this.refuse(`replay: ${MAX_TRACES} traced steps ran different commands (${diff})`);
    else this.tracing = { recorder, last: step, count };
    return result;
  }

  private refuse(reason: string): void {
    this.blocked = reason;
    this.choose('tfjs', reason);
  }

  dispose(): void {
    this.replay?.dispose();
    this.replay = null;
    this.tracing = null;
  }
}
