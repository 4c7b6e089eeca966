// k-nearest-neighbour classification of frozen features, as self-supervised papers report it (DINO's
// eval_knn.py; the official CAE code has none): L2-normalized features, cosine similarity, the k
// most similar training images vote for their class with weight exp(similarity / T).
// Letters: n training images, m validation images, D width, K classes.
import * as tf from '@tensorflow/tfjs';

// The kNN settings and their default live with the other official rates (plain constants the page
// imports without TF.js); re-exported here, the one direction of import between the two files.
export { DEFAULT_KNN, type KnnConfig } from './officialRates';
import { DEFAULT_KNN, type KnnConfig } from './officialRates';

/** Validation images per similarity block, so an [m, n] matrix is never held whole. */
const BLOCK = 256;

/**
 * Predicted class of every validation feature. train: [n, D], val: [m, D]; labels in [0, K).
 * k is capped at n. Ties between classes go to the lower class index (argMax).
 */
export async function knnPredict(
  train: tf.Tensor2D,
  trainLabels: Int32Array,
  val: tf.Tensor2D,
  classes: number,
  cfg: KnnConfig = DEFAULT_KNN,
): Promise<Int32Array> {
  const n = train.shape[0];
  const m = val.shape[0];
  if (trainLabels.length !== n) throw new Error(`kNN: ${trainLabels.length} labels for ${n} training features`);
  const k = Math.min(cfg.k, n);
  const out = new Int32Array(m);
  const trainN = tf.tidy(() => l2normalize(train));
  const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(trainLabels, 'int32'), classes).toFloat()); // [n, K]
  try {
    for (let start = 0; start < m; start += BLOCK) {
      const size = Math.min(BLOCK, m - start);
      const pred = tf.tidy(() => {
        const q = l2normalize(val.slice([start, 0], [size, -1])); // [b, D]
        const sim = tf.matMul(q, trainN, false, true); // [b, n]
        const { values, indices } = tf.topk(sim, k); // [b, k]
        const w = values.div(cfg.temperature).exp(); // [b, k]
        const votes = tf.gather(oneHot, indices.reshape([-1])).reshape([size, k, classes]); // [b, k, K]
        return tf.argMax(votes.mul(w.expandDims(2)).sum(1), -1); // [b]
      });
      out.set(await pred.data(), start);
      pred.dispose();
    }
  } finally {
    tf.dispose([trainN, oneHot]);
  }
  return out;
}

function l2normalize(x: tf.Tensor2D): tf.Tensor2D {
  // torch.nn.functional.normalize: x / max(‖x‖, 1e-12)
  return x.div(tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12));
}
