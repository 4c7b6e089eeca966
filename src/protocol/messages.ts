// The typed messages between the page and the training worker: one file, imported by both sides.
// Large arrays travel as transferables; the worker throttles what it streams.
import type { FolderOptions } from '../data/datasetImport';
import type { DatasetMeta } from '../data/stored';
import type { CaeConfig } from '../model/config';
import type { TrainConfig } from '../train/config';
import type { ProbeTrainConfig } from '../train/probeTrainer';
import type { Accuracy } from '../train/accuracy';
import type { BuiltinDatasetId } from '../data/shapes';
import type { StepProfile } from '../kernels/profile';
import type { EvalSettings } from '../train/evalDefaults';
import type { EngineOptions } from '../train/engine';
import type { TokenizerView, ReconView, AttentionView, LabView, EmbeddingView } from './views';

// Defined beside the code that makes them (the lower layers know nothing of the protocol).
export type { StepProfile } from '../kernels/profile';
export type { EvalId, EvalSettings } from '../train/evalDefaults';
// The views' pixel and point payloads, kept in their own file.
export type { TokenizerView, ReconView, AttentionView, LabView, TokenLabView, EmbeddingView } from './views';

export type BackendKind = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface BackendInfo {
  readonly kind: BackendKind;
  /** What the header shows, e.g. "WebGPU · nvidia" or "WebGL fallback: slower, for trying things only". */
  readonly label: string;
  /** The adapter as the browser describes it (vendor, architecture), or the fallback's renderer. */
  readonly adapter: string;
  /** Why a faster backend was not used; null on WebGPU. */
  readonly fallbackReason: string | null;
  /** WebGPU on an adapter the browser marks as a fallback (software, CPU-emulated); absent where it does not say. */
  readonly software?: boolean;
}

/** The engine of a run's steps: every op through TF.js, or the traced step replayed (issue 14). */
export type EngineName = 'tfjs' | 'replay';

/** 'interrupted': the worker running it died (killed, crashed, out of memory); it resumes from its last checkpoint. */
/**
 * What a running pretraining run is doing: building its model, data and first checkpoint; compiling
 * shaders and tracing the step (the first steps on a fresh engine, ~20 s on SwiftShader, with no
 * speed to show); or training at its steady speed.
 */
export type RunPhase = 'preparing' | 'compiling' | 'training';

export type RunStatus = 'starting' | 'running' | 'paused' | 'stopped' | 'done' | 'diverged' | 'failed' | 'interrupted';

/**
 * Whether a run (pretraining or evaluation) is under way: it holds the worker, may not be deleted,
 * and a second one may not start. The one definition the page and the worker share; an evaluation
 * is never 'paused', so the same list serves both.
 */
export function isActive(status: RunStatus): boolean {
  return status === 'starting' || status === 'running' || status === 'paused';
}

export interface RunSpec {
  readonly id: string;
  readonly presetId: string;
  readonly model: CaeConfig;
  readonly train: TrainConfig;
  /** An embedded dataset ('shapes-easy', 'shapes': generated from the seed) or the id of a dataset imported into this browser. */
  readonly dataset: string;
  /** Steps between checkpoints (also taken on pause and at the end). */
  readonly checkpointEvery: number;
  readonly createdAt: number;
  /** Token targets only: the tokenizer whose codes are the targets (absent for pixel targets). */
  readonly tokenizer?: TokenizerRef;
}

/**
 * A d-VAE tokenizer run (issue 24, DALL-E's discrete VAE at the notebook's scale): trained on a
 * dataset of the notebook, its codes then serve as a pretraining run's token targets. Its grid is
 * one cell per ViT patch, so it fits a preset with the same image size and patch size.
 */
export interface TokenizerSpec {
  readonly id: string;
  /** The preset whose patch grid it is built for (one code per patch). */
  readonly presetId: string;
  readonly model: TokenizerModel;
  /** Optimizer steps (the temperature and KL-weight schedules end here). */
  readonly totalSteps: number;
  readonly batchSize: number;
  /** Learning rate at 64 images (scaled by batch / 64) and the KL weight β; absent in records made before they were fields: the recipe's defaults. */
  readonly baseLr?: number;
  readonly klWeight?: number;
  /** Seeds the init, the data order, the augmentation and the Gumbel noise. */
  readonly seed: number;
  /** An embedded dataset's id or an imported dataset's id. */
  readonly dataset: string;
  readonly checkpointEvery: number;
  readonly createdAt: number;
}

