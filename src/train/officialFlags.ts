// The official CAE command line (Atten4Vis/CAE tools/run_pretraining.py) that matches a run's
// configs, so a user who outgrows the browser can go on with the distributed PyTorch code.
import { type CaeConfig, grid, numMasked } from '../model/config';
import { type TrainConfig, peakLr } from './config';

/** The official registry has patch-16, 224-px models only, named by width. */
const OFFICIAL_MODELS: Record<number, string> = { 192: 'cae_tiny_patch16_224_8k_vocab', 384: 'cae_small_patch16_224_8k_vocab', 768: 'cae_base_patch16_224_8k_vocab', 1024: 'cae_large_patch16_224_8k_vocab' };

export function officialCommand(c: CaeConfig, t: TrainConfig, runId: string): string {
  const registered = c.patchSize === 16 && c.imgSize === 224 && OFFICIAL_MODELS[c.embedDim] !== undefined;
  const notes: string[] = [];
  if (!registered)
    notes.push(
      `# The official code registers patch-16, 224-px models only: add one to models/modeling_cae.py with` +
        ` patch_size=${c.patchSize}, img_size=${c.imgSize}, embed_dim=${c.embedDim}, depth=${c.depth}, num_heads=${c.numHeads}.`,
    );
  if (c.target === 'pixel')
    notes.push('# Official CAE v1 reconstructs DALL-E tokens (--discrete_vae_weight_path); this run used normalized-pixel targets.');
  if (c.mlpRatio !== 4) notes.push(`# mlp_ratio ${c.mlpRatio} differs from the official 4.`);
  notes.push(`# Weights: convert ${runId}.safetensors to cae_init.pth (README, "Checkpoints and PyTorch"), then pass --resume cae_init.pth.`);
  notes.push(`# --lr is the peak rate for the total batch (here ${t.batchSize}); scale it linearly with your batch, as the paper does.`);
  const flags: [string, string | number | null][] = [
    ['--model', registered ? OFFICIAL_MODELS[c.embedDim]! : `cae_custom_patch${c.patchSize}_${c.imgSize}`],
    ['--input_size', c.imgSize],
    ['--batch_size', t.batchSize],
    ['--lr', Number(peakLr(t).toPrecision(6))],
    ['--min_lr', t.minLr],
    ['--warmup_steps', t.warmupSteps],
    ['--epochs', `EPOCHS`],
    ['--weight_decay', t.weightDecay],
    ['--opt_betas', `${t.beta1} ${t.beta2}`],
    ['--opt_eps', t.eps],
    ['--clip_grad', t.clipGrad > 0 ? t.clipGrad : null],
    ['--drop_path', c.dropPathRate],
    ['--layer_scale_init_value', c.layerScaleInit],
    ['--decoder_layer_scale_init_value', c.decoderLayerScaleInit],
    ['--mask_generator', c.maskKind],
    [c.maskKind === 'block' ? '--num_mask_patches' : '--ratio_mask_patches', c.maskKind === 'block' ? numMasked(c) : c.maskRatio],
    ['--min_mask_patches_per_block', c.maskKind === 'block' ? c.maskMinPatches : null],
    ['--regressor_depth', c.regressorDepth],
    ['--decoder_depth', c.decoderDepth],
    ['--decoder_embed_dim', c.decoderEmbedDim],
    ['--decoder_num_heads', c.decoderNumHeads],
    ['--align_loss_weight', c.alignment ? c.alignWeight : 0],
    ['--seed', t.seed],
    ['--imagenet_default_mean_and_std', ''],
  ];
  const args = flags.filter(([, v]) => v !== null).map(([k, v]) => (v === '' ? k : `${k} ${v}`));
  const lines = ['python -m torch.distributed.launch --nproc_per_node=8 tools/run_pretraining.py \\', '  --data_path /path/to/train --output_dir ./output \\'];
  for (let i = 0; i < args.length; i += 3) lines.push(`  ${args.slice(i, i + 3).join(' ')}${i + 3 < args.length ? ' \\' : ''}`);
  return [`# run ${runId}: ${grid(c)}×${grid(c)} patches of ${c.patchSize} px`, ...notes, ...lines].join('\n') + '\n';
}
