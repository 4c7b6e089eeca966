// The official evaluation rates and the kNN default as plain constants, with no TF.js import, so the
// page can show them without pulling TF.js (about 1 MB) into its main chunk; the trainers re-export them.

/** The kNN classifier's settings (src/train/knn.ts). */
export interface KnnConfig {
  /** Neighbours that vote (DINO reports 20 as usually best). */
  readonly k: number;
  /** Temperature of the vote weights exp(sim/T) (DINO 0.07). */
  readonly temperature: number;
}

/** The official fine-tuning recipe (CAE's run_class_finetuning.py). */
export const OFFICIAL_FINE_TUNE = Object.freeze({ baseLr: 4e-4, baseBatch: 1024, minLr: 1e-6, layerDecay: 0.75, weightDecay: 0.05, labelSmoothing: 0.1 });

/** The official rates: LARS blr 0.1 per 256 images, Nesterov SGD 0.4 at 8 192. */
export const OFFICIAL_PROBE_LR = Object.freeze({ linearBaseLr: 0.1, linearBaseBatch: 256, attentiveBaseLr: 0.4, attentiveBaseBatch: 8192 });

export const DEFAULT_KNN: KnnConfig = Object.freeze({ k: 20, temperature: 0.07 });
