// The worker's lab/* commands: an image decoded, a reconstruction of it by a model, feature maps.
import type { LabelledDataset } from '../../data/shapes';
import { unreachable } from '../../protocol/messages';
import { datasetFor } from '../datasets';
import { decodeLabImage } from '../labDecode';
import { backendOf, type CommandsOf, type WorkerContext } from './context';

export async function handleLab(msg: CommandsOf<'lab/'>, ctx: WorkerContext): Promise<void> {
  const { post } = ctx;
  switch (msg.type) {
    case 'lab/decode': {
      const d = await decodeLabImage(msg.name, msg.source).catch((e: Error) => ({
        ok: false as const,
        message: `${msg.name} could not be opened: ${e.message}. Try another image.`,
      }));
      if (d.ok) post({ type: 'lab/image', name: msg.name, width: d.width, height: d.height, rgba: d.rgba, notes: d.notes }, [d.rgba.buffer as ArrayBuffer]);
      else post({ type: 'lab/refused', name: msg.name, message: d.message });
      return;
    }
    case 'lab/reconstruct':
      backendOf(ctx);
      return ctx.lab.submit(msg, post);
    case 'lab/embed': {
      backendOf(ctx);
      let ds: LabelledDataset;
      try {
        ds = await datasetFor(msg.dataset, msg.seed, ctx.lab.resolve(msg.model).model.config.imgSize);
      } catch (e) {
        return post({ type: 'lab/embed-failed', id: msg.id, message: `The feature map could not be made: ${(e as Error).message}.` });
      }
      return ctx.lab.embed(msg.id, msg.model, ds, { images: msg.images, maxPoints: msg.maxPoints, seed: msg.seed }, post);
    }
    case 'lab/embed-stop':
      ctx.lab.stopEmbed(msg.id);
      return;
    default:
      return unreachable(msg);
  }
}
