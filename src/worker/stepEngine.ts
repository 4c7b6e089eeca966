// Which engine runs a pretraining run's steps. On WebGPU the first steps run through TF.js while
// they are traced, then the replayed step (src/train/replayTrainer.ts) takes over: the same numbers
// at a fraction of the host's cost. Where the replay cannot be compiled (another backend, an
// optimizer or target it does not handle, an unexpected trace) the TF.js engine runs, and the
// reason goes to the page. While the replay runs, the weights live in its buffers and the model's
// variables hold no memory: `model()` gives them their weights back before anything reads the
// model (checkpoints, views, the lab); the moments are the optimizer's own throughout.
// A replayed step's losses come back one call late (they are read while the next step runs):
// `flush()` returns the last one, and must come before a checkpoint or the end of a run.
import * as tf from '@tensorflow/tfjs';
import type { EngineName } from '../protocol/messages';
import { ReplayTrainer } from '../train/replayTrainer';
import { type CaeTrainer, NonFiniteLossError, type StepResult } from '../train/trainer';

export class StepEngine {
  name: EngineName = 'tfjs';
  /** Why the TF.js engine runs; null while replaying or before the replay was tried. */
  reason: string | null = null;
  private replay: ReplayTrainer | null = null;
  private tried = false;

  constructor(
    readonly trainer: CaeTrainer,
    /** Whether to try the replay at all (the run's setting; the TF.js engine otherwise). */
    private readonly allowReplay: boolean,
    /** Hears of the engine once it is chosen. */
    private readonly onChosen: (name: EngineName, reason: string | null) => void = () => undefined,
  ) {}

  /**
   * Runs the next step on a batch from `next` (disposed here) and returns the results that are in:
   * on TF.js this step's; replaying, the previous step's (none the first time: `flush` returns the
   * last). The first call on WebGPU compiles the replay, which runs several TF.js steps, each on
   * its own batch: all their results come back. Every step's result comes back once, in order.
   */
  async steps(next: () => tf.Tensor4D | Promise<tf.Tensor4D>): Promise<StepResult[]> {
    if (!this.tried) {
      this.tried = true;
      const compiled = await this.compile(next);
      if (compiled) return compiled;
    }
    const images = await next();
    try {
      const done: StepResult[] = [];
      if (this.replay && !this.replay.accepts(images)) {
        // A batch of another shape: back to TF.js with the replay's weights (the run keeps one batch size).
        done.push(...(await this.flush()));
        this.model();
        this.replay.dispose();
        this.replay = null;
        this.choose('tfjs', `the batch changed from the shape the replay was compiled for`);
      }
      if (!this.replay) return [...done, await this.trainer.trainStep({ images })];
      const r = await this.replay.trainStep({ images });
      return r ? [r] : [];
    } finally {
      try {
        images.dispose();
      } catch {
        // a lost device's buffers are gone already
      }
    }
  }

  private async compile(next: () => tf.Tensor4D | Promise<tf.Tensor4D>): Promise<StepResult[] | null> {
    if (!this.allowReplay) return (this.choose('tfjs', 'the replayed step is switched off for this run'), null);
    if (tf.getBackend() !== 'webgpu') return (this.choose('tfjs', `the replayed step needs WebGPU (this run is on ${tf.getBackend()})`), null);
    try {
      const { replay, results } = await ReplayTrainer.compile(this.trainer, next);
      this.replay = replay;
      this.choose('replay', null);
      return results;
    } catch (e) {
      if (e instanceof NonFiniteLossError) throw e;
      this.choose('tfjs', e instanceof Error ? e.message : String(e));
      return null;
    }
  }

  private choose(name: EngineName, reason: string | null): void {
    this.name = name;
    this.reason = reason;
    this.onChosen(name, reason);
  }

  /**
   * Waits for the replayed step in flight and returns its result (none on TF.js or when none is in
   * flight). Throws NonFiniteLossError if it was refused; the trainer is then at that step.
   */
  async flush(): Promise<StepResult[]> {
    const r = await this.replay?.flush();
    return r ? [r] : [];
  }

  /** Runs `step` on the TF.js engine (the profiler's step), after `flush`: the replay reloads what it changed. */
  async viaTfjs<T>(step: () => Promise<T>): Promise<T> {
    if (this.replay?.pending) throw new Error('StepEngine.viaTfjs: a replayed step is in flight (flush first)');
    this.model();
    try {
      return await step();
    } finally {
      this.replay?.load();
    }
  }

  /** The trainer, with the model's variables and the optimizer's state up to date. */
  model(): CaeTrainer {
    this.replay?.sync();
    return this.trainer;
  }

  dispose(): void {
    this.replay?.dispose();
    this.replay = null;
  }
}
