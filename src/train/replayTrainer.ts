// The CAE training step replayed (issue 14): two steps of the TF.js engine are traced on WebGPU,
// the second compiled into a ReplayPlan (src/kernels/replay/plan.ts), and every later step runs
// that plan: the host writes the step's inputs (masks' index lists, drop-path factors, images,
// AdamW's per-step uniforms) into fixed slots and submits one command buffer, creating no GPU
// object. The numbers are the TF.js engine's, bit for bit: the same pipelines run on the same
// inputs in the same order. Like the TF.js engine, the step computes the clip factor on the GPU and
// skips the update there on a non-finite loss or norm, so a step is one submit with no wait: the
// losses of step n are read back (into one of two buffers) while step n+1 runs, and `trainStep`
// returns them one call late; `flush` returns the last. Once a step was skipped, the GPU skips every
// later update until the host, learning of it a step late, rewinds to it (see `settle`).
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
import { type DropDraw, type HostArray, drawDropFactors, startNotingHostArrays, stopNotingHostArrays } from '../model/hostArrays';
import { type MaskIndices, maskIndices } from '../model/masks';
import { Rng } from '../model/random';
import { type Batch, type CaeTrainer, NonFiniteLossError, type StepResult, type TrainerState } from './trainer';
import { lrAt } from './schedule';

/** A submitted step whose losses are not read yet. */
interface InFlight {
  readonly step: number;
  readonly lr: number;
  /** The optimizer's update count before the step. */
  readonly t: number;
  /** The trainer's step and streams before the step drew its masks and drop-path factors. */
  readonly before: TrainerState;
  /** The status words, once the step has run. */
  readonly status: Promise<Float32Array>;
}

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

const sameBytes = (a: ArrayBufferView, b: Uint8Array) =>
  a.byteLength === b.byteLength && new Uint8Array(a.buffer, a.byteOffset, a.byteLength).every((v, i) => v === b[i]);

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

export class ReplayTrainer {
  private inFlight: InFlight | null = null;

  private constructor(
    readonly trainer: CaeTrainer,
    private readonly gpu: ReplayedStep,
    private readonly batch: number,
    private readonly drops: readonly DropDraw[],
  ) {}

  /** Whether a batch has the shape the plan was compiled for (else it must be traced again). */
  accepts(images: tf.Tensor4D): boolean {
    return images.shape[0] === this.batch;
  }

  /** Dispatches, arena, state and slot bytes of the compiled step. */
  get stats() {
    return { ...this.gpu.stats, dropDraws: this.drops.length };
  }

  /**
   * Traces TF.js steps of `trainer` (real training steps, returned) until two run the same
   * commands, at most four, and compiles the last. `images` is one batch for every step, or a
   * function giving each step its own batch, which the compile disposes after the step. Throws, leaving the trainer as the TF.js engine left it, where the step
   * cannot be replayed (not WebGPU, no fused AdamW, an upload the model did not name…).
   */
  static async compile(
    trainer: CaeTrainer,
    images: tf.Tensor4D | (() => tf.Tensor4D | Promise<tf.Tensor4D>),
  ): Promise<{ replay: ReplayTrainer; results: StepResult[] }> {
    ReplayTrainer.check(trainer);
    const recorder = newRecorder();
    const traced: TracedStep[] = [];
    const results: StepResult[] = [];
    // A trainer's first step uploads its weights and fills the pool: trace until two steps agree.
    for (let i = 0; i < 4 && !(traced.length >= 2 && !firstDifference(traced.at(-2)!.trace, traced.at(-1)!.trace)); i++) {
      const batch = typeof images === 'function' ? await images() : images;
      try {
        const { result, step } = await ReplayTrainer.traceStep(trainer, recorder, batch);
        results.push(result);
        traced.push(step);
      } finally {
        if (typeof images === 'function') batch.dispose();
      }
    }
    const [a, b] = traced.slice(-2) as [TracedStep, TracedStep];
    return { replay: ReplayTrainer.fromTraces(trainer, recorder, a, b, results.at(-1)!), results };
  }

