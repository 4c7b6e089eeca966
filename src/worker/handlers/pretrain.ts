// The worker's pretrain/* commands: a run started or continued from its checkpoint, paused, resumed,
// stopped, profiled; a lost device recovered from the run's last good state.
import { DEFAULT_ENGINE, type EngineOptions } from '../../train/engine';
import { isActive, unreachable, type RunSpec } from '../../protocol/messages';
import { datasetFor } from '../datasets';
import { PretrainRun } from '../pretrainRun';
import type { Tokenizer } from '../../model/tokenizer';
import { tokenizerMismatch } from '../../model/dvaeConfig';
import { readTokenizer } from '../tokenizerCheckpoint';
import { type CommandsOf, publishEncoders, type WorkerContext } from './context';

export async function handlePretrain(msg: CommandsOf<'pretrain/'>, ctx: WorkerContext): Promise<void> {
  switch (msg.type) {
    case 'pretrain/start':
      return pretrain(ctx, msg.run, undefined, msg.engine);
    case 'pretrain/continue':
      return pretrain(ctx, msg.run, new Uint8Array(await msg.checkpoint.arrayBuffer()));
    case 'pretrain/pause':
      ctx.run?.pause();
      return;
    case 'pretrain/profile':
      if (ctx.run) ctx.run.profileNext();
      else ctx.post({ type: 'error', message: 'No run is training: start or resume one to profile its steps.' });
      return;
    case 'pretrain/resume':
      ctx.run?.resume();
      return;
    case 'pretrain/stop':
      ctx.run?.stop();
      return;
    default:
      return unreachable(msg);
  }
}

/** Runs a pretraining run to its end; its final state becomes an encoder for probing. */
async function pretrain(ctx: WorkerContext, spec: RunSpec, resumeFrom?: Uint8Array, engine: EngineOptions = DEFAULT_ENGINE): Promise<void> {
  const { post, device, encoders } = ctx;
  // Refused, not failed: the run did nothing, so the page leaves its record (step, loss, curve) as it was.
  const refuse = (message: string) => post({ type: 'pretrain/refused', runId: spec.id, message });
  if (!device.info) return refuse('Training cannot start: the worker has no backend yet.');
  if (ctx.run && isActive(ctx.run.status)) return refuse('Training cannot start: a run is already in progress; stop it first.');
  if (ctx.tokenizerRun && isActive(ctx.tokenizerRun.status)) return refuse('Training cannot start: a tokenizer is training; stop it first.');
  let tokenizer: Tokenizer | null;
  try {
    tokenizer = tokenizerFor(ctx, spec);
  } catch (e) {
    return refuse(`Training cannot start: ${(e as Error).message}.`);
  }
  ctx.run?.dispose();
  ctx.run = null;
  let ds;
  try {
    ds = await datasetFor(spec.dataset, spec.train.seed, spec.model.imgSize);
  } catch (e) {
    tokenizer?.dispose();
    return refuse(`Training cannot start: ${(e as Error).message}.`);
  }
  let r: PretrainRun;
  try {
    r = new PretrainRun(spec, post, resumeFrom, ds, engine, tokenizer);
  } catch (e) {
    tokenizer?.dispose();
    const why = (e as Error).message;
    if (!resumeFrom) return refuse(`Training cannot start: ${why}.`);
    // Only the latest checkpoint of a run is kept, so there is no earlier one to go back to.
    return refuse(
      `The checkpoint kept for this run is damaged and cannot be resumed (${why}). The run's record and loss curve are kept as they were: export the curve, or delete the run; a new run starts from scratch.`,
    );
  }
  ctx.run = r;
  try {
    await r.run((lost) => recoverRun(ctx, lost));
  } catch (e) {
    r.status = 'failed';
    post({ type: 'pretrain/status', runId: spec.id, status: 'failed', step: r.step, message: `Training failed: ${(e as Error).message}` });
  }
  if (r.checkpoint && r.status !== 'failed') {
    encoders.set(spec.id, { bytes: r.checkpoint, entry: { runId: spec.id, presetId: spec.presetId, step: r.step, model: spec.model } });
    publishEncoders(ctx);
  }
}

/** The running loop's hook after a lost device: new backend, then the run's last good state. */
async function recoverRun({ post, device }: WorkerContext, r: PretrainRun): Promise<boolean> {
  const why = r.deviceLost;
  post({ type: 'error', message: `The GPU device was lost (${why}). Starting a new device and continuing from the last saved state…` });
  try {
    await device.replace();
    const step = await r.recover();
    post({ type: 'error', message: `Training continues on a new GPU device from the last saved state, step ${step}.` });
    return true;
  } catch (e) {
    post({ type: 'error', message: `The GPU device was lost and restarting failed: ${(e as Error).message}` });
    return false;
  }
}

/**
 * A token-target run's tokenizer, built from the bytes the worker holds (the page sends a kept one
 * first), or null for pixel targets; throws, in words, when it is missing or does not fit.
 */
function tokenizerFor(ctx: WorkerContext, spec: RunSpec): Tokenizer | null {
  if (spec.model.target !== 'token') return null;
  if (!spec.tokenizer) throw new Error("token targets need a tokenizer: choose one of the notebook's tokenizers");
  const held = ctx.tokenizers.get(spec.tokenizer.id);
  if (!held) throw new Error(`the tokenizer ${spec.tokenizer.id} is not loaded; it may have been deleted from this browser`);
  const why = tokenizerMismatch(held.entry.model, spec.model);
  if (why) throw new Error(why);
  return readTokenizer(held.bytes).tokenizer;
}
