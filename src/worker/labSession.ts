// The image lab inside the worker: which model a request names (the current run's live weights,
// a checkpoint the worker holds, or a fresh init), the one loaded model it keeps between requests,
// and requests coalesced so only the latest image and mask are computed while one is in flight.
import { Cae } from '../model/cae';
import { readModelCheckpoint } from '../model/checkpoint';
import { modelFromCheckpoint } from '../model/weights';
import type { FromWorker, LabModel, LabView } from '../protocol/messages';
import type { LabelledDataset } from '../data/shapes';
import type { EmbeddingRequest } from './featureMap';
import { patchEmbedding } from './featureMap';
import { labView } from './labView';
import type { Tokenizer } from '../model/tokenizer';
import { readTokenizer } from './tokenizerCheckpoint';
import { tokenLabView } from './tokenLab';

/** Models kept between requests: the lab's, the one compared with it, and one feature map's. */
const KEEP_MODELS = 3;

export interface LabRequest {
  readonly id: number;
  /** 0: the lab's model; 1: the model it is compared with (Figure 4 side by side). */
  readonly slot?: 0 | 1;
  readonly model: LabModel;
  readonly image: Float32Array;
  readonly mask: Uint8Array;
  /** A tokenizer the worker holds: the view gains its token panels. */
  readonly tokenizer?: string;
}

/** Where models come from: the run in progress (never disposed here) and the checkpoints the worker keeps. */
export interface LabSources {
  current(): { model: Cae; label: string } | null;
  checkpoint(runId: string): { bytes: Uint8Array; label: string } | undefined;
  /** A tokenizer the worker holds (issue 24). */
  tokenizer?(id: string): { bytes: Uint8Array; label: string } | undefined;
  /** Runs one request's work, running it again where a lost GPU device broke it (the worker's Device); none: as is. */
  guard?<T>(work: () => Promise<T>): Promise<T>;
}

export class LabSession {
  /** The models last built for the lab, most recent last; `bytes` tells a replaced checkpoint of the same id apart. */
  private cached: { key: string; bytes: Uint8Array | null; model: Cae }[] = [];
  private pending = new Map<number, LabRequest>();
  private busy = false;
  private embedStop = new Set<number>();
  /** The tokenizer last built for the token panels; `bytes` tells a replaced one of the same id apart. */
  private tokenizer: { id: string; bytes: Uint8Array; model: Tokenizer } | null = null;

  constructor(private readonly sources: LabSources) {}

  private guarded<T>(work: () => Promise<T>): Promise<T> {
    return this.sources.guard ? this.sources.guard(work) : work();
  }

  /** Drops the kept models without disposing them: they lived on a device that is gone. */
  forget(): void {
    this.cached = [];
    this.tokenizer = null;
  }

  /** The named tokenizer, built once from the bytes the worker holds. */
  private tokenizerModel(id: string): { model: Tokenizer; label: string } {
    const held = this.sources.tokenizer?.(id);
    if (!held) throw new Error(`the tokenizer ${id} is not loaded`);
    if (this.tokenizer?.id !== id || this.tokenizer.bytes !== held.bytes) {
      const model = readTokenizer(held.bytes).tokenizer;
      this.tokenizer?.model.dispose();
      this.tokenizer = { id, bytes: held.bytes, model };
    }
    return { model: this.tokenizer.model, label: held.label };
  }

  private keep(key: string, bytes: Uint8Array | null, make: () => Cae): Cae {
    const hit = this.cached.find((c) => c.key === key);
    if (hit && hit.bytes === bytes) {
      this.cached = [...this.cached.filter((c) => c !== hit), hit];
      return hit.model;
    }
    const model = make(); // built first: a checkpoint that fails to load leaves the cached ones in place
    if (hit) hit.model.dispose();
    this.cached = [...this.cached.filter((c) => c !== hit), { key, bytes, model }];
    while (this.cached.length > KEEP_MODELS) this.cached.shift()!.model.dispose();
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
        return {
          model: this.keep(`random:${choice.seed}:${JSON.stringify(choice.model)}`, null, () => new Cae(choice.model, choice.seed)),
          label: `random init, seed ${choice.seed}`,
        };
    }
  }

  /** One request's panels, now. */
  async view(req: LabRequest): Promise<LabView> {
    const { model, label } = this.resolve(req.model);
    const view = await labView(model, req.image, req.mask, label);
    if (!req.tokenizer) return view;
    const t = this.tokenizerModel(req.tokenizer);
    return { ...view, tokens: await tokenLabView(t.model, t.label, model, req.image, req.mask) };
  }

  /** Queues a request; while one is computed, newer ones for the same slot replace the waiting one. */
  async submit(req: LabRequest, post: (msg: FromWorker, transfer?: Transferable[]) => void): Promise<void> {
    this.pending.set(req.slot ?? 0, req);
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.pending.size) {
        const [slot, r] = this.pending.entries().next().value as [number, LabRequest];
        this.pending.delete(slot);
        try {
          const view = await this.guarded(() => this.view(r));
          const t = view.tokens;
          const buffers = [
            view.original,
            view.masked,
            view.recon,
            view.composite,
            view.error,
            view.full,
            view.features,
            t?.tokenMap,
            t?.decoded,
            t?.predicted,
          ].flatMap((a) => (a ? [a.buffer as ArrayBuffer] : []));
          post({ type: 'lab/view', id: r.id, view }, buffers);
        } catch (e) {
          post({ type: 'lab/failed', id: r.id, message: `The lab could not reconstruct: ${(e as Error).message}.` });
        }
      }
    } finally {
      this.busy = false;
    }
  }

  /** A 2-D map of a dataset's validation patches under the named model, with progress; stoppable by id. */
  async embed(
    id: number,
    choice: LabModel,
    ds: LabelledDataset,
    r: EmbeddingRequest,
    post: (msg: FromWorker, transfer?: Transferable[]) => void,
  ): Promise<void> {
    this.embedStop.delete(id);
    try {
      const view = await this.guarded(() => {
        const { model, label } = this.resolve(choice);
        return patchEmbedding(model, ds, r, label, async (text, share) => {
          post({ type: 'lab/embed-progress', id, text, share });
          await new Promise((res) => setTimeout(res, 0)); // let a stop, a pause or a lab request in
          return this.embedStop.has(id);
        });
      });
      if (this.embedStop.has(id)) return post({ type: 'lab/embed-failed', id, message: 'The feature map was stopped.' });
      post({ type: 'lab/embedding', id, view }, [view.points.buffer as ArrayBuffer, view.labels.buffer as ArrayBuffer, view.patches.buffer as ArrayBuffer]);
    } catch (e) {
      const stopped = this.embedStop.has(id);
      post({ type: 'lab/embed-failed', id, message: stopped ? 'The feature map was stopped.' : `The feature map could not be made: ${(e as Error).message}.` });
    } finally {
      this.embedStop.delete(id);
    }
  }

  stopEmbed(id: number): void {
    this.embedStop.add(id);
  }

  dispose(): void {
    for (const c of this.cached) c.model.dispose();
    this.cached = [];
  }
}
