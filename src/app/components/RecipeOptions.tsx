// The <option>s a training recipe chooses from, shared by the Pretrain and Tokenizer forms: the model
// presets, and the datasets a run can train on (embedded, Fashion-MNIST, and the user's imports).
import { FASHION_MNIST } from '../../data/fashionMnist';
import { BUILTIN_DATASETS } from '../../data/shapes';
import { PRESET_IDS } from '../../model/presets';
import { useStore } from '../store';

export function PresetOptions() {
  return PRESET_IDS.map((id) => (
    <option key={id} value={id}>
      {id}
    </option>
  ));
}

export function TrainingDatasetOptions() {
  const datasets = useStore((s) => s.datasets);
  return (
    <>
      {BUILTIN_DATASETS.map((d) => (
        <option key={d.id} value={d.id}>
          {d.id} (embedded{d.difficulty === 'hard' ? ', hard' : ''})
        </option>
      ))}
      <option value={FASHION_MNIST.id}>{FASHION_MNIST.label}</option>
      {datasets.map((d) => (
        <option key={d.id} value={d.id}>
          {d.name} ({d.trainSize} images{d.classes.length ? '' : ', unlabelled'})
        </option>
      ))}
    </>
  );
}