/** The d-VAE's architecture (the same fields as src/model/dvaeConfig.ts's DvaeConfig). */
export interface TokenizerModel {
  /** Input side in pixels. */
  readonly imgSize: number;
  /** Pixels per code along each side: the preset's patch size, so code i is patch i. */
  readonly downsample: number;
  /** K, the codebook size (the official vocabulary: 8192). */
  readonly vocabSize: number;
  /** Width of the first conv group. */
  readonly hiddenDim: number;
  /** Residual blocks per group. */
  readonly blocksPerGroup: number;
  /** "dalle-encoder" for DALL-E's encoder converted by pytorch/convert_dalle.py (codes only, no decoder); absent for the notebook's d-VAE. */
  readonly kind?: 'dalle-encoder';
}

/** One tokenizer step's numbers. */
export interface TokenizerPoint {
  readonly step: number;
  /** The ELBO's reconstruction term plus the weighted KL term. */
  readonly total: number;
  readonly reconstruction: number;
  readonly kl: number;
  readonly klWeight: number;
  readonly temperature: number;
  /** exp(entropy) of the codes used over the recent window: K when every code is used equally. */
  readonly perplexity: number;
  /** Codes never chosen (argmax) over the recent window. */
  readonly deadCodes: number;
}

/** A tokenizer the worker holds (trained in this session, or sent from a kept record or a file). */
export interface TokenizerEntry {
  readonly id: string;
  readonly model: TokenizerModel;
  readonly step: number;
}

/** Which tokenizer a token-target run predicts the codes of (kept in the run's spec: runs, compare and sweeps show it). */
export interface TokenizerRef {
  readonly id: string;
  readonly model: TokenizerModel;
  /** The tokenizer's step when the run started. */
  readonly step: number;
}

/** One optimizer step's numbers. */
export interface StepPoint {
  readonly step: number;
  readonly total: number;
  readonly reconstruction: number;
  readonly alignment: number | null;
  readonly lr: number;
  readonly gradNorm: number;
}

/** A pretrained encoder the worker holds (the final state of a pretraining run of this session). */
export interface EncoderEntry {
  /** The run's id, or `imported:<file name>` for an imported checkpoint. */
  readonly runId: string;
  readonly presetId: string;
  readonly step: number;
  readonly model: CaeConfig;
}

/** What a result is: kNN is reported on CLS and on mean-pooled patches. */
export type ResultId = 'lin' | 'att' | 'knn-cls' | 'knn-mean' | 'ft';

/** One encoder's results: mean ± sd over seeds with the binomial standard error. */
export interface EvalRow {
  /** 'probed' for the chosen encoder, 'baseline' for the random-init encoder beside it. */
  readonly role: 'probed' | 'baseline';
  readonly results: Partial<Record<ResultId, Accuracy>>;
}

export interface ProbeSpec {
  readonly id: string;
  /** A pretraining run's final encoder, or a randomly initialized one of the same preset (the baseline). */
  readonly encoder: { readonly kind: 'run'; readonly runId: string } | { readonly kind: 'random' };
  readonly presetId: string;
  readonly model: CaeConfig;
  /** An embedded dataset's id or the id of an imported labelled dataset. */
  readonly dataset: string;
  readonly probe: ProbeTrainConfig;
  readonly epochs: number;
  readonly trainImages: number;
  /** Images of the split the results are read on (the test split, or the validation split carved from the training images). */
  readonly valImages: number;
  /**
   * Where results are read: 'test', the dataset's held-out split, which no choice of the notebook's
   * defaults has seen; or 'val', a validation split carved from the training images (trainImages
   * for training and valImages more held out), for choosing settings. Absent on specs kept before: test.
   */
  readonly split?: 'test' | 'val';
  /** Augment probe inputs (features then computed per batch) or not (features cached once). */
  readonly augment: boolean;
  readonly evaluation: EvalSettings;
  readonly createdAt: number;
}

