// The image lab inside the worker: which model a request names (the current run's live weights,
// a checkpoint the worker holds, or a fresh init), the one loaded model it keeps between requests,
// and requests coalesced so only the latest image and mask are computed while one is in flight.
import { Cae } from '../model/cae';
import { readModelCheckpoint } from '../model/checkpoint';
import { modelFromCheckpoint } from '../model/weights';
import type { FromWorker, LabModel, LabView } from '../protocol/messages';
import { labView } from './labView';

export interface LabRequest {
  readonly id: number;
  readonly model: LabModel;
  readonly image: Float32Array;
  readonly mask: Uint8Array;
}

/** Where models come from: the run in progress (never disposed here) and the checkpoints the worker keeps. */
export interface LabSources {
  current(): { model: Cae; label: string } | null;
  checkpoint(runId: string): { bytes: Uint8Array; label: string } | undefined;
}

export class LabSession {
  /** The last model built for the lab; `bytes` tells a replaced checkpoint of the same id apart. */
  private cached: { key: string; bytes: Uint8Array | null; model: Cae } | null = null;
  private pending: LabRequest | null = null;
  private busy = false;

  constructor(private readonly sources: LabSources) {}

  private keep(key: string, bytes: Uint8Array | null, make: () => Cae): Cae {
    if (this.cached && this.cached.key === key && this.cached.bytes === bytes) return this.cached.model;
    const model = make(); // built first: a checkpoint that fails to load leaves the cached one in place
    this.cached?.model.dispose();
    this.cached = { key, bytes, model };
    return model;
  }

  /** The model a request names, and how the panels label it. */
  resolve(choice: LabModel): { model: Cae; label: string } {
    switch (choice.kind) {
      case 'current': {
        const cur = this.sources.current();
        if (!cur) throw new Error('there is no pretraining run in this session; choose a kept run, an imported checkpoint or random init');
        return cur;
      }
      case 'encoder': {
        const ck = this.sources.checkpoint(choice.runId);
        if (!ck) throw new Error(`the checkpoint of ${choice.runId} is not loaded in the worker; choose it again`);
        return { model: this.keep(`ckpt:${choice.runId}`, ck.bytes, () => modelFromCheckpoint(readModelCheckpoint(ck.bytes))), label: ck.label };
      }
      case 'random':
        return { model: this.keep(`random:${choice.seed}:${JSON.stringify(choice.model)}`, null, () => new Cae(choice.model, choice.seed)), label: `random init, seed ${choice.seed}` };
    }
  }

  /** One request's panels, now. */
  async view(req: LabRequest): Promise<LabView> {
    const { model, label } = this.resolve(req.model);
    return labView(model, req.image, req.mask, label);
  }

  /** Queues a request; while one is computed, newer ones replace the waiting one. */
  async submit(req: LabRequest, post: (msg: FromWorker, transfer?: Transferable[]) => void): Promise<void> {
    this.pending = req;
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.pending) {
        const r = this.pending;
        this.pending = null;
        try {
          const view = await this.view(r);
          const buffers = [view.original, view.masked, view.recon, view.composite, view.error, view.full].flatMap((a) => (a ? [a.buffer as ArrayBuffer] : []));
          post({ type: 'lab/view', id: r.id, view }, buffers);
        } catch (e) {
          post({ type: 'lab/failed', id: r.id, message: `The lab could not reconstruct: ${(e as Error).message}.` });
        }
      }
    } finally {
      this.busy = false;
    }
  }

  dispose(): void {
    this.cached?.model.dispose();
    this.cached = null;
  }
}