  /** A recorder for traceStep on the active WebGPU backend. */
  static recorder(): TraceRecorder {
    return newRecorder();
  }

  /** Throws, saying why, where no step of `trainer` can be replayed (not WebGPU, no fused AdamW, token targets). */
  static check(trainer: CaeTrainer): void {
    if (tf.getBackend() !== 'webgpu') throw new Error(`replay: the step can be replayed only on WebGPU, not ${tf.getBackend()}`);
    if (!trainer.optimizer.fused) throw new Error('replay: the optimizer is not the fused AdamW');
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
    // TF.js computes small ops on CPU-held tensors on the CPU and uploads the result, which hides
    // the host arrays they came from (a position-table gather on the masks' indices): the traced
    // steps run every op on the GPU. The ops it forwards are exact (gathers, reshapes), and the test
    // against the TF.js engine with forwarding on holds the replay to the same bits.
    const forward = tf.env().getBool('WEBGPU_CPU_FORWARD');
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    startNotingHostArrays();
    try {
      // The step's commands are traced; its losses are read after (the replay reads them a step late).
      const { result: dispatched, trace } = await recorder.record(async () => trainer.dispatchStep({ images, mask }));
      const step = {
        trace,
        batch: B,
        masks: maskIndices(mask, B, numPatches(trainer.model.config)),
        ...stopNotingHostArrays(),
        rng,
        buffers,
      };
      return { result: await trainer.finishStep(dispatched), step };
    } finally {
      stopNotingHostArrays();
      tf.env().set('WEBGPU_CPU_FORWARD', forward);
    }
  }

  /**
   * Compiles step `b` into a replay, checked against `a`, an earlier step of the same shape traced
   * by the same recorder; `last` is b's result. Call it right after b ran: the model's variables
   * are then b's outputs. Throws (nothing kept on the GPU) where the two steps cannot share a plan.
   */
  static fromTraces(trainer: CaeTrainer, recorder: TraceRecorder, a: TracedStep, b: TracedStep, last: StepResult): ReplayTrainer {
    const flat = trainer.optimizer.fused!;
    const diff = firstDifference(a.trace, b.trace);
    if (diff) throw new Error(`replay: two steps ran different commands (${diff})`);
    if (b.drops.length !== a.drops.length) throw new Error('replay: two steps drew different numbers of drop-path factors');

    // Names of the uploads: what the model noted, else a constant (the same bytes in both steps).
    const uploadsA = a.trace.events.filter((e) => e.kind === 'upload');
    const expected = hostArrays(b.masks, b.drops, b.rng);
    const uploadName = (source: unknown, k: number): string | null => {
      const what = source !== null && typeof source === 'object' ? b.notes.get(source) : undefined;
      const traced = b.trace.events.filter((e) => e.kind === 'upload')[k]!;
      if (!what) {
        const other = uploadsA[k]!;
        if (other.kind !== 'upload' || !sameBytes(other.bytes, traced.bytes))
          throw new Error(
            `replay: upload ${k} (${traced.size} bytes from ${Object.prototype.toString.call(source)}: ${Array.from(new Int32Array(traced.bytes.slice().buffer).slice(0, 8))}…) changes between steps but the model did not name it`,
          );
        return null;
      }
      const name =
        what.kind === 'drop'
          ? `drop:${what.call}`
          : `${what.kind}:${sameBytes(b.masks.visible.local, new Uint8Array(what.sel.local.buffer, what.sel.local.byteOffset, what.sel.local.byteLength)) ? 'visible' : 'masked'}`;
      if (!sameBytes(expected.get(name)!, traced.bytes)) throw new Error(`replay: upload ${k} (${name}) is not what the replay would write`);
      return name;
    };
    // The optimizer's flat state [P | M | V] is the plan's own (adopted, not copied), and each
    // parameter lives at its range of P; the gradients are computed at their ranges of the flat
    // gradient buffer: the optimizer's gathers and scatters drop out.
    const gpu = ReplayedStep.compile({
      recorder,
      trace: b.trace,
      buffers: b.buffers,
      params: trainer.optimizer.params.map((p, i) => ({ name: p.name, variable: p.variable, offset: flat.offsets[i]! })),
      flatState: flat.state,
      status: flat.statusTensor,
      uploadName,
      // The words step b wrote: its rate, and the update count it reached.
      adamWWords: trainer.optimizer.updateWords(last.lr, trainer.optimizer.t),
    });
    return new ReplayTrainer(trainer, gpu, b.batch, b.drops);
  }