/** One epoch of the fine-tuning curve (first seed, probed encoder). */
export interface FineTuneEpoch {
  readonly epoch: number;
  readonly loss: number;
  /** Validation top-1, in [0, 1]. */
  readonly acc: number;
}

/** One epoch of the probes' curves; null for a probe not trained by SGD that epoch (converged, or LIN fitted by logistic regression). */
export interface ProbeEpoch {
  readonly epoch: number;
  readonly linearLoss: number | null;
  readonly attentiveLoss: number | null;
  /** Test top-1, in [0, 1] (shown only: no choice reads it). */
  readonly linearAcc: number | null;
  readonly attentiveAcc: number | null;
}

/** The model the image lab runs: the current run's live weights, a checkpoint the worker holds, or a fresh init. */
export type LabModel =
  | { readonly kind: 'current' }
  | { readonly kind: 'encoder'; readonly runId: string }
  | { readonly kind: 'random'; readonly model: CaeConfig; readonly seed: number };

/** An image for the lab: a file's bytes for the worker to decode, or pixels the page drew (SVG). */
export type LabSource =
  | { readonly kind: 'file'; readonly bytes: ArrayBuffer; readonly mime: string }
  | { readonly kind: 'rgba'; readonly width: number; readonly height: number; readonly rgba: Uint8ClampedArray };

/** What the page asks of the worker: its own commands, and in a test build the fault hooks (DebugToWorker). */
export type ToWorker = AppToWorker | DebugToWorker;

/** The page's commands, which every build handles. */
export type AppToWorker =
  /** `lifeLock`: a Web Lock the worker holds for as long as it lives, so the page sees it die however it dies. */
  | { readonly type: 'init'; readonly forceBackend?: BackendKind; readonly lifeLock?: string }
  /** `engine`: the replay and kernel choices (src/train/engine.ts); the app's default where left out. */
  | { readonly type: 'pretrain/start'; readonly run: RunSpec; readonly engine?: EngineOptions }
  /** Continue a saved run from its checkpoint (after a reload or a crash). */
  | { readonly type: 'pretrain/continue'; readonly run: RunSpec; readonly checkpoint: Blob }
  /**
   * A checkpoint to check and offer as an encoder: a file the user chose, or a kept run's
   * checkpoint (then `runId` names it and the encoder keeps the run's id).
   */
  | { readonly type: 'checkpoint/import'; readonly name: string; readonly bytes: Blob; readonly runId?: string; readonly presetId?: string }
  | { readonly type: 'pretrain/pause' }
  /** Profile the current run's next step, kernel by kernel. */
  | { readonly type: 'pretrain/profile' }
  | { readonly type: 'pretrain/resume' }
  | { readonly type: 'pretrain/stop' }
  | { readonly type: 'probe/start'; readonly spec: ProbeSpec }
  | { readonly type: 'probe/stop' }
  | { readonly type: 'dataset/preview'; readonly dataset: BuiltinDatasetId; readonly imgSize: number; readonly count: number; readonly seed: number }
  /**
   * Decode and keep a dataset the user chose: an image folder's files (paths relative to what was
   * picked or dropped), one .zip of such a folder, CIFAR-10 binary files, or IDX files (the MNIST family).
   */
  | {
      readonly type: 'data/import';
      readonly id: string;
      readonly name: string;
      readonly kind: 'folder' | 'zip' | 'cifar10' | 'idx';
      readonly files: readonly ImportFile[];
      readonly options: FolderOptions;
    }
  | { readonly type: 'data/cancel'; readonly id: string }
  /** The page deleted a dataset: the worker drops its cached chunks. */
  | { readonly type: 'data/forget'; readonly id: string }
  /** Decode an image for the lab (refusals come back as `lab/refused`). */
  | { readonly type: 'lab/decode'; readonly name: string; readonly source: LabSource }
  /**
   * The lab's panels for an image [3, S, S] in [0, 1] and a mask [g²] (1 = masked); per slot (0: the
   * lab's model, 1: the model it is compared with) only the latest request is answered.
   */
  | {
      readonly type: 'lab/reconstruct';
      readonly id: number;
      readonly slot?: 0 | 1;
      readonly model: LabModel;
      readonly image: Float32Array;
      readonly mask: Uint8Array;
      /** A tokenizer the worker holds: adds the token panels (issue 24). */
      readonly tokenizer?: string;
    }
  /** Map `images` validation images' patches of a dataset to 2-D under a model (at most `maxPoints` patches). */
  | {
      readonly type: 'lab/embed';
      readonly id: number;
      readonly model: LabModel;
      readonly dataset: string;
      readonly images: number;
      readonly maxPoints: number;
      readonly seed: number;
    }
  | { readonly type: 'lab/embed-stop'; readonly id: number }
  /** Train a tokenizer from scratch, or continue a kept one from its checkpoint. */
  | { readonly type: 'tokenizer/start'; readonly spec: TokenizerSpec; readonly checkpoint?: Blob }
  | { readonly type: 'tokenizer/stop' }
  /**
   * A tokenizer's safetensors to check and hold (a kept record's before a token run or the lab uses
   * it, or a file the user chose): `id` names it; refusals come back as `tokenizer/refused`.
   */
  | { readonly type: 'tokenizer/load'; readonly id: string; readonly name: string; readonly bytes: Blob };

