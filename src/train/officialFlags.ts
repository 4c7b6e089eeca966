// The official CAE command line (Atten4Vis/CAE tools/run_pretraining.py, checked at commit a7fd162)
// that continues a run, so a user who outgrows the browser can go on with the distributed PyTorch code.
// What the official code does with each flag, quoted from that commit:
// - tools/run_pretraining.py:24 `--batch_size default=64` is per process: :227 feeds it to each
//   process's DataLoader and :240 prints `total_batch_size = args.batch_size * utils.get_world_size()`.
// - --lr is used as given, never scaled by the batch: :62 `--lr default=5e-4`, :255-256
//   `utils.cosine_scheduler(args.lr, args.min_lr, args.epochs, num_training_steps_per_epoch, ...)`.
//   scripts/cae_base_300e.sh passes `--batch_size 64 --lr 1.5e-3` on 8 GPUs × 4 nodes (2048 in all):
//   the paper's 1.5e-3 at 2048, i.e. this project's baseLr at baseBatch. So --lr = baseLr · total / baseBatch.
// - :25 `--epochs default=300, type=int` (a word is rejected); :210 an epoch is
//   `len(dataset_train) // args.batch_size // num_tasks` steps. :69 `--warmup_epochs default=5, type=int`;
//   furnace/utils.py:470-475 `--warmup_steps` > 0 overrides it but only builds a warmup when
//   warmup_epochs > 0, and counts official steps (which depend on the data and the GPUs), so it is not used.
// - :27 `--discrete_vae_weight_path` has no default, and models/modeling_discrete_vae.py:228 does
//   `os.path.join(model_dir, "encoder.pkl")` for the default :28 `--discrete_vae_type dall-e`: without
//   it the run crashes. It is a folder holding DALL-E's encoder.pkl and decoder.pkl.
// - models/modeling_cae.py:24-26 read only regressor_depth, decoder_embed_dim and decoder_depth from the
//   args; decoder_num_heads (12), decoder_layer_scale_init_value (0.1) and decoder_num_classes (8192)
//   keep the constructor defaults of :20-21, and :186-238 fix depth, heads and mlp_ratio 4 per model.
import { type CaeConfig, grid, numMasked } from '../model/config';
import type { TrainConfig } from './config';

/** The official registry (models/modeling_cae.py:186-238): patch 16, 224 px, by width. */
export const OFFICIAL_MODELS: Record<number, { name: string; depth: number; heads: number }> = {
  192: { name: 'cae_tiny_patch16_224_8k_vocab', depth: 12, heads: 12 },
  384: { name: 'cae_small_patch16_224_8k_vocab', depth: 12, heads: 12 },
  768: { name: 'cae_base_patch16_224_8k_vocab', depth: 12, heads: 12 },
  1024: { name: 'cae_large_patch16_224_8k_vocab', depth: 24, heads: 16 },
};
/** ContextAutoencoderViT's defaults that no flag reaches (models/modeling_cae.py:20-21). */
export const OFFICIAL_FIXED = { decoderNumHeads: 12, decoderLayerScaleInit: 0.1, decoderNumClasses: 8192 } as const;

export interface OfficialOptions {
  /** GPUs on the one machine the command launches (--nproc_per_node). */
  readonly gpus: number;
  /** Training images in one epoch of the run's dataset: converts the run's steps to --epochs. */
  readonly trainSize: number;
}

/** The script to download, or why the run cannot continue in the official code (shown, not downloaded). */
export type OfficialExport = { readonly ok: true; readonly script: string } | { readonly ok: false; readonly error: string };

