// The worker's data/* and dataset/* commands: an import, its cancel, a dataset forgotten, a preview
// of an embedded dataset.
import { toRgba } from '../../data/patches';
import { builtinDataset } from '../../data/shapes';
import { unreachable } from '../../protocol/messages';
import { cancelImport, forgetDataset, runImport } from '../datasets';
import type { CommandsOf, WorkerContext } from './context';

export async function handleData(msg: CommandsOf<'data/'> | CommandsOf<'dataset/'>, { post }: WorkerContext): Promise<void> {
  switch (msg.type) {
    case 'dataset/preview': {
      const ds = builtinDataset(msg.dataset, msg.seed, msg.imgSize);
      const S = msg.imgSize;
      const images = new Uint8ClampedArray(msg.count * S * S * 4);
      const labels: number[] = [];
      for (let i = 0; i < msg.count; i++) {
        const s = ds.sample('val', i);
        images.set(toRgba(s.image, S), i * S * S * 4);
        labels.push(s.label);
      }
      post({ type: 'dataset/preview', size: S, count: msg.count, images, labels, classes: ds.classes }, [images.buffer]);
      return;
    }
    case 'data/import':
      return runImport(msg, post);
    case 'data/cancel':
      cancelImport(msg.id);
      return;
    case 'data/forget':
      forgetDataset(msg.id);
      return;
    default:
      return unreachable(msg);
  }
}