/**
 * The fault hooks of a test build (CAE_TEST_HOOKS=1): the page sends them only from its test hook,
 * and the worker handles them only in that build (in production they are compiled out of both, and
 * the production bundle is checked for their names: src/app/bundle.test.ts).
 */
export type DebugToWorker =
  /** Test hook: destroys the GPU device, as a driver reset would. */
  | { readonly type: 'debug/lose-device' }
  /** Test hook: an uncaught error in the worker, as a bug would cause. */
  | { readonly type: 'debug/crash' }
  /** Test hook: the worker ends for real (closes itself: no exception, no message), as a killed one does. */
  | { readonly type: 'debug/exit' }
  /** Test hook: the chunk cache's size for datasets opened from now on, so a small import can outgrow it. */
  | { readonly type: 'debug/chunk-cache'; readonly bytes: number }
  /** Test hook: each imported chunk's write waits `ms` first, as on a slow disk. */
  | { readonly type: 'debug/slow-writes'; readonly ms: number };

/** A chosen file with its path below the picked or dropped folder ('/'-separated). */
export interface ImportFile {
  readonly path: string;
  readonly file: Blob;
}

export type FromWorker =
  | { readonly type: 'backend'; readonly info: BackendInfo }
  | { readonly type: 'pretrain/status'; readonly runId: string; readonly status: RunStatus; readonly step: number; readonly message: string | null }
  /** The run could not start (its dataset gone, its checkpoint damaged): it did nothing, and its record stays as it was. */
  | { readonly type: 'pretrain/refused'; readonly runId: string; readonly message: string }
  | {
      readonly type: 'pretrain/metrics';
      readonly runId: string;
      readonly points: readonly StepPoint[];
      readonly step: number;
      readonly totalSteps: number;
      /** Training images per second over the last few seconds. */
      readonly imgPerSec: number;
    }
  /** Which engine runs the steps, once chosen; `reason` says why the TF.js engine runs where it does. */
  | { readonly type: 'pretrain/engine'; readonly runId: string; readonly engine: EngineName; readonly reason: string | null }
  /** The run's phase as it changes (sent while it runs; its status says when it paused or ended). */
  | { readonly type: 'pretrain/phase'; readonly runId: string; readonly phase: RunPhase }
  | { readonly type: 'pretrain/recon'; readonly runId: string; readonly view: ReconView }
  | { readonly type: 'pretrain/profile'; readonly runId: string; readonly profile: StepProfile }
  /**
   * The run's state at `step` (safetensors bytes), for the page to keep in IndexedDB. Checkpoints
   * travel as Blobs both ways (issue 26): made and read on the worker's thread, only referenced on
   * the page's, which stores them as they are (413 MiB at vit-s-p16-224 with the AdamW moments).
   */
  | { readonly type: 'pretrain/checkpoint'; readonly runId: string; readonly step: number; readonly bytes: Blob }
  | {
      readonly type: 'dataset/preview';
      readonly size: number;
      readonly count: number;
      /** count RGBA images, size×size each. */
      readonly images: Uint8ClampedArray;
      readonly labels: readonly number[];
      readonly classes: readonly string[];
    }
  | { readonly type: 'encoders'; readonly list: readonly EncoderEntry[] }
  /** A checkpoint sent with `checkpoint/import` was not taken (`runId` when it was a kept run's); the encoders are unchanged. */
  | { readonly type: 'checkpoint/refused'; readonly name: string; readonly runId?: string; readonly message: string }
  | {
      readonly type: 'probe/status';
      readonly id: string;
      readonly status: RunStatus;
      readonly message: string | null;
      readonly features: 'cached' | 'per-batch';
    }
  | { readonly type: 'probe/epoch'; readonly id: string; readonly point: ProbeEpoch }
  | { readonly type: 'probe/ft-epoch'; readonly id: string; readonly point: FineTuneEpoch }
  | {
      readonly type: 'probe/progress';
      readonly id: string;
      readonly text: string;
      /** Which of the evaluation's parts (one encoder on one seed's images) runs, from 0, of how many. */
      readonly part: { readonly index: number; readonly count: number };
      /** How far the part's current readout is: epochs or steps done of its most; null where it has no count (encoding, kNN). */
      readonly stage: { readonly done: number; readonly total: number } | null;
    }
  | { readonly type: 'probe/result'; readonly id: string; readonly rows: readonly EvalRow[]; readonly chance: number }
  | { readonly type: 'probe/attention'; readonly id: string; readonly view: AttentionView }
  | { readonly type: 'data/progress'; readonly id: string; readonly done: number; readonly total: number; readonly skipped: number }
  | { readonly type: 'data/imported'; readonly meta: DatasetMeta }
  /** The worker, as it started, looked for imports cut short and removed `removed` (those another tab's worker still runs are left). */
  | { readonly type: 'data/imports-checked'; readonly removed: number }
  /** The import ended without a dataset (bad input, or cancelled); nothing was kept. */
  | { readonly type: 'data/failed'; readonly id: string; readonly message: string; readonly cancelled: boolean }
  /** A decoded lab image, RGBA width×height, with notes on what decoding changed. */
  | {
      readonly type: 'lab/image';
      readonly name: string;
      readonly width: number;
      readonly height: number;
      readonly rgba: Uint8ClampedArray;
      readonly notes: readonly string[];
    }
  | { readonly type: 'lab/refused'; readonly name: string; readonly message: string }
  | { readonly type: 'lab/view'; readonly id: number; readonly view: LabView }
  | { readonly type: 'lab/failed'; readonly id: number; readonly message: string }
  /** `share`: of the whole map, 0 to 1 (the patch features are its first half, the map's epochs its second). */
  | { readonly type: 'lab/embed-progress'; readonly id: number; readonly text: string; readonly share: number }
  | { readonly type: 'lab/embedding'; readonly id: number; readonly view: EmbeddingView }
  | { readonly type: 'lab/embed-failed'; readonly id: number; readonly message: string }
  | { readonly type: 'tokenizer/status'; readonly id: string; readonly status: RunStatus; readonly step: number; readonly message: string | null }
  /** A tokenizer run that could not start, or a tokenizer file that was not taken (nothing changed). */
  | { readonly type: 'tokenizer/refused'; readonly id: string; readonly message: string }
  | { readonly type: 'tokenizer/metrics'; readonly id: string; readonly points: readonly TokenizerPoint[]; readonly imgPerSec: number }
  | { readonly type: 'tokenizer/view'; readonly id: string; readonly view: TokenizerView }
  /** Which engine runs the tokenizer's steps, once chosen; `reason` says why the TF.js engine runs where it does. */
  | { readonly type: 'tokenizer/engine'; readonly id: string; readonly engine: EngineName; readonly reason: string | null }
  /** The tokenizer's state at `step` (safetensors), for the page to keep, as pretraining checkpoints are. */
  | { readonly type: 'tokenizer/checkpoint'; readonly id: string; readonly step: number; readonly bytes: Blob }
  /** The tokenizers the worker holds: what token targets and the lab can use. */
  | { readonly type: 'tokenizer/list'; readonly list: readonly TokenizerEntry[] }
  /** A problem the user must know about, with what to do. */
  | { readonly type: 'error'; readonly message: string };

/** Exhaustiveness check for switches over message types. */
export function unreachable(x: never): never {
  throw new Error(`unhandled message ${JSON.stringify(x)}`);
}
