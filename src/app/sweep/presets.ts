// One-click sweeps for the paper's ablations, over whatever base recipe the user has set (the
// notebook's default is micro on shapes-easy). Values are chosen so every point is valid for every
// preset; the paper's own settings are in the hints. The target sweep (Table 8) compares normalized
// pixels with the codes of the tokenizer chosen in the pretraining form (issue 24).
import type { Knob } from './sweep';

export interface PaperSweep {
  readonly id: string;
  readonly label: string;
  readonly knobs: readonly Knob[];
  /** What the paper sets and where it compares, so the user can read the result beside it. */
  readonly paper: string;
}

export const PAPER_SWEEPS: readonly PaperSweep[] = [
  {
    id: 'alignment',
    label: 'Alignment on / off (Table 5, Figure 4)',
    knobs: [{ path: 'model.alignment', values: [true, false] }],
    paper:
      'The paper trains with the alignment loss (λ = 2) and compares it with the alignment off in Table 5; Figure 4 shows the full reconstruction (encoder on every patch, regressor skipped) of both.',
  },
  {
    id: 'mask-ratio',
    label: 'Mask ratio (Table 7)',
    knobs: [{ path: 'model.maskRatio', values: [0.25, 0.5, 0.75] }],
    paper: 'The paper masks 50 % (98 of 196 patches) block-wise by default and compares other ratios in Table 7.',
  },
  {
    id: 'target',
    label: 'Target: normalized pixels or d-VAE tokens (Table 8)',
    knobs: [{ path: 'model.target', values: ['pixel', 'token'] }],
    paper:
      'Table 8 compares d-VAE tokens, DALL-E tokens and RGB pixels: pixels a little better at linear probing, tokens at attentive probing, all close. The token points predict the codes of the tokenizer chosen in the pretraining form (train one in the Tokenizer view first).',
  },
  {
    id: 'regressor-depth',
    label: 'Regressor depth',
    knobs: [{ path: 'model.regressorDepth', values: [1, 2, 4] }],
    paper: 'The paper’s regressor has 4 cross-attention blocks by default.',
  },
  {
    id: 'decoder-depth',
    label: 'Decoder depth',
    knobs: [{ path: 'model.decoderDepth', values: [1, 2, 4] }],
    paper: 'The paper’s decoder has 4 blocks by default.',
  },
];
