// Which engine runs a pretraining run's steps. On WebGPU the first steps of each batch shape run
// through TF.js while they are traced; once two agree, the replayed step compiled from them
// (src/train/replayTrainer.ts) runs that shape: the same numbers at a fraction of the host's cost.
// A batch of another shape (a short last batch, a resized run) is traced and compiled the same way,
// and the weights and moments carry over through the model's variables. Where the replay cannot be
// compiled (another backend, an optimizer or target it does not handle, an unexpected trace) the
// TF.js engine runs, and the reason goes to the page. While a replay runs, the weights live in the
// optimizer's flat state and the model's variables hold no memory: `model()` gives them their
// weights back before anything reads the model (checkpoints, views, the lab); the moments are the
// optimizer's own throughout. A replayed step's losses come back one call late (they are read
// while the next step runs): `flush()` returns the last, and must come before a checkpoint, a
// TF.js step or the end of a run.
import * as tf from '@tensorflow/tfjs';
import { firstDifference } from '../kernels/replay/classify';
import type { TraceRecorder } from '../kernels/replay/trace';
import type { EngineName } from '../protocol/messages';
import { DEFAULT_ENGINE, type EngineOptions } from '../train/engine';
import { ReplayTrainer, type TracedStep } from '../train/replayTrainer';
import { type CaeTrainer, NonFiniteLossError, type StepResult } from '../train/trainer';
import { EngineChoice } from './engineChoice';

/**
 * Compiled replays kept, by batch shape. Two cover a run that alternates between its batch and a
 * short last one without tracing again each epoch; a third shape (a resized run) evicts the one
 * used least recently, so at most two arenas of intermediates sit on the GPU beside the model (the
 * plans share the optimizer's flat state: no plan copies the weights or moments).
 */
export const MAX_PLANS = 2;
/** TF.js steps traced at one shape before giving up on replaying it (the first fills the pool). */
const MAX_TRACES = 4;

/** Steps traced at one shape so far: the recorder (buffer ids compare within one) and the last step. */
interface Tracing {
  recorder: TraceRecorder;
  last: TracedStep;
  count: number;
}

/** A batch with token targets (issue 24): the tokenizer's codes of its images; such steps run on TF.js (the replay makes no labels). */
export interface EngineBatch {
  readonly images: tf.Tensor4D;
  readonly tokens?: Int32Array;
}

const shapeKey = (images: tf.Tensor4D) => images.shape.join('×');

export class StepEngine extends EngineChoice {
  /** Compiled replays by batch shape, the one used last at the end. */
  private readonly plans = new Map<string, ReplayTrainer>();
  /** Shapes being traced (at most MAX_PLANS, the oldest dropped). */
  private readonly tracing = new Map<string, Tracing>();
  /** Shapes whose replay failed to compile, with the reason: TF.js runs them. */
  private readonly refused = new Map<string, string>();
  /** Why no shape can be replayed (the run's setting, the backend…): undefined until asked. */
  private blocked: string | null | undefined = undefined;
  /** The replay whose buffers hold the weights and moments now; null when only the model's are current. */
  private holder: ReplayTrainer | null = null;

  constructor(
    readonly trainer: CaeTrainer,
    /** The run's engine options: whether to try the replay at all (the TF.js engine otherwise), and the kernels. */
    private readonly options: EngineOptions = DEFAULT_ENGINE,
    /** Hears of the engine whenever it changes (tracing and refusals run on TF.js, with the reason). */
    onChosen?: (name: EngineName, reason: string | null) => void,
  ) {
    super(onChosen);
  }

  /**
   * Runs the next step on a batch from `next` (disposed here) and returns the results that are in:
   * a TF.js step's own; replaying, the previous replayed step's (none the first time: `flush`
   * returns the last). Every step's result comes back once, in order.
   */
  async steps(next: () => tf.Tensor4D | EngineBatch | Promise<tf.Tensor4D | EngineBatch>): Promise<StepResult[]> {
    const got = await next();
    const { images, tokens } = got instanceof tf.Tensor ? { images: got, tokens: undefined } : got;
    try {
      return await this.step(images, tokens);
    } finally {
      try {
        images.dispose();
      } catch {
        // a lost device's buffers are gone already
      }
    }
  }

  private async step(images: tf.Tensor4D, tokens?: Int32Array): Promise<StepResult[]> {
    const key = shapeKey(images);
    const replay = this.plans.get(key);
    if (replay) {
      const done: StepResult[] = [];
      if (this.holder !== replay) {
        // Another shape's replay or TF.js stepped last: this plan takes the weights.
        done.push(...(await this.flush()));
        this.model();
        replay.load();
        this.holder = replay;
      }
      this.plans.delete(key);
      this.plans.set(key, replay);
      this.choose('replay', null);
      const r = await replay.trainStep({ images });
      return r ? [...done, r] : done;
    }
    const done = await this.flush();
    const why = this.whyNot(key);
    if (why !== null) {
      this.toModel();
      this.choose('tfjs', why);
      return [...done, await this.trainer.trainStep({ images, tokens })];
    }
    return [...done, await this.trace(key, images)];
  }

