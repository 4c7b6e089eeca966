// Published Fashion-MNIST results to read the notebook's numbers against: a linear classifier on
// pixels, an MLP and a small CNN. All were trained on the full 60 000 training images and scored on
// the 10 000 test images, so they are a reference, not a like-for-like comparison with the notebook's
// 8 000 / 2 000 split of the test images (fewer training images: expect lower numbers here).

export interface PublishedBaseline {
  /** Short name of the model family. */
  readonly model: string;
  /** What exactly was trained, as its source describes it. */
  readonly what: string;
  /** Top-1 accuracy on Fashion-MNIST's test set, in [0, 1]. */
  readonly top1: number;
  /** Where the number is published. */
  readonly source: string;
}

export const FASHION_MNIST_BASELINES = [
  {
    model: 'linear (logistic regression on pixels)',
    what: "scikit-learn LogisticRegression, C=1, one-vs-rest, L1 penalty: the best of the paper's logistic-regression grid",
    // The paper's value; the search tool returned only the paper's first page, so it was not re-read here.
    top1: 0.842,
    source: 'Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747, Table 3',
  },
  {
    model: 'MLP',
    what: 'hidden layers of 256, 128 and 100 units, no preprocessing (submitted by @heitorrapela)',
    top1: 0.8833,
    source: 'zalandoresearch/fashion-mnist README, benchmark table',
  },
  {
    model: 'small CNN',
    what: "2 convolutions with pooling (TensorFlow's layers tutorial, benchmark/convnet.py), no preprocessing",
    top1: 0.916,
    source: 'zalandoresearch/fashion-mnist README, benchmark table',
  },
] as const satisfies readonly PublishedBaseline[];

export const BASELINES_CAVEAT =
  "Published, trained on the full 60 000 training images and scored on the 10 000 test images: not comparable one-to-one with the notebook's 8 000 / 2 000 split of the test images.";
