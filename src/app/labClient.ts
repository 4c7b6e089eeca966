// The image lab's side of the worker client: opening files (SVG drawn on the page, everything else
// decoded in the worker), the chosen model's config and grid, masks kept on that grid, and
// reconstruction requests, debounced so a drag of the crop or a paint stroke sends only the latest.
import { cropToSquare } from '../data/crop';
import { looksLikeSvg } from '../data/imageHeader';
import { DECODE_SIDE } from '../data/imagePolicy';
import type { CaeConfig } from '../model/config';
import type { LabModel } from '../protocol/messages';
import { mapId, mapsWaiting } from './featureMaps';
import { generateMask } from './labMask';
import type { LabState } from './labState';
import { rasterizeSvg } from './rasterizeSvg';
import { useStore } from './store';
import { loadKeptTokenizer } from './tokenizerClient';
import { tokenizerChoices, tokenizerMismatch } from './tokenizers';
import { loadKeptEncoder, send } from './workerClient';

/** Files larger than this are not read at all: no image the lab opens needs that many bytes. */
const MAX_FILE_BYTES = 256 * 2 ** 20;
const DEBOUNCE_MS = 40;

const lab = () => useStore.getState().lab;
const edit = (patch: Partial<LabState>) => useStore.getState().editLab(patch);

/** Whether the current run's live model can be chosen. */
export const hasCurrentRun = (): boolean => useStore.getState().run !== null && useStore.getState().workerCrash === null;

/** The config of the chosen model, or null when the choice is not available. */
export function labModelConfig(choice = lab().model): CaeConfig | null {
  const s = useStore.getState();
  if (choice === 'random') return s.form.model;
  if (choice === 'current') return s.run?.spec.model ?? null;
  return s.encoders.find((e) => e.runId === choice)?.model ?? s.runs.find((r) => r.spec.id === choice)?.spec.model ?? null;
}

/** The tokenizer of the lab's token panels: a token-target run's own, else the one chosen in the lab ('' for none). */
export function labTokenizer(choice = lab().model): string {
  const s = useStore.getState();
  const spec = choice === 'current' ? s.run?.spec : s.runs.find((r) => r.spec.id === choice)?.spec;
  return spec?.tokenizer?.id ?? lab().tokenizer;
}

/** Chooses the tokenizer of the token panels ('' for none). */
export function chooseLabTokenizer(id: string): void {
  edit({ tokenizer: id, tokenizerFailure: null });
  requestLabView();
}

export function workerModel(choice: string): LabModel {
  const s = useStore.getState();
  if (choice === 'random') return { kind: 'random', model: s.form.model, seed: s.form.train.seed };
  if (choice === 'current') return { kind: 'current' };
  return { kind: 'encoder', runId: choice };
}

/** Opens a file the user chose, dropped or pasted. The previous image stays until a new one decodes. */
export async function openLabFile(file: File): Promise<void> {
  if (file.size > MAX_FILE_BYTES) {
    edit({
      refusal: `${file.name} is ${(file.size / 2 ** 20).toFixed(0)} MB, more than the lab reads (${MAX_FILE_BYTES / 2 ** 20} MB). Choose a smaller image.`,
    });
    return;
  }
  edit({ opening: file.name, refusal: null });
  let bytes: ArrayBuffer;
  try {
    bytes = await file.arrayBuffer();
  } catch (e) {
    edit({ opening: null, refusal: `${file.name} could not be read (${(e as Error).message}). Choose the file again.` });
    return;
  }
  if (looksLikeSvg(new Uint8Array(bytes, 0, Math.min(4096, bytes.byteLength)), file.type)) {
    // Workers cannot draw SVG; the page rasterizes it (no scripts or external resources run in an <img>).
    try {
      const { width, height, rgba } = await rasterizeSvg(bytes, DECODE_SIDE);
      send({ type: 'lab/decode', name: file.name, source: { kind: 'rgba', width, height, rgba } }, [rgba.buffer]);
    } catch (e) {
      edit({
        opening: null,
        refusal: `${file.name} is an SVG image that could not be drawn (${(e as Error).message}); it may not be valid SVG. Fix or export it again, or choose another image.`,
      });
    }
    return;
  }
  send({ type: 'lab/decode', name: file.name, source: { kind: 'file', bytes, mime: file.type } }, [bytes]);
}

/** The user chooses the model (from then on it no longer follows the newest run); a kept run's checkpoint goes to the worker first. */
export async function chooseLabModel(choice: string): Promise<void> {
  edit({ model: choice, modelPicked: true });
  const refused = choice !== 'random' && choice !== 'current' ? await loadKeptEncoder(choice) : null;
  if (refused) edit({ busy: false, failure: `The lab cannot use that model: ${refused}. Choose another one.` });
  syncLabMask();
}

/** Keeps the mask on the chosen model's grid: regenerated from its settings, or a fresh painting. */
export function syncLabMask(): void {
  const c = labModelConfig();
  if (!c) return;
  const g = c.imgSize / c.patchSize;
  const l = lab();
  if (l.maskKind === 'paint') {
    if (g !== l.grid) edit({ grid: g, mask: new Uint8Array(g * g) });
    return;
  }
  try {
    const mask = generateMask(l.maskKind, g, l.ratio, l.seed, c.maskMinPatches);
    // An unchanged mask keeps its identity, so nothing is recomputed for it.
    if (g !== l.grid || mask.some((v, i) => v !== l.mask[i])) edit({ grid: g, mask, failure: null });
  } catch (e) {
    edit({ failure: `No mask with these settings: ${(e as Error).message}. Change the ratio or the seed.` });
  }
}

