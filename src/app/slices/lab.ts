// The store's lab slice: the image lab's state (labState.ts), fed by the worker's lab/* messages.
import { centreCrop } from '../../data/crop';
import { unreachable } from '../../protocol/messages';
import { mapsAfter } from '../featureMaps';
import { initialLab, type LabState } from '../labState';
import type { GetState, MessagesOf, SetState } from './types';

export interface LabSlice {
  lab: LabState;
  editLab(patch: Partial<LabState>): void;
}

export const labSlice = (set: SetState, get: GetState): LabSlice => ({
  lab: initialLab(),
  editLab(patch) {
    set({ lab: { ...get().lab, ...patch } });
  },
});

/** The lab's messages: an opened image, a view or its failure (matched to the request it answers), feature maps. */
export function receiveLab(msg: MessagesOf<'lab/'>, _set: SetState, get: GetState): void {
  const { editLab, lab } = get();
  switch (msg.type) {
    case 'lab/image': {
      const image = { name: msg.name, width: msg.width, height: msg.height, rgba: msg.rgba, notes: msg.notes };
      editLab({ image, crop: centreCrop(msg.width, msg.height), opening: null, refusal: null });
      return;
    }
    case 'lab/refused':
      editLab({ opening: null, refusal: msg.message });
      return;
    case 'lab/view':
      if (msg.id === lab.requestId) editLab({ view: msg.view, busy: false, failure: null });
      else if (msg.id === lab.compareRequestId) editLab({ compareView: msg.view, compareFailure: null });
      return;
    case 'lab/failed':
      if (msg.id === lab.requestId) editLab({ busy: false, failure: msg.message });
      else if (msg.id === lab.compareRequestId) editLab({ compareView: null, compareFailure: msg.message });
      return;
    case 'lab/embed-progress':
    case 'lab/embedding':
    case 'lab/embed-failed':
      editLab({ maps: mapsAfter(lab.maps, msg) });
      return;
    default:
      return unreachable(msg);
  }
}