  /** Copies the model's weights into the plan (after compiling, a TF.js step in between); see ReplayedStep.load. */
  load(): void {
    this.gpu.load();
  }

  /** Gives the model's variables their weights back from the plan (checkpoints, views, a TF.js step); see ReplayedStep.sync. */
  sync(): void {
    this.gpu.sync();
  }

  /**
   * Submits one optimizer step, as CaeTrainer.trainStep computes it, and returns the previous
   * step's result (null for the first): one submit, and no wait for this step. Throws
   * NonFiniteLossError for the previous step if its loss or norm was not finite (see `settle`).
   */
  async trainStep(b: Batch): Promise<StepResult | null> {
    const t = this.trainer;
    const B = b.images.shape[0];
    if (B !== this.batch) throw new Error(`replay: compiled for batch ${this.batch}, given ${B} (compile again)`);
    const before = t.state();
    const mask = b.mask ?? t.nextMasks(B);
    const masks = maskIndices(mask, B, numPatches(t.model.config));
    if (masks.masked.perImage !== numMasked(t.model.config)) throw new Error('replay: a different mask count needs a new trace');
    const lr = lrAt(t.train, t.step);
    const arrays = hostArrays(masks, this.drops, this.drops.length ? t.dropStream : null);
    const { status } = await this.gpu.submit(arrays, b.images, t.optimizer.updateWords(lr));
    const previous = this.inFlight;
    this.inFlight = { step: t.step, lr, t: t.optimizer.t, before, status };
    t.advance();
    return previous ? this.settle(previous, this.inFlight) : null;
  }

  /** Whether a step was submitted whose result `flush` has not returned yet. */
  get pending(): boolean {
    return this.inFlight !== null;
  }

  /** Waits for the step in flight and returns its result (null when none is). */
  async flush(): Promise<StepResult | null> {
    const p = this.inFlight;
    if (!p) return null;
    this.inFlight = null;
    return this.settle(p, null);
  }

  /**
   * The result of step `p`, read back. If its loss or norm was not finite, the GPU skipped its
   * update and, the flag being sticky, the update of `later` (already submitted) too: the weights
   * and moments are those before `p`. The host rewinds to match, to where the TF.js engine stops:
   * step count and AdamW's `t` before `p`, the streams as `p` left them (before `later` drew from
   * them), the GPU's flag cleared. Then it throws, naming `p`'s step.
   */
  private async settle(p: InFlight, later: InFlight | null): Promise<StepResult> {
    const s = await p.status;
    const [total, reconstruction, alignment, gradNorm] = Array.from(s.subarray(STATUS.stats, STATUS.stats + 4)) as [number, number, number, number];
    const bad = NonFiniteLossError.of(p.step, total, gradNorm) ?? (s[STATUS.skip] !== 0 ? new NonFiniteLossError(p.step, total) : null);
    if (bad) {
      this.inFlight = null;
      if (later) await later.status.catch(() => undefined);
      const t = this.trainer;
      // The plan adopted the optimizer's status buffer: clearing the optimizer's flag clears the plan's.
      t.rewindTo({ ...(later?.before ?? t.state()), step: p.step }, p.t);
      throw bad;
    }
    return { step: p.step, total, reconstruction, alignment: this.trainer.model.config.alignment ? alignment : null, gradNorm, lr: p.lr };
  }

  dispose(): void {
    this.inFlight = null;
    this.gpu.dispose();
  }
}
