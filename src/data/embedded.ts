// Every dataset the notebook ships: the generated shapes sets and Fashion-MNIST's test split (fetched
// from the app's own files when chosen). The selects list these before the imported datasets; the
// page asks here what it needs to know about one without loading it.
import { FASHION_MNIST, FASHION_MNIST_CLASSES, FASHION_MNIST_ID } from './fashionMnist';
import { BUILTIN_DATASETS, isBuiltinDataset, SHAPE_CLASSES, SHAPES_TRAIN_SIZE } from './shapes';

export const EMBEDDED_DATASETS: readonly { readonly id: string; readonly label: string }[] = [...BUILTIN_DATASETS, FASHION_MNIST];

/** Whether an id names a dataset the notebook ships (not an import kept in this browser). */
export const isEmbeddedDataset = (id: string): boolean => isBuiltinDataset(id) || id === FASHION_MNIST_ID;

/** Training images of an embedded dataset (pretraining reads them all). */
export const embeddedTrainSize = (id: string): number => (id === FASHION_MNIST_ID ? FASHION_MNIST.trainSize : SHAPES_TRAIN_SIZE);

/** Classes of an embedded dataset. */
export const embeddedClasses = (id: string): readonly string[] => (id === FASHION_MNIST_ID ? FASHION_MNIST_CLASSES : SHAPE_CLASSES);
