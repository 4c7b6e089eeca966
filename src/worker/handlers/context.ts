// What the worker's per-feature handlers share (worker.ts makes it once): the way to post to the
// page, the GPU device, the run and the evaluation in progress, the encoders, the image lab.
import type { AppToWorker, BackendInfo, EncoderEntry, FromWorker } from '../../protocol/messages';
import type { Device } from '../device';
import type { LabSession } from '../labSession';
import type { PretrainRun } from '../pretrainRun';
import type { ProbeRun } from '../probeRun';

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