/** Reasons the official model could not strictly load (or would silently change) this run's weights. */
function refusals(c: CaeConfig): string[] {
  const out: string[] = [];
  if (c.target === 'pixel')
    out.push(
      `This run reconstructs pixels (a ${c.patchSize ** 2 * 3}-wide decoder head); the official model always builds an ${OFFICIAL_FIXED.decoderNumClasses}-way token head` +
        " and never reads --decoder_num_classes, so its strict load fails. Continue pixel-target runs with the project's own PyTorch program (issue 18, item 3).",
    );
  else if (c.vocabSize !== OFFICIAL_FIXED.decoderNumClasses)
    out.push(`This run's token head has ${c.vocabSize} classes; the official one always has ${OFFICIAL_FIXED.decoderNumClasses}.`);
  const reg = OFFICIAL_MODELS[c.embedDim];
  if (c.patchSize === 16 && c.imgSize === 224 && reg && (c.depth !== reg.depth || c.numHeads !== reg.heads || c.mlpRatio !== 4))
    out.push(`${reg.name} is fixed at depth ${reg.depth}, ${reg.heads} heads, mlp_ratio 4; this run has ${c.depth}, ${c.numHeads}, ${c.mlpRatio}.`);
  // Heads do not change tensor shapes, but the same weights would compute a different function.
  if (c.decoderNumHeads !== OFFICIAL_FIXED.decoderNumHeads)
    out.push(
      `The official regressor and decoder always have ${OFFICIAL_FIXED.decoderNumHeads} heads (--decoder_num_heads is ignored); this run has ${c.decoderNumHeads}.`,
    );
  // 0 drops the decoder blocks' gamma tensors (a strict load fails); another value would not be the run's recipe.
  if (c.decoderLayerScaleInit !== OFFICIAL_FIXED.decoderLayerScaleInit)
    out.push(
      `The official regressor and decoder always start layer scale at ${OFFICIAL_FIXED.decoderLayerScaleInit} (--decoder_layer_scale_init_value is ignored); this run used ${c.decoderLayerScaleInit}.`,
    );
  return out;
}

