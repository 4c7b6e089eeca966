// The CAE training step replayed (issue 14): two steps of the TF.js engine are traced on WebGPU,
// the second compiled into a ReplayPlan (src/kernels/replay/plan.ts), and every later step runs
// that plan: the host writes the step's inputs (masks' index lists, drop-path factors, images,
// AdamW's per-step uniforms) into fixed slots and submits one command buffer, creating no GPU
// object. The numbers are the TF.js engine's, bit for bit: the same pipelines run on the same
// inputs in the same order. Like the TF.js engine, the step computes the clip factor on the GPU and
// skips the update there on a non-finite loss or norm, so a step is one submit with no wait: the
// losses of step n are read back (into one of two buffers) while step n+1 runs, and `trainStep`
// returns them one call late; `flush` returns the last. Once a step was skipped, the GPU skips every
// later update until the host, learning of it a step late, rewinds to it (see LateResults in replayHost.ts).
// The GPU half (plan, buffers, submit, read-back) is src/kernels/replay/replayedStep.ts: this file
// keeps the host's half and touches no GPU object. While it runs, the weights live at their ranges of the optimizer's flat state, which the plan
// updates in place with the moments, and the model's variables hold no memory; `sync` gives them
// their weights back.
import * as tf from '@tensorflow/tfjs';
import { STATUS } from '../kernels/adamw';
import { firstDifference } from '../kernels/replay/classify';
import { ReplayedStep, type TracedBuffers, newRecorder, tracedBuffers } from '../kernels/replay/replayedStep';
import type { Trace, TraceRecorder } from '../kernels/replay/trace';
import { numMasked, numPatches } from '../model/config';
import { type DropDraw, type HostArray, drawDropFactors } from '../model/hostArrays';
import { type MaskIndices, maskIndices } from '../model/masks';
import { Rng } from '../model/random';
import { ReplayedTrainer } from './replayedTrainer';
import { type InFlight, asBytes, checkReplayable, compileReplay, fusedAdamWSpec, sameBytes, traceNoted, uploadNamer } from './replayHost';
import type { Batch, CaeTrainer, StepResult, TrainerState } from './trainer';
import { lrAt } from './schedule';

/** The host arrays a step uploads, by the names the plan knows them by. */
function hostArrays(masks: MaskIndices, drops: readonly DropDraw[], rng: Rng | null): Map<string, ArrayBufferView> {
  const out = new Map<string, ArrayBufferView>();
  for (const which of ['visible', 'masked'] as const) {
    out.set(
      `positions:${which}`,
      Int32Array.from(masks[which].local, (i) => i + 1),
    );
    out.set(`flat:${which}`, masks[which].flat);
  }
  drops.forEach((d, call) => {
    if (!rng) throw new Error('replay: the traced step drew drop-path factors, but the trainer has no drop-path stream');
    out.set(`drop:${call}`, drawDropFactors(d.rate, rng, d.batch));
  });
  return out;
}

/** The name the replay writes a noted array under (see hostArrays). */
function nameOf(what: HostArray, masks: MaskIndices): string {
  switch (what.kind) {
    case 'drop':
      return `drop:${what.call}`;
    case 'input':
      return what.name;
    default:
      return `${what.kind}:${sameBytes(masks.visible.local, asBytes(what.sel.local)) ? 'visible' : 'masked'}`;
  }
}

/** One traced TF.js step: its trace, and the inputs and buffers the compiler names in it. */
export interface TracedStep {
  trace: Trace;
  batch: number;
  masks: MaskIndices;
  notes: Map<object, HostArray>;
  drops: DropDraw[];
  rng: Rng | null;
  /** The images' and parameters' buffers when the step began. */
  buffers: TracedBuffers;
}

export class ReplayTrainer extends ReplayedTrainer<TrainerState, InFlight<TrainerState>, StepResult> {
  private constructor(
    readonly trainer: CaeTrainer,
    gpu: ReplayedStep,
    batch: number,
    private readonly drops: readonly DropDraw[],
  ) {
    super(trainer, gpu, batch, (p, s) => {
      const [total, reconstruction, alignment, gradNorm] = Array.from(s.subarray(STATUS.stats, STATUS.stats + 4)) as [number, number, number, number];
      return { step: p.step, total, reconstruction, alignment: trainer.model.config.alignment ? alignment : null, gradNorm, lr: p.lr };
    });
  }

  /** Dispatches, arena, state and slot bytes of the compiled step, and its drop-path draws. */
  override get stats() {
    return { ...super.stats, dropDraws: this.drops.length };
  }

