// What the worker's per-feature handlers share (worker.ts makes it once): the way to post to the
// page, the GPU device, the run and the evaluation in progress, the encoders, the image lab, the
// tokenizer run and the tokenizers.
import type { AppToWorker, BackendInfo, EncoderEntry, FromWorker, TokenizerEntry } from '../../protocol/messages';
import type { Device } from '../device';
import type { LabSession } from '../labSession';
import type { PretrainRun } from '../pretrainRun';
import type { ProbeRun } from '../probeRun';
import type { TokenizerRun } from '../tokenizerRun';

export type Post = (msg: FromWorker, transfer?: Transferable[]) => void;

export interface WorkerContext {
  readonly post: Post;
  readonly device: Device;
  /** The pretraining run of this worker, the latest one. */
  run: PretrainRun | null;
  /** The evaluation of this worker, the latest one. */
  probe: ProbeRun | null;
  /** The encoders a probe can use: final states of this session's runs, kept runs and imported files. */
  readonly encoders: Map<string, { bytes: Uint8Array; entry: EncoderEntry }>;
  readonly lab: LabSession;
  /** The tokenizer run of this worker, the latest one (issue 24). */
  tokenizerRun: TokenizerRun | null;
  /** The tokenizers token targets and the lab can use: this session's runs, kept ones and files, checked. */
  readonly tokenizers: Map<string, { bytes: Uint8Array; entry: TokenizerEntry }>;
}

/** The page's messages whose type starts with `prefix`. */
export type CommandsOf<P extends string> = Extract<AppToWorker, { type: `${P}${string}` }>;

/** Whether `msg` is one of the commands of `prefix` (a handler module takes those). */
export const isCommandOf = <P extends string>(msg: AppToWorker, prefix: P): msg is CommandsOf<P> => msg.type.startsWith(prefix);

/** The backend running now, or an error when the worker has none yet. */
export function backendOf(ctx: WorkerContext): BackendInfo {
  if (!ctx.device.info) throw new Error('the worker has no backend yet');
  return ctx.device.info;
}

/** Tells the page the encoders the worker holds: the only source of its list. */
export function publishEncoders(ctx: WorkerContext): void {
  ctx.post({ type: 'encoders', list: [...ctx.encoders.values()].map((e) => e.entry) });
}

/** Tells the page the tokenizers the worker holds: the only source of its list. */
export function publishTokenizers(ctx: WorkerContext): void {
  ctx.post({ type: 'tokenizer/list', list: [...ctx.tokenizers.values()].map((t) => t.entry) });
}
