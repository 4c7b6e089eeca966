// The image lab's slice of the store: the decoded image and its crop, the chosen model, the mask
// and its settings, and the worker's latest panels. Plain data only.
import type { SquareCrop } from '../data/crop';
import type { EmbeddingView, LabView } from '../protocol/messages';
import type { LabMaskKind } from './labMask';

export interface LabImage {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** Decoded pixels, RGBA width×height, at most DECODE_SIDE on the long side. */
  readonly rgba: Uint8ClampedArray;
  /** What decoding changed (first frame, 16 → 8 bits, transparency), for the user. */
  readonly notes: readonly string[];
}

export interface LabState {
  readonly image: LabImage | null;
  readonly crop: SquareCrop | null;
  /** 'random' (the form's preset, freshly initialized), 'current' (the run in progress) or a run id. */
  readonly model: string;
  /** Whether the user chose the model; until then it follows the newest run (followDefaults.ts). */
  readonly modelPicked: boolean;
  readonly maskKind: LabMaskKind;
  /** Fraction of patches the generated masks hide. */
  readonly ratio: number;
  /** Seed of the generated masks, shown so a mask can be had again. */
  readonly seed: number;
  /** Patches per side of `mask`: the chosen model's grid. */
  readonly grid: number;
  /** [grid²], 1 = masked. */
  readonly mask: Uint8Array;
  readonly view: LabView | null;
  /** The latest request sent; older answers are dropped. */
  readonly requestId: number;
  readonly busy: boolean;
  /** The file being opened, until the worker answers. */
  readonly opening: string | null;
  /** Why the last file was refused, with what to do; the previous image stays. */
  readonly refusal: string | null;
  /** Why the last reconstruction failed. */
  readonly failure: string | null;
  /** A second model shown beside the first on the same image and mask (paper Figure 4 side by side); '' for none. */
  readonly compareModel: string;
  readonly compareView: LabView | null;
  readonly compareRequestId: number;
  readonly compareFailure: string | null;
  /** The patch-feature maps, left (the lab's model) and right (the compared one). */
  readonly maps: readonly [FeatureMapState, FeatureMapState];
  /** The tokenizer whose token panels are shown ('' for none); a token-target model shows its own. */
  readonly tokenizer: string;
  /** Why the token panels could not be shown (the tokenizer could not be loaded). */
  readonly tokenizerFailure: string | null;
}

export interface FeatureMapState {
  /** The request in flight or answered; older answers are dropped. */
  readonly id: number;
  readonly busy: boolean;
  readonly progress: string | null;
  /** The share of the map done, 0 to 1 (features, then the map's epochs). */
  readonly share: number;
  /** When the request was sent (ms since the epoch): its time left is measured from it. */
  readonly startedAt: number;
  readonly view: EmbeddingView | null;
  readonly failure: string | null;
}

export const emptyMap = (): FeatureMapState => ({ id: 0, busy: false, progress: null, share: 0, startedAt: 0, view: null, failure: null });

export const initialLab = (): LabState => ({
  image: null,
  crop: null,
  model: 'random',
  modelPicked: false,
  maskKind: 'block',
  ratio: 0.5,
  seed: 0,
  grid: 0, // set from the chosen model before the first request
  mask: new Uint8Array(0),
  view: null,
  requestId: 0,
  busy: false,
  opening: null,
  refusal: null,
  failure: null,
  compareModel: '',
  compareView: null,
  compareRequestId: 0,
  compareFailure: null,
  maps: [emptyMap(), emptyMap()],
  tokenizer: '',
  tokenizerFailure: null,
});