  /**
   * Traces TF.js steps of `trainer` (real training steps, returned) until two run the same
   * commands, at most four, and compiles the last. `images` is one batch for every step, or a
   * function giving each step its own batch, which the compile disposes after the step. Throws, leaving the trainer as the TF.js engine left it, where the step
   * cannot be replayed (not WebGPU, no fused AdamW, an upload the model did not name…).
   */
  static compile(
    trainer: CaeTrainer,
    images: tf.Tensor4D | (() => tf.Tensor4D | Promise<tf.Tensor4D>),
  ): Promise<{ replay: ReplayTrainer; results: StepResult[] }> {
    return compileReplay(ReplayTrainer, trainer, images);
  }

  /** A recorder for traceStep on the active WebGPU backend. */
  static recorder(): TraceRecorder {
    return newRecorder();
  }

  /** Throws, saying why, where no step of `trainer` can be replayed (not WebGPU, no fused AdamW, token targets). */
  static check(trainer: CaeTrainer): void {
    checkReplayable(trainer.optimizer);
    if (trainer.model.config.target !== 'pixel') throw new Error('replay: token targets upload per-step labels the replay does not make yet');
  }

  /**
   * One real TF.js step of `trainer` on `images` (not disposed), traced by `recorder`: its result,
   * and what the compiler needs of it. Two steps traced by one recorder compare (fromTraces).
   */
  static async traceStep(trainer: CaeTrainer, recorder: TraceRecorder, images: tf.Tensor4D): Promise<{ result: StepResult; step: TracedStep }> {
    const B = images.shape[0];
    // Uploaded before the trace: the step reads the images as an input from outside.
    const buffers = tracedBuffers(images, trainer.optimizer.params);
    const mask = trainer.nextMasks(B);
    const rng = trainer.model.config.dropPathRate > 0 ? new Rng(trainer.dropStream.state()) : null;
    // The step's commands are traced; its losses are read after (the replay reads them a step late).
    const { result: dispatched, trace, notes, drops } = await traceNoted(recorder, () => trainer.dispatchStep({ images, mask }));
    const step = { trace, batch: B, masks: maskIndices(mask, B, numPatches(trainer.model.config)), notes, drops, rng, buffers };
    return { result: await trainer.finishStep(dispatched), step };
  }

  /**
   * Compiles step `b` into a replay, checked against `a`, an earlier step of the same shape traced
   * by the same recorder; `last` is b's result. Call it right after b ran: the model's variables
   * are then b's outputs. Throws (nothing kept on the GPU) where the two steps cannot share a plan.
   */
  static fromTraces(trainer: CaeTrainer, recorder: TraceRecorder, a: TracedStep, b: TracedStep, last: StepResult): ReplayTrainer {
    const diff = firstDifference(a.trace, b.trace);
    if (diff) throw new Error(`replay: two steps ran different commands (${diff})`);
    if (b.drops.length !== a.drops.length) throw new Error('replay: two steps drew different numbers of drop-path factors');

    // Names of the uploads: what the model noted, else a constant (the same bytes in both steps).
    const uploadName = uploadNamer(a.trace, { result: null, ...b }, (what) => nameOf(what, b.masks), hostArrays(b.masks, b.drops, b.rng));
    const gpu = ReplayedStep.compile({ recorder, trace: b.trace, buffers: b.buffers, uploadName, ...fusedAdamWSpec(trainer.optimizer, last.lr) });
    return new ReplayTrainer(trainer, gpu, b.batch, b.drops);
  }

  /**
   * Submits one optimizer step, as CaeTrainer.trainStep computes it, and returns the previous
   * step's result (null for the first): one submit, and no wait for this step. Throws
   * NonFiniteLossError for the previous step if its loss or norm was not finite (see LateResults).
   */
  async trainStep(b: Batch): Promise<StepResult | null> {
    const t = this.trainer;
    const B = this.checkBatch(b.images);
    const before = t.state();
    const mask = b.mask ?? t.nextMasks(B);
    const masks = maskIndices(mask, B, numPatches(t.model.config));
    if (masks.masked.perImage !== numMasked(t.model.config)) throw new Error('replay: a different mask count needs a new trace');
    const lr = lrAt(t.train, t.step);
    const arrays = hostArrays(masks, this.drops, this.drops.length ? t.dropStream : null);
    return this.submitStep(b.images, arrays, lr, before, () => ({}));
  }
}