  /** Whether a shape is being traced (its replay not compiled yet): the run is still warming up. */
  get tracingNow(): boolean {
    return this.tracing.size > 0;
  }

  /**
   * Waits for the replayed step in flight and returns its result (none on TF.js or when none is in
   * flight). Throws NonFiniteLossError if it was refused; the trainer is then at that step.
   */
  async flush(): Promise<StepResult[]> {
    const r = await this.holder?.flush();
    return r ? [r] : [];
  }

  /** Why TF.js runs batches of this shape (null: they can be traced). */
  private whyNot(key: string): string | null {
    if (this.blocked === undefined) {
      if (!this.options.replay) this.blocked = 'the replayed step is switched off for this run';
      else if (tf.getBackend() !== 'webgpu') this.blocked = `the replayed step needs WebGPU (this run is on ${tf.getBackend()})`;
      else
        try {
          ReplayTrainer.check(this.trainer);
          this.blocked = null;
        } catch (e) {
          this.blocked = e instanceof Error ? e.message : String(e);
        }
    }
    return this.blocked ?? this.refused.get(key) ?? null;
  }

  /** A TF.js step traced at a shape with no replay yet; the replay is compiled once two traced steps agree. */
  private async trace(key: string, images: tf.Tensor4D): Promise<StepResult> {
    this.toModel();
    const t = this.tracing.get(key);
    const batch = images.shape[0];
    this.choose('tfjs', `tracing the step for batches of ${batch}: the replay takes over once two traced steps agree`);
    const recorder = t?.recorder ?? ReplayTrainer.recorder();
    const { result, step } = await ReplayTrainer.traceStep(this.trainer, recorder, images);
    const count = (t?.count ?? 0) + 1;
    const diff = t ? firstDifference(t.last.trace, step.trace) : 'one step traced';
    if (diff === null) {
      this.tracing.delete(key);
      try {
        // Compiled now, while the model's variables are the traced step's outputs; it loads them.
        const replay = ReplayTrainer.fromTraces(this.trainer, recorder, t!.last, step, result);
        this.keep(key, replay);
        this.holder = replay;
        this.choose('replay', null);
      } catch (e) {
        if (e instanceof NonFiniteLossError) throw e;
        this.refuse(key, e instanceof Error ? e.message : String(e));
      }
    } else if (count >= MAX_TRACES) {
      this.tracing.delete(key);
      this.refuse(key, `replay: ${MAX_TRACES} traced steps for batches of ${batch} ran different commands (${diff})`);
    } else {
      this.tracing.delete(key);
      this.tracing.set(key, { recorder, last: step, count });
      for (const old of this.tracing.keys()) if (this.tracing.size > MAX_PLANS) this.tracing.delete(old);
    }
    return result;
  }

  /** Keeps a compiled replay, releasing the one used least recently beyond MAX_PLANS. */
  private keep(key: string, replay: ReplayTrainer): void {
    this.plans.set(key, replay);
    for (const [old, r] of this.plans) {
      if (this.plans.size <= MAX_PLANS) break;
      if (r === this.holder) this.toModel();
      r.dispose();
      this.plans.delete(old);
    }
  }

  private refuse(key: string, reason: string): void {
    this.refused.set(key, reason);
    this.choose('tfjs', reason);
  }

  /** Brings the model's variables up to date before TF.js steps: no replay holds the newest state after. */
  private toModel(): void {
    this.model();
    this.holder = null;
  }

  /** Runs `step` on the TF.js engine (the profiler's step), after `flush`: the next replayed step reloads the weights. */
  async viaTfjs<T>(step: () => Promise<T>): Promise<T> {
    if (this.holder?.pending) throw new Error('StepEngine.viaTfjs: a replayed step is in flight (flush first)');
    this.toModel();
    return step();
  }

  /** The trainer, with the model's variables and the optimizer's state up to date. */
  model(): CaeTrainer {
    this.holder?.sync();
    return this.trainer;
  }

  /** The replays compiled and kept, by batch shape (tests, the bench). */
  get compiledShapes(): string[] {
    return [...this.plans.keys()];
  }

  dispose(): void {
    for (const r of this.plans.values()) r.dispose();
    this.plans.clear();
    this.tracing.clear();
    this.holder = null;
  }
}
