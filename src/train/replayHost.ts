// The host's half that every replayed trainer shares (the CAE's step, issue 14; the tokenizer's,
// issue 24): tracing a TF.js step with the host arrays it uploads named, tracing until two steps
// agree, naming each upload of the compiled step (a named per-step array, else a constant that
// must be the same in both traced steps), and the steps whose results come back one call late,
// with the rewind on a non-finite loss. Nothing here touches a GPU object (replayedStep.ts does).
import * as tf from '@tensorflow/tfjs';
import { STATUS } from '../kernels/adamw';
import { firstDifference } from '../kernels/replay/classify';
import type { Trace, TraceRecorder } from '../kernels/replay/trace';
import { type DropDraw, type HostArray, startNotingHostArrays, stopNotingHostArrays } from '../model/hostArrays';
import type { AdamW } from './adamw';
import { NonFiniteLossError } from './trainer';

export const asBytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export const sameBytes = (a: ArrayBufferView, b: Uint8Array) => a.byteLength === b.byteLength && asBytes(a).every((v, i) => v === b[i]);

/** Throws, saying why, where no step that `optimizer` updates can be replayed (not WebGPU, no fused AdamW). */
export function checkReplayable(optimizer: AdamW): void {
  if (tf.getBackend() !== 'webgpu') throw new Error(`replay: the step can be replayed only on WebGPU, not ${tf.getBackend()}`);
  if (!optimizer.fused) throw new Error('replay: the optimizer is not the fused AdamW');
}

/**
 * What a plan takes of the fused AdamW that steps `optimizer`'s trainer, whose last traced step ran
 * at rate `lr`: the flat state [P | M | V] the plan adopts (not copies), each parameter living at
 * its range of P (so the gradients are computed at their ranges of the flat gradient buffer and
 * the optimizer's gathers and scatters drop out), the status words, and the update words that
 * step wrote (its rate and the update count it reached), by which the plan finds where they sit.
 */
export function fusedAdamWSpec(optimizer: AdamW, lr: number) {
  const flat = optimizer.fused;
  if (!flat) throw new Error('replay: the optimizer is not the fused AdamW');
  return {
    params: optimizer.params.map((p, i) => ({ name: p.name, variable: p.variable, offset: flat.offsets[i]! })),
    flatState: flat.state,
    status: flat.statusTensor,
    adamWWords: optimizer.updateWords(lr, optimizer.t),
  };
}

/** One traced step's commands, and the host arrays named while it ran. */
export interface NotedTrace<T> {
  readonly result: T;
  readonly trace: Trace;
  readonly notes: Map<object, HostArray>;
  readonly drops: DropDraw[];
}

/**
 * Runs `step` traced by `recorder`, noting the host arrays it names. TF.js computes small ops on
 * CPU-held tensors on the CPU and uploads the result, which hides the host arrays they came from
 * (a position-table gather on the masks' indices): the traced step runs every op on the GPU. The
 * ops it forwards are exact (gathers, reshapes), and the tests against the TF.js engine with
 * forwarding on hold the replay to the same bits.
 */
export async function traceNoted<T>(recorder: TraceRecorder, step: () => T | Promise<T>): Promise<NotedTrace<T>> {
  const forward = tf.env().getBool('WEBGPU_CPU_FORWARD');
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  startNotingHostArrays();
  try {
    const { result, trace } = await recorder.record(async () => step());
    return { result, trace, ...stopNotingHostArrays() };
  } finally {
    stopNotingHostArrays();
    tf.env().set('WEBGPU_CPU_FORWARD', forward);
  }
}

/**
 * Traces real TF.js steps (their results returned) until two run the same commands, at most four:
 * a trainer's first step uploads its weights and fills the pool. `images` is one batch for every
 * step, or a function giving each step its own batch, disposed after the step.
 */
export async function traceUntilSteady<S extends { trace: Trace }, R>(
  images: tf.Tensor4D | (() => tf.Tensor4D | Promise<tf.Tensor4D>),
  traceOne: (images: tf.Tensor4D) => Promise<{ result: R; step: S }>,
): Promise<{ a: S; b: S; results: R[] }> {
  const traced: S[] = [];
  const results: R[] = [];
  for (let i = 0; i < 4 && !(traced.length >= 2 && !firstDifference(traced.at(-2)!.trace, traced.at(-1)!.trace)); i++) {
    const batch = typeof images === 'function' ? await images() : images;
    try {
      const { result, step } = await traceOne(batch);
      results.push(result);
      traced.push(step);
    } finally {
      if (typeof images === 'function') batch.dispose();
    }
  }
  const [a, b] = traced.slice(-2) as [S, S];
  return { a, b, results };
}

/** What compiling a replay of one trainer kind takes (the replay classes' static methods). */
export interface ReplayKind<T, S extends { trace: Trace }, R, X> {
  check(trainer: T): void;
  recorder(): TraceRecorder;
  traceStep(trainer: T, recorder: TraceRecorder, images: tf.Tensor4D): Promise<{ result: R; step: S }>;
  fromTraces(trainer: T, recorder: TraceRecorder, a: S, b: S, last: R): X;
}

