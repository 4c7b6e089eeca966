// The editable fields of the pretraining form and of the evaluation recipe, with the help text the
// UI shows, a short hint beside the input (unit, the paper's value) and the group of the recipe each
// belongs to. The forms are built from these tables (PretrainPanel, EvalRecipe).
import type { CaeConfig } from '../../model/config';
import type { TrainConfig } from '../../train/config';

export interface Field<K extends string> {
  readonly key: K;
  readonly label: string;
  readonly help: string;
  readonly kind: 'int' | 'float' | 'bool' | 'select';
  readonly options?: readonly string[];
  /** Shown beside the input: the unit and the paper's value, in a few words. */
  readonly hint?: string;
  /** Rarely changed groups start collapsed. */
  readonly group: 'schedule' | 'lr' | 'optimizer' | 'masking' | 'architecture' | 'evaluation' | 'probes' | 'knn' | 'fine-tune';
  /** The input's dotted data-testid, where tests drive it. */
  readonly testId?: string;
}

export const MODEL_FIELDS: readonly Field<keyof CaeConfig>[] = [
  {
    key: 'maskRatio',
    label: 'mask ratio',
    help: 'fraction of patches hidden per image (paper: 0.5)',
    kind: 'float',
    hint: 'of patches · paper 0.5',
    group: 'masking',
  },
  {
    key: 'maskKind',
    label: 'masking',
    help: 'block-wise (BEiT, as CAE) or uniform random',
    kind: 'select',
    options: ['block', 'random'],
    hint: 'paper: block',
    group: 'masking',
  },
  {
    key: 'maskMinPatches',
    label: 'min block',
    help: 'smallest masked block, in patches (paper: 16 of 196)',
    kind: 'int',
    hint: 'patches · paper 16',
    group: 'masking',
  },
  {
    key: 'regressorDepth',
    label: 'regressor depth',
    help: 'cross-attention blocks of the latent regressor (paper: 4)',
    kind: 'int',
    hint: 'blocks · paper 4',
    group: 'architecture',
  },
  {
    key: 'decoderDepth',
    label: 'decoder depth',
    help: 'blocks of the decoder over masked tokens (paper: 4)',
    kind: 'int',
    hint: 'blocks · paper 4',
    group: 'architecture',
  },
  {
    key: 'alignment',
    label: 'alignment loss',
    help: 'train Zm to match the encoder on the masked patches (paper: on)',
    kind: 'bool',
    hint: 'paper: on',
    group: 'masking',
  },
  { key: 'alignWeight', label: 'λ', help: 'weight of the alignment loss (paper: 2)', kind: 'float', hint: 'paper 2', group: 'masking' },
  {
    key: 'target',
    label: 'target',
    help: "pixel targets (per-patch normalized), or token targets: the codes of one of the notebook's tokenizers (Tokenizer view), predicted with cross-entropy",
    kind: 'select',
    options: ['pixel', 'token'],
    hint: 'paper: d-VAE tokens',
    group: 'masking',
  },
  {
    key: 'normPixTarget',
    label: 'normalize patches',
    help: 'normalize each target patch by its mean and variance',
    kind: 'bool',
    hint: 'per-patch mean, var',
    group: 'masking',
  },
  {
    key: 'dropPathRate',
    label: 'drop path',
    help: 'stochastic depth rate of the last block (paper: 0.1)',
    kind: 'float',
    hint: 'paper 0.1',
    group: 'architecture',
  },
  {
    key: 'layerScaleInit',
    label: 'layer scale',
    help: 'initial γ of encoder blocks (paper: 0.1)',
    kind: 'float',
    hint: 'γ₀ · paper 0.1',
    group: 'architecture',
  },
  {
    key: 'decoderLayerScaleInit',
    label: 'decoder layer scale',
    help: 'initial γ of regressor and decoder blocks (paper: 0.1)',
    kind: 'float',
    hint: 'γ₀ · paper 0.1',
    group: 'architecture',
  },
];

export const TRAIN_FIELDS: readonly Field<keyof TrainConfig>[] = [
  {
    key: 'seed',
    label: 'seed',
    help: 'seeds init, masks, drop path, data order and augmentation',
    kind: 'int',
    hint: 'init, masks, data order',
    group: 'schedule',
  },
  { key: 'batchSize', label: 'batch', help: 'images per step', kind: 'int', hint: 'images/step · paper 2048', group: 'schedule' },
  { key: 'totalSteps', label: 'steps', help: 'length of the run; the cosine schedule ends here', kind: 'int', hint: 'the cosine ends here', group: 'schedule' },
  {
    key: 'warmupSteps',
    label: 'warmup',
    help: 'linear warmup steps (paper: 10 of 300 epochs)',
    kind: 'int',
    hint: 'steps · paper 10 of 300 ep.',
    group: 'schedule',
  },
  {
    key: 'baseLr',
    label: 'base lr',
    help: 'learning rate at the reference batch (paper: 1.5e-3 at 2048)',
    kind: 'float',
    hint: 'at the ref. batch · paper 1.5e-3',
    group: 'lr',
  },
  { key: 'baseBatch', label: 'reference batch', help: 'batch size the base lr refers to (paper: 2048)', kind: 'int', hint: 'images · paper 2048', group: 'lr' },
  { key: 'minLr', label: 'min lr', help: 'learning rate at the end of the cosine (paper: 1e-5)', kind: 'float', hint: 'paper 1e-5', group: 'lr' },
  {
    key: 'weightDecay',
    label: 'weight decay',
    help: 'AdamW decay, not on 1-D parameters or biases (paper: 0.05)',
    kind: 'float',
    hint: 'paper 0.05',
    group: 'optimizer',
  },
  { key: 'beta1', label: 'β1', help: 'AdamW β1 (0.9)', kind: 'float', hint: 'paper 0.9', group: 'optimizer' },
  { key: 'beta2', label: 'β2', help: 'AdamW β2 (0.999)', kind: 'float', hint: 'paper 0.999', group: 'optimizer' },
  { key: 'eps', label: 'ε', help: 'AdamW ε (1e-8)', kind: 'float', hint: '1e-8', group: 'optimizer' },
  {
    key: 'clipGrad',
    label: 'clip norm',
    help: 'global gradient-norm clipping (paper: 3.0; 0 = off)',
    kind: 'float',
    hint: 'paper 3.0 · 0 = off',
    group: 'optimizer',
  },
];
