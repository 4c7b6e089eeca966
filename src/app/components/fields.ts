// The editable fields of the pretraining form, with the help text the UI shows.
import type { CaeConfig } from '../../model/config';
import type { TrainConfig } from '../../train/config';

export interface Field<K extends string> {
  readonly key: K;
  readonly label: string;
  readonly help: string;
  readonly kind: 'int' | 'float' | 'bool' | 'select';
  readonly options?: readonly string[];
}

export const MODEL_FIELDS: readonly Field<keyof CaeConfig>[] = [
  { key: 'maskRatio', label: 'mask ratio', help: 'fraction of patches hidden per image (paper: 0.5)', kind: 'float' },
  { key: 'maskKind', label: 'masking', help: 'block-wise (BEiT, as CAE) or uniform random', kind: 'select', options: ['block', 'random'] },
  { key: 'maskMinPatches', label: 'min block', help: 'smallest masked block, in patches (paper: 16 of 196)', kind: 'int' },
  { key: 'regressorDepth', label: 'regressor depth', help: 'cross-attention blocks of the latent regressor (paper: 4)', kind: 'int' },
  { key: 'decoderDepth', label: 'decoder depth', help: 'blocks of the decoder over masked tokens (paper: 4)', kind: 'int' },
  { key: 'alignment', label: 'alignment loss', help: 'train Zm to match the encoder on the masked patches (paper: on)', kind: 'bool' },
  { key: 'alignWeight', label: 'λ', help: 'weight of the alignment loss (paper: 2)', kind: 'float' },
  { key: 'target', label: 'target', help: 'pixel targets (per-patch normalized); token targets need a tokenizer, not available yet', kind: 'select', options: ['pixel'] },
  { key: 'normPixTarget', label: 'normalize patches', help: 'normalize each target patch by its mean and variance', kind: 'bool' },
  { key: 'dropPathRate', label: 'drop path', help: 'stochastic depth rate of the last block (paper: 0.1)', kind: 'float' },
  { key: 'layerScaleInit', label: 'layer scale', help: 'initial γ of encoder blocks (paper: 0.1)', kind: 'float' },
  { key: 'decoderLayerScaleInit', label: 'decoder layer scale', help: 'initial γ of regressor and decoder blocks (paper: 0.1)', kind: 'float' },
];

export const TRAIN_FIELDS: readonly Field<keyof TrainConfig>[] = [
  { key: 'seed', label: 'seed', help: 'seeds init, masks, drop path, data order and augmentation', kind: 'int' },
  { key: 'batchSize', label: 'batch', help: 'images per step', kind: 'int' },
  { key: 'totalSteps', label: 'steps', help: 'length of the run; the cosine schedule ends here', kind: 'int' },
  { key: 'warmupSteps', label: 'warmup', help: 'linear warmup steps (paper: 10 of 300 epochs)', kind: 'int' },
  { key: 'baseLr', label: 'base lr', help: 'learning rate at the reference batch (paper: 1.5e-3 at 2048)', kind: 'float' },
  { key: 'baseBatch', label: 'reference batch', help: 'batch size the base lr refers to (paper: 2048)', kind: 'int' },
  { key: 'minLr', label: 'min lr', help: 'learning rate at the end of the cosine (paper: 1e-5)', kind: 'float' },
  { key: 'weightDecay', label: 'weight decay', help: 'AdamW decay, not on 1-D parameters or biases (paper: 0.05)', kind: 'float' },
  { key: 'beta1', label: 'β1', help: 'AdamW β1 (0.9)', kind: 'float' },
  { key: 'beta2', label: 'β2', help: 'AdamW β2 (0.999)', kind: 'float' },
  { key: 'eps', label: 'ε', help: 'AdamW ε (1e-8)', kind: 'float' },
  { key: 'clipGrad', label: 'clip norm', help: 'global gradient-norm clipping (paper: 3.0; 0 = off)', kind: 'float' },
];
