// The worker's tokenizer/* commands (issue 24): a d-VAE run started or continued from its
// checkpoint, stopped; a tokenizer's safetensors checked and held for token targets and the lab.
import { isActive, unreachable, type TokenizerSpec } from '../../protocol/messages';
import { readTokenizer } from '../tokenizerCheckpoint';
import { datasetFor } from '../datasets';
import { TokenizerRun } from '../tokenizerRun';
import { type CommandsOf, publishTokenizers, type WorkerContext } from './context';

export async function handleTokenizer(msg: CommandsOf<'tokenizer/'>, ctx: WorkerContext): Promise<void> {
  switch (msg.type) {
    case 'tokenizer/start':
      return train(ctx, msg.spec, msg.checkpoint && new Uint8Array(await msg.checkpoint.arrayBuffer()));
    case 'tokenizer/stop':
      ctx.tokenizerRun?.stop();
      return;
    case 'tokenizer/load':
      try {
        hold(ctx, msg.id, new Uint8Array(await msg.bytes.arrayBuffer()));
      } catch (e) {
        ctx.post({ type: 'tokenizer/refused', id: msg.id, message: `${msg.name} is not a tokenizer this notebook can use: ${(e as Error).message}.` });
      }
      return;
    default:
      return unreachable(msg);
  }
}

/** Checks a tokenizer's bytes (names, shapes, finite values) and holds them under `id`. */
function hold(ctx: WorkerContext, id: string, bytes: Uint8Array): void {
  const { tokenizer, step } = readTokenizer(bytes);
  const model = tokenizer.config;
  tokenizer.dispose(); // checked; each use builds its own from the bytes
  ctx.tokenizers.set(id, { bytes, entry: { id, model, step } });
  publishTokenizers(ctx);
}

/** Runs a tokenizer to its end; its final state is held for token targets and the lab. */
async function train(ctx: WorkerContext, spec: TokenizerSpec, resumeFrom?: Uint8Array): Promise<void> {
  const { post, device } = ctx;
  const refuse = (message: string) => post({ type: 'tokenizer/refused', id: spec.id, message });
  if (!device.info) return refuse('The tokenizer cannot start: the worker has no backend yet.');
  // One training loop at a time on the one GPU.
  if (ctx.tokenizerRun && isActive(ctx.tokenizerRun.status)) return refuse('The tokenizer cannot start: another tokenizer is training; stop it first.');
  if (ctx.run && isActive(ctx.run.status)) return refuse('The tokenizer cannot start: a pretraining run is in progress; stop it first.');
  if (ctx.probe && isActive(ctx.probe.status)) return refuse('The tokenizer cannot start: an evaluation is in progress; stop it first.');
  ctx.tokenizerRun?.dispose();
  ctx.tokenizerRun = null;
  let ds;
  try {
    ds = await datasetFor(spec.dataset, spec.seed, spec.model.imgSize);
  } catch (e) {
    return refuse(`The tokenizer cannot start: ${(e as Error).message}.`);
  }
  let r: TokenizerRun;
  try {
    r = new TokenizerRun(spec, post, ds, resumeFrom);
  } catch (e) {
    const why = (e as Error).message;
    return refuse(resumeFrom ? `The checkpoint kept for this tokenizer cannot be resumed (${why}).` : `The tokenizer cannot start: ${why}.`);
  }
  ctx.tokenizerRun = r;
  try {
    await r.run();
  } catch (e) {
    r.status = 'failed';
    post({ type: 'tokenizer/status', id: spec.id, status: 'failed', step: r.step, message: `The tokenizer failed: ${(e as Error).message}` });
  }
  if (r.deviceLost !== null)
    // The run ended with its last checkpoint kept by the page; the next work needs a device.
    await device.replace().catch((e: Error) =>
      post({
        type: 'error',
        message: `The GPU device was lost and a new one could not start (${e.message}). Reload the page; the tokenizer's checkpoint is kept.`,
      }),
    );
  else if (r.checkpoint && r.status !== 'failed') {
    ctx.tokenizers.set(spec.id, { bytes: r.checkpoint, entry: { id: spec.id, model: spec.model, step: r.step } });
    publishTokenizers(ctx);
  }
}