/** The chosen crop at the model's size, [3, S, S] in [0, 1], or null before an image is open. */
export function labInput(S: number): Float32Array | null {
  const { image, crop } = lab();
  if (!image || !crop) return null;
  return cropToSquare(image.rgba, image.width, image.height, crop, S);
}

let timer: ReturnType<typeof setTimeout> | null = null;

/** Asks the worker for the panels of the current image, crop, mask and model (debounced). */
export function requestLabView(): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(async () => {
    timer = null;
    // A model the lab followed by itself (the newest kept run) may not be in the worker yet.
    const chosen = lab().model;
    const refused = chosen !== 'random' && chosen !== 'current' ? await loadKeptEncoder(chosen) : null;
    if (refused) {
      edit({ busy: false, failure: `The lab cannot use that model: ${refused}. Choose another one.` });
      return;
    }
    const l = lab();
    const c = labModelConfig();
    if (!c) {
      edit({ busy: false, failure: 'That model is not available any more; choose another one.' });
      return;
    }
    const image = labInput(c.imgSize);
    if (!image || l.mask.length !== (c.imgSize / c.patchSize) ** 2) return;
    // The token panels' tokenizer (issue 24) goes to the worker first; its refusal shows in their place.
    const tokenizer = labTokenizer();
    const st = useStore.getState();
    const entry = tokenizerChoices(st.tokenizers, st.heldTokenizers).find((t) => t.id === tokenizer);
    const misfit = tokenizer ? (entry ? tokenizerMismatch(entry.id, entry.model, c) : `the tokenizer ${tokenizer} is not kept in this browser`) : null;
    const tokenizerRefused = misfit ?? (tokenizer ? await loadKeptTokenizer(tokenizer) : null);
    edit({ tokenizerFailure: tokenizerRefused && `The token panels cannot be shown: ${tokenizerRefused}.` });
    const id = Math.max(l.requestId, l.compareRequestId) + 1;
    const cc = l.compareModel ? labModelConfig(l.compareModel) : null;
    const sameGrid = cc !== null && cc.imgSize === c.imgSize && cc.patchSize === c.patchSize;
    const compareFailure = !l.compareModel
      ? null
      : !cc
        ? 'The compared model is not available any more; choose another one.'
        : sameGrid
          ? null
          : `The compared model sees ${cc.imgSize} px in ${cc.patchSize}-px patches, the lab's model ${c.imgSize} px in ${c.patchSize}-px patches: the same mask cannot apply to both. Choose a model of the same preset.`;
    edit({ requestId: id, busy: true, compareRequestId: sameGrid ? id + 1 : l.compareRequestId, compareFailure, compareView: sameGrid ? l.compareView : null });
    if (sameGrid) send({ type: 'lab/reconstruct', id: id + 1, slot: 1, model: workerModel(l.compareModel), image: image.slice(), mask: l.mask.slice() });
    const withTokens = tokenizer && !tokenizerRefused ? { tokenizer } : {};
    send({ type: 'lab/reconstruct', id, slot: 0, model: workerModel(l.model), image, mask: l.mask.slice(), ...withTokens }, [image.buffer]);
  }, DEBOUNCE_MS);
}

/** Chooses the model shown beside the lab's ('' for none); a kept run's checkpoint goes to the worker first. */
export async function chooseCompareModel(choice: string): Promise<void> {
  edit({ compareModel: choice, compareView: null, compareFailure: null });
  const refused = choice && choice !== 'random' && choice !== 'current' ? await loadKeptEncoder(choice) : null;
  if (refused) edit({ compareFailure: `The compared model cannot be used: ${refused}. Choose another one.` });
  requestLabView();
}

/** Patches mapped per side: enough to see clusters, few enough that the map takes seconds, not minutes. */
export const MAP_POINTS = 1500;
let mapSeq = 0;

/** The seed a model's dataset was generated with: its run's, else the form's. */
function dataSeed(choice: string): number {
  const s = useStore.getState();
  const run = choice === 'current' ? s.run?.spec : s.runs.find((r) => r.spec.id === choice)?.spec;
  return run?.train.seed ?? s.form.train.seed;
}

/** Maps `images` validation images' patches of `dataset` under the side's model (left: the lab's, right: the compared one). */
export async function requestFeatureMap(side: 0 | 1, dataset: string, images: number): Promise<void> {
  const l = lab();
  const choice = side === 0 ? l.model : l.compareModel;
  if (!choice) return;
  const refused = choice !== 'random' && choice !== 'current' ? await loadKeptEncoder(choice) : null;
  const id = mapId(side, ++mapSeq);
  edit({ maps: mapsWaiting(lab().maps, side, id) });
  if (refused) return useStore.getState().receive({ type: 'lab/embed-failed', id, message: `The feature map cannot be made: ${refused}.` });
  send({ type: 'lab/embed', id, model: workerModel(choice), dataset, images, maxPoints: MAP_POINTS, seed: dataSeed(choice) });
}

export function stopFeatureMap(side: 0 | 1): void {
  send({ type: 'lab/embed-stop', id: lab().maps[side].id });
}