/**
 * Traces TF.js steps of `trainer` (real training steps, their results returned) until two agree
 * and compiles the last. Throws, leaving the trainer as the TF.js engine left it, where the step
 * cannot be replayed (not WebGPU, no fused AdamW, an upload the model did not name…).
 */
export async function compileReplay<T, S extends { trace: Trace }, R, X>(
  kind: ReplayKind<T, S, R, X>,
  trainer: T,
  images: tf.Tensor4D | (() => tf.Tensor4D | Promise<tf.Tensor4D>),
): Promise<{ replay: X; results: R[] }> {
  kind.check(trainer);
  const recorder = kind.recorder();
  const { a, b, results } = await traceUntilSteady(images, (batch) => kind.traceStep(trainer, recorder, batch));
  return { replay: kind.fromTraces(trainer, recorder, a, b, results.at(-1)!), results };
}

/**
 * Names the uploads of step b for the compiler (ReplayPlan's `uploadName`): an array named while b
 * ran gets `nameOf` its note, and must hold what the host will write under that name (`expected`,
 * made for b); any other upload is a constant, written once, and must then hold the same bytes in
 * step a: a value that changed between the two steps but was not named would be baked in.
 */
export function uploadNamer(
  a: Trace,
  b: NotedTrace<unknown>,
  nameOf: (what: HostArray) => string,
  expected: ReadonlyMap<string, ArrayBufferView>,
): (source: unknown, k: number) => string | null {
  const uploadsA = a.events.filter((e) => e.kind === 'upload');
  const uploadsB = b.trace.events.filter((e) => e.kind === 'upload');
  return (source, k) => {
    const what = source !== null && typeof source === 'object' ? b.notes.get(source) : undefined;
    const traced = uploadsB[k]!;
    if (!what) {
      const other = uploadsA[k];
      if (other?.kind !== 'upload' || !sameBytes(other.bytes, traced.bytes))
        throw new Error(
          `replay: upload ${k} (${traced.size} bytes from ${Object.prototype.toString.call(source)}: ${Array.from(new Int32Array(traced.bytes.slice().buffer).slice(0, 8))}…) changes between steps but the model did not name it`,
        );
      return null;
    }
    const name = nameOf(what);
    const want = expected.get(name);
    if (!want) throw new Error(`replay: upload ${k} is the step's "${name}", which the replay does not make`);
    if (!sameBytes(want, traced.bytes)) throw new Error(`replay: upload ${k} (${name}) is not what the replay would write`);
    return name;
  };
}

/** A submitted step whose result is not read yet. */
export interface InFlight<S> {
  readonly step: number;
  readonly lr: number;
  /** The optimizer's update count before the step. */
  readonly t: number;
  /** The trainer's step and streams before the step drew from them. */
  readonly before: S;
  /** The fused AdamW's status words, once the step has run: stats [total, ·, ·, ‖g‖] at STATUS.stats. */
  readonly status: Promise<Float32Array>;
}

/** What the rewind needs of a trainer: its state (step count and streams), and a way back to one. */
export interface Rewindable<S extends { step: number }> {
  state(): S;
  rewindTo(s: S, t: number): void;
}

/**
 * Replayed steps whose results come back one call late: `push` a submitted step and get the
 * previous one's result (null the first time); `flush` returns the last. The GPU skips the update
 * of a step whose loss or norm is not finite and, the flag being sticky, of the step after it
 * (already submitted): the weights and moments are those before it. The host then rewinds to
 * where the TF.js engine stops: step count and AdamW's `t` before the step, the streams as that
 * step left them (before the later one drew from them), the GPU's flag cleared (the plan adopted
 * the optimizer's status buffer). Then it throws, naming the step.
 */
export class LateResults<S extends { step: number }, P extends InFlight<S>, R> {
  private inFlight: P | null = null;

  constructor(
    private readonly trainer: Rewindable<S>,
    private readonly read: (p: P, status: Float32Array) => R | Promise<R>,
  ) {}

  /** Whether a step was submitted whose result `flush` has not returned yet. */
  get pending(): boolean {
    return this.inFlight !== null;
  }

  /** Takes step `p` (submitted, the trainer advanced past it) and returns the previous step's result. */
  async push(p: P): Promise<R | null> {
    const previous = this.inFlight;
    this.inFlight = p;
    return previous ? this.settle(previous, p) : null;
  }

  /** Waits for the step in flight and returns its result (null when none is). */
  async flush(): Promise<R | null> {
    const p = this.inFlight;
    if (!p) return null;
    this.inFlight = null;
    return this.settle(p, null);
  }

  /** Forgets the step in flight (a disposed replay). */
  clear(): void {
    this.inFlight = null;
  }

  private async settle(p: P, later: P | null): Promise<R> {
    const s = await p.status;
    const [total, , , gradNorm] = Array.from(s.subarray(STATUS.stats, STATUS.stats + 4)) as [number, number, number, number];
    const bad = NonFiniteLossError.of(p.step, total, gradNorm) ?? (s[STATUS.skip] !== 0 ? new NonFiniteLossError(p.step, total) : null);
    if (bad) {
      this.inFlight = null;
      if (later) await later.status.catch(() => undefined);
      const t = this.trainer;
      t.rewindTo({ ...(later?.before ?? t.state()), step: p.step }, p.t);
      throw bad;
    }
    return this.read(p, s);
  }
}
