// The encoder of a run for the official downstream tools (Atten4Vis/CAE at a7fd162), and their command
// lines. Both read `--finetune` with torch.load and take `checkpoint['model']`:
// - tools/run_linear.py:227-240 renames every key containing 'encoder.' by deleting that text and drops
//   keys containing 'teacher' or 'decoder', then loads with strict=False after dropping a mismatched head.
// - tools/run_class_finetuning.py:327-345 keeps the keys starting with 'encoder.' (prefix removed), drops
//   'decoder.'/'teacher.', and renames `norm.*` to `fc_norm.*`: the pretrained final LayerNorm becomes the
//   LayerNorm after mean pooling (its default --use_mean_pooling; `norm` is Identity there).
// So the file holds the encoder under the pretraining names (`encoder.blocks.0.attn.qkv.weight`, ...,
// `encoder.pos_embed`), as an official pretraining checkpoint does, and each tool renames it its way.
// Both build models/modeling_finetune.py's VisionTransformer: registered at 224 px, patch 16 only, with
// gamma_1/gamma_2 only when --layer_scale_init_value > 0 (default 0.1), so the run's value is passed.
import { type CaeConfig, numPatches } from '../model/config';
import { frozenBufferSpecs, caeParamSpecs } from '../model/params';
import type { StFile } from '../model/safetensors';
import { OFFICIAL_MODELS } from './officialFlags';
import { torchSave, type TorchTensor } from './torchSave';

/** The encoder's tensors (parameters, then the sin-cos position buffer) as a torch.save file {'model': ...}. */
export function encoderPth(file: StFile, config: CaeConfig): Uint8Array<ArrayBuffer> {
  // Checked here against the parameter table (not model/weights.ts): the app's main thread need not load TF.js.
  const out: [string, TorchTensor][] = [];
  for (const s of caeParamSpecs(config)) {
    if (!s.name.startsWith('encoder.')) continue;
    const t = file.tensors.get(s.name);
    if (!t || t.dtype !== 'F32' || t.shape.join() !== s.shape.join())
      throw new Error(`the checkpoint does not fit its config: tensor "${s.name}" is ${t ? `${t.dtype} [${t.shape}]` : 'missing'}, expected F32 [${s.shape}]`);
    out.push([s.name, { shape: s.shape, data: t.data as Float32Array }]);
  }
  const pos = frozenBufferSpecs(config).find((b) => b.name === 'encoder.pos_embed')!;
  out.push([pos.name, { shape: pos.shape, data: pos.values() }]);
  return torchSave('model', out);
}

export interface DownstreamOptions {
  /** GPUs on the one machine the commands launch (--nproc_per_node). */
  readonly gpus: number;
  /** Classes of the downstream dataset (--nb_classes); null leaves a placeholder. */
  readonly classes: number | null;
}

export type DownstreamExport = { readonly ok: true; readonly script: string } | { readonly ok: false; readonly error: string };

/** The fine-tuning model's registered name for this config, or null when one has to be added. */
function registered(c: CaeConfig): string | null {
  const reg = OFFICIAL_MODELS[c.embedDim];
  if (!reg || c.patchSize !== 16 || c.imgSize !== 224) return null;
  return reg.name.replace('_8k_vocab', '');
}

