// The worker's probe/* commands: an evaluation of an encoder (a run of this session, a kept or
// imported checkpoint, random init), run again from the start after a lost device; its stop.
import { isBuiltinDataset } from '../../data/shapes';
import { isActive, unreachable, type ProbeSpec } from '../../protocol/messages';
import { datasetFor } from '../datasets';
import { ProbeRun } from '../probeRun';
import type { CommandsOf, WorkerContext } from './context';

export async function handleProbe(msg: CommandsOf<'probe/'>, ctx: WorkerContext): Promise<void> {
  switch (msg.type) {
    case 'probe/start':
      return startProbe(msg.spec, ctx);
    case 'probe/stop':
      ctx.probe?.stop();
      return;
    default:
      return unreachable(msg);
  }
}

async function startProbe(s: ProbeSpec, ctx: WorkerContext): Promise<void> {
  const { post, device, encoders } = ctx;
  // Every refusal is the evaluation's failed status: the page never waits on one that did not start.
  const failed = (message: string) => post({ type: 'probe/status', id: s.id, status: 'failed', message, features: s.augment ? 'per-batch' : 'cached' });
  if (!device.info) return failed('The evaluation cannot start: the worker has no backend yet.');
  if (ctx.probe && isActive(ctx.probe.status)) return failed('The evaluation cannot start: another one is in progress; stop it first.');
  const enc = s.encoder.kind === 'run' ? encoders.get(s.encoder.runId) : undefined;
  if (s.encoder.kind === 'run' && !enc)
    return failed(`The evaluation cannot start: the checkpoint of ${s.encoder.runId} is not loaded in the worker; choose the encoder again.`);
  let ds;
  try {
    ds = isBuiltinDataset(s.dataset) ? undefined : await datasetFor(s.dataset, s.probe.seed, s.model.imgSize);
  } catch (e) {
    failed(`The evaluation cannot start: ${(e as Error).message}.`);
    return;
  }
  const attempt = () => {
    const p = new ProbeRun(s, enc?.bytes ?? null, post, ds);
    ctx.probe = p;
    return p.run().catch((e: unknown) => {
      p.status = 'failed';
      throw e;
    });
  };
  // After a lost device it runs again from the start (its cached features died with the device).
  const restart = () =>
    post({
      type: 'probe/status',
      id: s.id,
      status: 'starting',
      message: 'Running again from the start on a new GPU device.',
      features: s.augment ? 'per-batch' : 'cached',
    });
  try {
    await device.recovering('the evaluation', attempt, restart);
  } catch (e) {
    failed(`The evaluation failed: ${(e as Error).message}`);
  }
  return;
}
