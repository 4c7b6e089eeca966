// An imported DALL-E encoder (pytorch/convert_dalle.py; the worker reports its config with kind
// "dalle-encoder") in the page's tokenizer lists: offered as a choice, taken as the target of a
// ViT-S/16-224 run with the model's vocabulary set to its 8 192 codes, refused for other grids.
import { describe, expect, it } from 'vitest';
import { DALLE_ENCODER_112 } from '../model/dalleEncoderConfig';
import { MICRO, VIT_S_P16_224 } from '../model/presets';
import type { TokenizerEntry } from '../protocol/messages';
import { defaultTrainConfig } from '../train/defaults';
import { tokenizerChoices, withTokenizer } from './tokenizers';

const dalle: TokenizerEntry = { id: 'tok-file-dalle-encoder', model: DALLE_ENCODER_112, step: 0 };
const spec = (presetId: 'micro' | 'vit-s-p16-224') => ({
  id: 'r',
  presetId,
  model: presetId === 'micro' ? MICRO : VIT_S_P16_224,
  train: defaultTrainConfig(presetId),
  dataset: 'shapes-easy',
  checkpointEvery: 50,
  createdAt: 0,
});

describe("DALL-E's encoder among the page's tokenizers", () => {
  it('is offered, and makes a ViT-S/16-224 run predict its 8192 codes on 14×14 patches', () => {
    expect(tokenizerChoices([], [dalle]).map((t) => t.id)).toEqual(['tok-file-dalle-encoder']);
    const s = withTokenizer(spec('vit-s-p16-224'), dalle);
    if (typeof s === 'string') throw new Error(s);
    expect(s.model).toMatchObject({ target: 'token', vocabSize: 8192 });
    expect(s.tokenizer).toEqual({ id: 'tok-file-dalle-encoder', model: DALLE_ENCODER_112, step: 0 });
  });

  it('is refused for a preset of another patch grid, with the reason', () => {
    expect(withTokenizer(spec('micro'), dalle)).toMatch(/14×14 grid of codes \(112 px \/ 8\), but the model has 4×4 patches/);
  });
});
