import { describe, expect, it } from 'vitest';
import { Cae } from '../model/cae';
import type { CaeConfig } from '../model/config';
import { MICRO, VIT_S_P16_224, VIT_TINY_P4_32 } from '../model/presets';
import { readSafetensors, writeSafetensors } from '../model/safetensors';
import { modelTensors } from '../model/weights';
import { readZip } from '../data/zip';
import { downstreamCommands, encoderPth } from './downstream';

const script = (c: CaeConfig, gpus = 8, classes: number | null = 1000) => {
  const r = downstreamCommands(c, 'run-x', { gpus, classes });
  if (!r.ok) throw new Error(r.error);
  return r.script;
};

describe('official downstream commands', () => {
  it("a registered ViT-S/16 gets both tools with the official scripts' flags, batch per GPU and lr scaled to the total", () => {
    const s = script(VIT_S_P16_224);
    for (const f of [
      '--nproc_per_node=8 tools/run_linear.py',
      '--model cae_small_patch16_224 --finetune "$ENCODER_PTH"',
      '--enable_linear_eval --use_cls --disable_rel_pos_bias --linear_type standard --layer_scale_init_value 0.1',
      '--batch_size 512 --epochs 90 --blr 0.1',
      '--nproc_per_node=8 tools/run_class_finetuning.py',
      '--data_set image_folder',
      '--batch_size 128 --lr 0.002 ', // 8e-3 · 1024 / 4096
      '--layer_decay 0.65 --drop_path 0.1',
      'NB_CLASSES=1000',
    ])
      expect(s, f).toContain(f);
    expect(s).not.toContain('@register_model');
  });

  it("a small preset gets the model to register and the linear tool's crop to change", () => {
    const s = script(VIT_TINY_P4_32, 1, null);
    expect(s).toContain('--model cae_custom_patch4_32');
    expect(s).toContain('def cae_custom_patch4_32(pretrained=False, **kwargs):');
    expect(s).toContain('img_size=32, patch_size=4, embed_dim=192, depth=12, num_heads=12');
    expect(s).toContain('--input_size 32');
    expect(s).toContain('NB_CLASSES=/path/to/');
    expect(s).toContain('--layer_scale_init_value 0.1');
  });

  it('refuses a run whose heads differ from the registered model of its shapes', () => {
    const r = downstreamCommands({ ...VIT_S_P16_224, numHeads: 6 }, 'run-x', { gpus: 1, classes: 10 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('12 heads');
  });
});

describe('encoder .pth', () => {
  it('is a stored zip with the pickle, one record per encoder tensor and the version, data 64-byte aligned', async () => {
    const model = new Cae(MICRO, 1);
    const file = readSafetensors(writeSafetensors(await modelTensors(model)));
    const pth = encoderPth(file, MICRO);
    const names = (await readZip(new Blob([pth]))).map((e) => e.path);
    const encoder = [...file.tensors.keys()].filter((n) => n.startsWith('encoder.'));
    expect(names[0]).toBe('archive/data.pkl');
    expect(names.at(-1)).toBe('archive/version');
    expect(names.length).toBe(encoder.length + 2);
    // Each record's data starts 64-byte aligned, as torch.save writes it (local header 30 + name + extra).
    const dv = new DataView(pth.buffer);
    for (let o = 0; dv.getUint32(o, true) === 0x04034b50;) {
      const [nameLen, extraLen, size] = [dv.getUint16(o + 26, true), dv.getUint16(o + 28, true), dv.getUint32(o + 22, true)];
      expect((o + 30 + nameLen + extraLen) % 64).toBe(0);
      o += 30 + nameLen + extraLen + size;
    }
    model.dispose();
  });
});