/** The official linear-probing and fine-tuning command lines for a run's encoder, or why there are none. */
export function downstreamCommands(c: CaeConfig, runId: string, o: DownstreamOptions): DownstreamExport {
  if (!Number.isInteger(o.gpus) || o.gpus < 1) return { ok: false, error: `The GPU count must be a whole number ≥ 1, got ${o.gpus}.` };
  const reg = OFFICIAL_MODELS[c.embedDim];
  if (c.patchSize === 16 && c.imgSize === 224 && reg && (c.depth !== reg.depth || c.numHeads !== reg.heads || c.mlpRatio !== 4))
    // Heads do not change shapes: the file would load and compute another function.
    return {
      ok: false,
      error: `No downstream commands for ${runId}: the official ${reg.name.replace('_8k_vocab', '')} is fixed at depth ${reg.depth}, ${reg.heads} heads, mlp_ratio 4; this run has ${c.depth}, ${c.numHeads}, ${c.mlpRatio}.`,
    };
  const G = o.gpus;
  const name = registered(c) ?? `cae_custom_patch${c.patchSize}_${c.imgSize}`;
  // The official scripts' totals: linear 512 × 32 GPUs with --blr 0.1 (the tool scales: lr = blr · total / 256);
  // fine-tuning 128 × 32 = 4096 at --lr 8e-3, used as given, so it is scaled here to the total.
  const ftLr = Number(((8e-3 * 128 * G) / 4096).toPrecision(6));
  const notes = [
    `# run ${runId}: encoder ViT ${c.embedDim} wide, ${c.depth} blocks, ${c.numHeads} heads, ${numPatches(c)} patches of ${c.patchSize} px at ${c.imgSize} px.`,
    `# ENCODER_PTH is the notebook's "Encoder .pth" download of this run (torch.load gives {'model': encoder.* tensors}).`,
    '# DATA_PATH holds train/ and val/ ImageFolders (class subfolders); NB_CLASSES is their number of classes.',
    `# --layer_scale_init_value ${c.layerScaleInit}: the run's; the tools build gamma_1/gamma_2 only when it is > 0 (default 0.1).`,
    `# Linear probe: 512 per GPU × ${G} (--blr 0.1 → lr = 0.1 · ${512 * G} / 256); CLS after the final LayerNorm, BatchNorm without affine, LARS, 90 epochs.`,
    `# Fine-tuning: 128 per GPU × ${G} = ${128 * G}; --lr ${ftLr} = 8e-3 · ${128 * G} / 4096 (the official 8e-3 at 4096, used as given); mean pooling, relative position bias from zero.`,
  ];
  if (!registered(c))
    notes.push(
      `# The official tools register 224-px, patch-16 models only. Add this one to models/modeling_finetune.py (beside cae_small_patch16_224):`,
      `#   @register_model`,
      `#   def ${name}(pretrained=False, **kwargs):`,
      `#       model = VisionTransformer(img_size=${c.imgSize}, patch_size=${c.patchSize}, embed_dim=${c.embedDim}, depth=${c.depth}, num_heads=${c.numHeads},`,
      `#           mlp_ratio=${c.mlpRatio}, qkv_bias=True, norm_layer=partial(nn.LayerNorm, eps=1e-6), **kwargs)`,
      `#       model.default_cfg = _cfg()`,
      `#       return model`,
      `# tools/run_linear.py crops 224 px (RandomResizedCrop(224), Resize(256), CenterCrop(224)): set ${c.imgSize}, ${Math.round((c.imgSize * 256) / 224)}, ${c.imgSize} there.`,
    );
  const launch = (tool: string) => `OMP_NUM_THREADS=1 python -m torch.distributed.launch --nproc_per_node=${G} ${tool} \\`;
  const lines = [
    'DATA_PATH=/path/to/dataset',
    `ENCODER_PTH=/path/to/${runId}-encoder.pth`,
    'OUTPUT_DIR=/path/to/output_dir',
    `NB_CLASSES=${o.classes ?? '/path/to/number_of_classes'}`,
    `case "$DATA_PATH$ENCODER_PTH$OUTPUT_DIR$NB_CLASSES" in */path/to/*) echo 'Fill in the /path/to/ placeholders first.' >&2; exit 1;; esac`,
    '',
    '# Linear probing (scripts/cae_base_800e.sh, "linear probing")',
    launch('tools/run_linear.py'),
    `  --model ${name} --finetune "$ENCODER_PTH" --data_path "$DATA_PATH" --nb_classes "$NB_CLASSES" \\`,
    `  --batch_size 512 --epochs 90 --blr 0.1 --weight_decay 0.0 --dist_eval --output_dir "$OUTPUT_DIR/linear" --log_dir "$OUTPUT_DIR/linear" \\`,
    `  --enable_linear_eval --use_cls --disable_rel_pos_bias --linear_type standard --layer_scale_init_value ${c.layerScaleInit}`,
    '',
    '# Fine-tuning (scripts/cae_base_finetune.sh); --data_set image_folder takes any number of classes (IMNET asserts 1000)',
    launch('tools/run_class_finetuning.py'),
    `  --model ${name} --finetune "$ENCODER_PTH" --data_set image_folder --data_path "$DATA_PATH/train" --eval_data_path "$DATA_PATH/val" \\`,
    `  --nb_classes "$NB_CLASSES" --input_size ${c.imgSize} --output_dir "$OUTPUT_DIR/finetune" --batch_size 128 --lr ${ftLr} --update_freq 1 \\`,
    `  --warmup_epochs 5 --epochs 100 --layer_decay 0.65 --drop_path 0.1 --weight_decay 0.05 --mixup 0.8 --cutmix 1.0 \\`,
    `  --sin_pos_emb --dist_eval --no_auto_resume --imagenet_default_mean_and_std --layer_scale_init_value ${c.layerScaleInit}`,
  ];
  return { ok: true, script: ['#!/bin/sh', ...notes, ...lines].join('\n') + '\n' };
}
