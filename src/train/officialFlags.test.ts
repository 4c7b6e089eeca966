import { describe, expect, it } from 'vitest';
import type { CaeConfig } from '../model/config';
import { MICRO, VIT_S_P16_224 } from '../model/presets';
import { PAPER_TRAIN, type TrainConfig } from './config';
import { officialCommand, type OfficialOptions } from './officialFlags';

// A token-target ViT-S/16: the one kind of run the official model loads strictly.
const TOKEN_S: CaeConfig = { ...VIT_S_P16_224, target: 'token', vocabSize: 8192 };
const TRAIN: TrainConfig = { ...PAPER_TRAIN, batchSize: 2048, totalSteps: 1000, warmupSteps: 100 };
const OPTS: OfficialOptions = { gpus: 8, trainSize: 20_000 };

function script(c: CaeConfig, t: TrainConfig, o: OfficialOptions): string {
  const r = officialCommand(c, t, 'run-x', o);
  if (!r.ok) throw new Error(`refused: ${r.error}`);
  return r.script;
}
const refusal = (c: CaeConfig, o: OfficialOptions = OPTS): string => {
  const r = officialCommand(c, TRAIN, 'run-x', o);
  if (r.ok) throw new Error('exported where it should refuse');
  return r.error;
};

describe('the official command line for a run', () => {
  it('maps a token ViT-S/16 to the registered model and every knob to its official flag', () => {
    const cmd = script(TOKEN_S, TRAIN, OPTS);
    for (const f of [
      '--model cae_small_patch16_224_8k_vocab',
      '--input_size 224',
      '--second_input_size 112',
      '--clip_grad 3',
      '--drop_path 0.1',
      '--num_mask_patches 98',
      '--min_mask_patches_per_block 16',
      '--regressor_depth 4',
      '--decoder_depth 4',
      '--decoder_embed_dim 384',
      '--align_loss_weight 2',
      '--opt_betas 0.9 0.999',
      '--layer_scale_init_value 0.1',
    ])
      expect(cmd, f).toContain(f);
    // Flags the official model ignores are not emitted (they would suggest an effect they lack).
    expect(cmd).not.toContain('--decoder_num_heads');
    expect(cmd).not.toContain('--decoder_layer_scale_init_value');
    expect(cmd).not.toContain('--warmup_steps');
  });

  it('passes the per-process batch with the GPU count, and the lr of the real total', () => {
    const cmd = script(TOKEN_S, TRAIN, OPTS);
    expect(cmd).toContain('--nproc_per_node=8 tools/run_pretraining.py');
    expect(cmd).toContain('--batch_size 256 ');
    expect(cmd).toContain('--lr 0.0015 '); // 1.5e-3 · 2048 / 2048: the official uses it as given
    expect(cmd).not.toContain('nearest multiple');
  });

  it('rounds an uneven batch up to a multiple of the GPUs, says so, and scales the lr to it', () => {
    const cmd = script(TOKEN_S, { ...TRAIN, batchSize: 100 }, { ...OPTS, gpus: 3 });
    expect(cmd).toContain('--nproc_per_node=3 ');
    expect(cmd).toContain('--batch_size 34 '); // ceil(100 / 3); 34 · 3 = 102
    expect(cmd).toContain('The run used 100; 102 is the nearest multiple of 3');
    expect(cmd).toContain(`--lr ${Number(((1.5e-3 * 102) / 2048).toPrecision(6))} `);
  });

  it('gives a whole epoch count from the run and its dataset, with warmup in proportion', () => {
    // 1000 steps × 2048 images over 20 000 images = 102.4 → 103 epochs; warmup 10% → 10 epochs.
    const cmd = script(TOKEN_S, TRAIN, OPTS);
    expect(cmd).toMatch(/--epochs 103 /);
    expect(cmd).toMatch(/--warmup_epochs 10\b/);
    expect(cmd).not.toContain('EPOCHS');
    // A short run is at least one epoch, and a run with warmup keeps at least one warmup epoch.
    const short = script(TOKEN_S, { ...TRAIN, batchSize: 8, totalSteps: 10, warmupSteps: 1 }, OPTS);
    expect(short).toMatch(/--epochs 1 /);
    expect(short).toMatch(/--warmup_epochs 1\b/);
    expect(script(TOKEN_S, { ...TRAIN, warmupSteps: 0 }, OPTS)).toMatch(/--warmup_epochs 0\b/);
  });

  it('names every required path with a placeholder the script refuses to run with', () => {
    const cmd = script(TOKEN_S, TRAIN, OPTS);
    for (const f of [
      '--data_path "$DATA_PATH"',
      '--discrete_vae_weight_path "$TOKENIZER_PATH"',
      '--output_dir "$OUTPUT_DIR"',
      '--resume "$INIT_CKPT"',
      '--discrete_vae_type dall-e',
    ])
      expect(cmd, f).toContain(f);
    expect(cmd).toContain('DATA_PATH=/path/to/imagenet/train');
    expect(cmd).toContain('TOKENIZER_PATH=/path/to/dall_e_tokenizer_weight');
    expect(cmd).toContain("*/path/to/*) echo 'Fill in");
  });

  it('notes what the official code hard-codes, and how to register a model it lacks', () => {
    const cmd = script(TOKEN_S, TRAIN, OPTS);
    expect(cmd).toMatch(/^# Fixed by the official model.*decoder heads 12, decoder layer scale 0\.1, 8192-way head/m);
    expect(cmd).toMatch(/^# .*--seed \+ rank/m);
    expect(cmd).not.toContain('registers patch-16');
    const micro = script({ ...MICRO, target: 'token', decoderNumHeads: 12, decoderEmbedDim: 48, alignment: false, maskKind: 'random' }, TRAIN, OPTS);
    expect(micro).toContain('patch_size=8, img_size=32');
    expect(micro).toContain('--second_input_size 32 '); // one DALL-E code per patch of the 4×4 grid
    expect(micro).toContain('--align_loss_weight 0');
    expect(micro).toContain('--ratio_mask_patches 0.5');
    expect(micro).not.toContain('--min_mask_patches_per_block');
  });

  it('refuses runs whose weights the official model cannot load strictly or would run differently', () => {
    expect(refusal(VIT_S_P16_224)).toMatch(/always builds an 8192-way token head.*issue 18, item 3/);
    expect(refusal({ ...TOKEN_S, vocabSize: 1024 })).toContain('1024 classes');
    expect(refusal({ ...TOKEN_S, decoderNumHeads: 6 })).toContain('always have 12 heads');
    expect(refusal({ ...TOKEN_S, decoderLayerScaleInit: 0 })).toContain('layer scale at 0.1');
    expect(refusal({ ...TOKEN_S, depth: 6 })).toContain('fixed at depth 12, 12 heads');
    expect(refusal({ ...TOKEN_S, numHeads: 6 })).toContain('fixed at depth 12, 12 heads');
    expect(refusal(TOKEN_S, { ...OPTS, gpus: 0 })).toContain('GPU count');
    expect(refusal(TOKEN_S, { ...OPTS, trainSize: 0 })).toContain('dataset size');
  });
});
