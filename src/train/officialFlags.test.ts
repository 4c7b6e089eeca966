import { describe, expect, it } from 'vitest';
import { MICRO, VIT_S_P16_224 } from '../model/presets';
import { PAPER_TRAIN } from './config';
import { officialCommand } from './officialFlags';

describe('the official command line for a run', () => {
  it('maps the paper ViT-S/16 to the registered model and every knob to its official flag', () => {
    const cmd = officialCommand(VIT_S_P16_224, { ...PAPER_TRAIN, batchSize: 2048 }, 'run-x');
    for (const f of [
      '--model cae_small_patch16_224_8k_vocab',
      '--input_size 224',
      '--batch_size 2048',
      '--lr 0.0015',
      '--clip_grad 3',
      '--drop_path 0.1',
      '--num_mask_patches 98',
      '--min_mask_patches_per_block 16',
      '--regressor_depth 4',
      '--decoder_depth 4',
      '--align_loss_weight 2',
      '--opt_betas 0.9 0.999',
      '--warmup_steps 333',
    ])
      expect(cmd, f).toContain(f);
    expect(cmd).not.toContain('registers patch-16');
    expect(cmd).toContain('normalized-pixel targets'); // official v1 reconstructs tokens
  });

  it('says what to change where the official registry has no matching model, and maps ablations', () => {
    const cmd = officialCommand({ ...MICRO, alignment: false, maskKind: 'random' }, PAPER_TRAIN, 'r');
    expect(cmd).toContain('registers patch-16, 224-px models only');
    expect(cmd).toContain('patch_size=8, img_size=32');
    expect(cmd).toContain('--align_loss_weight 0');
    expect(cmd).toContain('--mask_generator random');
    expect(cmd).toContain('--ratio_mask_patches 0.5');
    expect(cmd).not.toContain('--min_mask_patches_per_block');
  });
});
