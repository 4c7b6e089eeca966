// The tokenizer's (d-VAE's) training step replayed (issue 24), as the CAE's is (replayTrainer.ts):
// TF.js steps of DvaeTrainer are traced on WebGPU until two agree, the second is compiled into a
// ReplayPlan, and every later step runs that plan with the step's own inputs written into slots:
// the images, the Gumbel noise [B, N, K] drawn from the run's stream, the temperature τ and the KL
// weight β of this step (scalars the trainer uploads as named arrays, so the plan never bakes in
// the traced steps' values), and AdamW's uniforms (learning rate, update count). The step's stats
// come back in the fused AdamW's status words and its hard codes [B·N] from an output the plan
// keeps, both one call late, as the CAE's losses do; a non-finite loss rewinds the trainer to
// where the TF.js engine stops (LateResults). The numbers are the TF.js engine's, bit for bit.
import type * as tf from '@tensorflow/tfjs';
import { STATUS } from '../kernels/adamw';
import { firstDifference } from '../kernels/replay/classify';
import { ReplayedStep, type StepReads, bufferOf, type TracedBuffers, newRecorder, tracedBuffers } from '../kernels/replay/replayedStep';
import type { TraceRecorder } from '../kernels/replay/trace';
import type { HostArray } from '../model/hostArrays';
import { type DvaeBatch, type DvaeStepResult, type DvaeTrainer, type DvaeTrainerState, dvaeStepResult } from './dvaeTrainer';
import { klWeightAt, temperatureAt } from './dvaeSchedule';
import { ReplayedTrainer } from './replayedTrainer';
import { type InFlight, type NotedTrace, checkReplayable, compileReplay, fusedAdamWSpec, traceNoted, uploadNamer } from './replayHost';
import { lrAt } from './schedule';

/** The per-step inputs the trainer names (DvaeTrainer.gradients), in the order it makes them. */
const INPUTS = ['gumbel', 'temperature', 'klWeight'] as const;
const CODES = 'codes';

/** One traced TF.js step of the tokenizer: its trace and notes, its inputs, and its buffers. */
export interface TracedDvaeStep extends NotedTrace<unknown> {
  readonly batch: number;
  /** What the step uploaded under each name (the noise, τ, β). */
  readonly inputs: ReadonlyMap<string, ArrayBufferView>;
  /** The images' and parameters' buffers when the step began. */
  readonly buffers: TracedBuffers;
  /** The buffer the step left its hard codes in. */
  readonly codes: GPUBuffer;
}

interface DvaeInFlight extends InFlight<DvaeTrainerState> {
  readonly temperature: number;
  readonly klWeight: number;
  readonly reads: Promise<StepReads>;
}

const nameOf = (what: HostArray): string => {
  if (what.kind !== 'input') throw new Error(`replay: the tokenizer's step uploaded a ${what.kind} array, which it does not make`);
  return what.name;
};

export class DvaeReplay extends ReplayedTrainer<DvaeTrainerState, DvaeInFlight, DvaeStepResult> {
  private constructor(
    readonly trainer: DvaeTrainer,
    gpu: ReplayedStep,
    batch: number,
  ) {
    const K = trainer.model.config.vocabSize;
    super(trainer, gpu, batch, async (p, s) => {
      const stats = Array.from(s.subarray(STATUS.stats, STATUS.stats + 4)) as [number, number, number, number];
      const codes = new Int32Array((await p.reads).outputs.get(CODES)!);
      return dvaeStepResult(p.step, stats, codes, p, K);
    });
  }

  /** Throws, saying why, where no step of `trainer` can be replayed (not WebGPU, no fused AdamW). */
  static check(trainer: DvaeTrainer): void {
    checkReplayable(trainer.optimizer);
  }

  /** A recorder for traceStep on the active WebGPU backend. */
  static recorder(): TraceRecorder {
    return newRecorder();
  }

  /** Traces TF.js steps of `trainer` until two agree and compiles the last (see compileReplay). */
  static compile(
    trainer: DvaeTrainer,
    images: tf.Tensor4D | (() => tf.Tensor4D | Promise<tf.Tensor4D>),
  ): Promise<{ replay: DvaeReplay; results: DvaeStepResult[] }> {
    return compileReplay(DvaeReplay, trainer, images);
  }

  /** One real TF.js step of `trainer` on `images` (not disposed), traced by `recorder`. */
  static async traceStep(trainer: DvaeTrainer, recorder: TraceRecorder, images: tf.Tensor4D): Promise<{ result: DvaeStepResult; step: TracedDvaeStep }> {
    const buffers = tracedBuffers(images, trainer.optimizer.params);
    const traced = await traceNoted(recorder, () => trainer.dispatchStep({ images }));
    const d = traced.result;
    const codes = bufferOf(d.codes);
    const inputs = new Map<string, ArrayBufferView>();
    for (const [array, what] of traced.notes) if (what.kind === 'input') inputs.set(what.name, array as ArrayBufferView);
    const result = await trainer.finishStep(d);
    if (!codes) throw new Error('replay: the step left its codes off the GPU');
    return { result, step: { ...traced, batch: images.shape[0], inputs, buffers, codes } };
  }

  /**
   * Compiles step `b` into a replay, checked against `a`, an earlier step of the same shape traced
   * by the same recorder; `last` is b's result. Call it right after b ran.
   */
  static fromTraces(trainer: DvaeTrainer, recorder: TraceRecorder, a: TracedDvaeStep, b: TracedDvaeStep, last: DvaeStepResult): DvaeReplay {
    const diff = firstDifference(a.trace, b.trace);
    if (diff) throw new Error(`replay: two steps ran different commands (${diff})`);
    for (const name of INPUTS) if (!b.inputs.has(name)) throw new Error(`replay: the traced step did not upload its "${name}"`);
    const gpu = ReplayedStep.compile({
      recorder,
      trace: b.trace,
      buffers: b.buffers,
      uploadName: uploadNamer(a.trace, b, nameOf, b.inputs),
      outputs: [{ name: CODES, buffer: b.codes }],
      ...fusedAdamWSpec(trainer.optimizer, last.lr),
    });
    return new DvaeReplay(trainer, gpu, b.batch);
  }

  /**
   * Submits one optimizer step, as DvaeTrainer.trainStep computes it, and returns the previous
   * step's result (null for the first). Throws NonFiniteLossError for the previous step if its
   * loss or norm was not finite (the trainer then rewound: LateResults).
   */
  async trainStep(b: DvaeBatch): Promise<DvaeStepResult | null> {
    const t = this.trainer;
    const B = this.checkBatch(b.images);
    const before = t.state();
    const lr = lrAt(t.train, t.step);
    const temperature = temperatureAt(t.train, t.step);
    const klWeight = klWeightAt(t.train, t.step);
    const arrays = new Map<string, ArrayBufferView>([
      ['gumbel', t.nextNoise(B)],
      ['temperature', Float32Array.of(temperature)],
      ['klWeight', Float32Array.of(klWeight)],
    ]);
    return this.submitStep(b.images, arrays, lr, before, (reads) => ({ temperature, klWeight, reads }));
  }
}