export function officialCommand(c: CaeConfig, t: TrainConfig, runId: string, o: OfficialOptions): OfficialExport {
  if (!Number.isInteger(o.gpus) || o.gpus < 1) return { ok: false, error: `The GPU count must be a whole number ≥ 1, got ${o.gpus}.` };
  if (!Number.isInteger(o.trainSize) || o.trainSize < 1) return { ok: false, error: `The dataset size must be a whole number ≥ 1, got ${o.trainSize}.` };
  const refused = refusals(c);
  if (refused.length > 0) return { ok: false, error: `No official command line for ${runId}: ${refused.join(' ')}` };

  const G = o.gpus;
  const perGpu = Math.ceil(t.batchSize / G);
  const total = perGpu * G;
  const lr = Number(((t.baseLr * total) / t.baseBatch).toPrecision(6)); // the run's linear rule at the real total
  const epochs = Math.max(1, Math.ceil((t.totalSteps * t.batchSize) / o.trainSize));
  // Warmup keeps its share of the run; a run that warmed up at all gets at least one epoch.
  const warmup = t.warmupSteps === 0 ? 0 : Math.min(epochs, Math.max(1, Math.round((epochs * t.warmupSteps) / t.totalSteps)));
  const reg = c.patchSize === 16 && c.imgSize === 224 ? OFFICIAL_MODELS[c.embedDim] : undefined;

  const notes = [
    `# Batch: ${perGpu} per GPU × ${G} GPUs = ${total} (--batch_size is per process).` +
      (total !== t.batchSize ? ` The run used ${t.batchSize}; ${total} is the nearest multiple of ${G} above it.` : ''),
    `# --lr ${lr} = ${t.baseLr} × ${total} / ${t.baseBatch}: the run's linear rule at this total; the official code uses --lr as given.`,
    `# --epochs ${epochs}: the run's ${t.totalSteps} steps × ${t.batchSize} images over its ${o.trainSize}-image training set, rounded up;` +
      ` warmup ${warmup} epochs for the run's ${t.warmupSteps} steps. An official epoch is one pass over --data_path: scale both for a larger set.`,
    "# Fill in every /path/to/ below: DATA_PATH is an ImageFolder (class subfolders); TOKENIZER_PATH holds DALL-E's encoder.pkl and decoder.pkl.",
    `# Weights: convert ${runId}.safetensors to cae_init.pth (README, "Checkpoints and PyTorch"); it has no optimizer or epoch,` +
      ' so the official schedule, warmup and AdamW moments start afresh.',
    `# Fixed by the official model, matched by this run: decoder heads ${OFFICIAL_FIXED.decoderNumHeads}, decoder layer scale ${OFFICIAL_FIXED.decoderLayerScaleInit},` +
      ` ${OFFICIAL_FIXED.decoderNumClasses}-way head, mlp_ratio 4, qkv bias, LayerNorm eps 1e-6 (no flags for them).`,
    `# Targets are DALL-E codes of a ${8 * grid(c)}-px view (--second_input_size: DALL-E codes 8×8-px cells, one per patch); the data order, masks and augmentation are the official ones, and each process seeds with --seed + rank.`,
  ];
  if (!reg)
    notes.push(
      `# The official code registers patch-16, 224-px models only: add one to models/modeling_cae.py with` +
        ` patch_size=${c.patchSize}, img_size=${c.imgSize}, embed_dim=${c.embedDim}, depth=${c.depth}, num_heads=${c.numHeads}, mlp_ratio=${c.mlpRatio}.`,
    );
  const flags: [string, string | number | null][] = [
    ['--data_path', '"$DATA_PATH"'],
    ['--output_dir', '"$OUTPUT_DIR"'],
    ['--discrete_vae_type', 'dall-e'],
    ['--discrete_vae_weight_path', '"$TOKENIZER_PATH"'],
    ['--resume', '"$INIT_CKPT"'],
    ['--model', reg ? reg.name : `cae_custom_patch${c.patchSize}_${c.imgSize}`],
    ['--input_size', c.imgSize],
    ['--second_input_size', 8 * grid(c)], // the official default 112 fits 224-px, 16-px patches only
    ['--batch_size', perGpu],
    ['--lr', lr],
    ['--min_lr', Math.min(t.minLr, lr)], // the run caps its floor at the peak
    ['--epochs', epochs],
    ['--warmup_epochs', warmup],
    ['--weight_decay', t.weightDecay],
    ['--opt_betas', `${t.beta1} ${t.beta2}`],
    ['--opt_eps', t.eps],
    ['--clip_grad', t.clipGrad > 0 ? t.clipGrad : null],
    ['--drop_path', c.dropPathRate],
    ['--layer_scale_init_value', c.layerScaleInit], // read (run_pretraining.py:171); 0 turns it off
    ['--mask_generator', c.maskKind],
    [c.maskKind === 'block' ? '--num_mask_patches' : '--ratio_mask_patches', c.maskKind === 'block' ? numMasked(c) : c.maskRatio],
    ['--min_mask_patches_per_block', c.maskKind === 'block' ? c.maskMinPatches : null],
    ['--regressor_depth', c.regressorDepth],
    ['--decoder_depth', c.decoderDepth],
    ['--decoder_embed_dim', c.decoderEmbedDim],
    ['--align_loss_weight', c.alignment ? c.alignWeight : 0],
    ['--seed', t.seed],
    ['--imagenet_default_mean_and_std', ''],
  ];
  const args = flags.filter(([, v]) => v !== null).map(([k, v]) => (v === '' ? k : `${k} ${v}`));
  const lines = [
    'DATA_PATH=/path/to/imagenet/train',
    'TOKENIZER_PATH=/path/to/dall_e_tokenizer_weight',
    'OUTPUT_DIR=/path/to/output_dir',
    'INIT_CKPT=/path/to/cae_init.pth',
    `case "$DATA_PATH$TOKENIZER_PATH$OUTPUT_DIR$INIT_CKPT" in */path/to/*) echo 'Fill in the /path/to/ placeholders first.' >&2; exit 1;; esac`,
    // torch 1.7.1 (the official requirements.txt) predates torchrun; launch sets RANK and WORLD_SIZE.
    `OMP_NUM_THREADS=1 python -m torch.distributed.launch --nproc_per_node=${G} tools/run_pretraining.py \\`,
  ];
  for (let i = 0; i < args.length; i += 3) lines.push(`  ${args.slice(i, i + 3).join(' ')}${i + 3 < args.length ? ' \\' : ''}`);
  const head = `# run ${runId}: ${grid(c)}×${grid(c)} patches of ${c.patchSize} px`;
  return { ok: true, script: ['#!/bin/sh', head, ...notes, ...lines].join('\n') + '\n' };
}
