// A 2-D map of patch features (the paper's Figure 7 shows a t-SNE of ViT patch features labelled by
// the category covering each patch). UMAP through umap-js (PAIR's maintained port): it keeps local
// neighbourhoods like t-SNE, scales to the few thousand patches a browser can afford, and takes a
// random function, so the map is a pure function of the features and the seed. Features are
// compared by cosine distance, as the kNN readout compares them.
import { UMAP } from 'umap-js';
import { Rng } from '../model/random';

export interface EmbedOptions {
  readonly seed: number;
  readonly neighbours?: number;
  readonly minDist?: number;
  /** Optimisation epochs (umap-js's default is 500 below 10 000 points; 200 already settles a few thousand). */
  readonly epochs?: number;
  /** Called between optimisation epochs so a worker can yield to its message queue; true stops early. */
  readonly onEpoch?: (epoch: number, total: number) => Promise<boolean | void>;
}

const cosine = (a: number[], b: number[]): number => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return 1 - dot / (Math.sqrt(na * nb) || 1);
};

/** Rows of `x` [n, d] embedded in 2-D: [n, 2]. */
export async function embed2d(x: Float32Array, n: number, d: number, o: EmbedOptions): Promise<Float32Array> {
  if (x.length !== n * d) throw new Error(`embed: ${x.length} values are not ${n} rows of ${d}`);
  if (n < 3) throw new Error(`embed: a map needs at least 3 points, got ${n}`);
  const rows = Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * d, (i + 1) * d)));
  const rng = new Rng(o.seed);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(o.neighbours ?? 15, n - 1),
    minDist: o.minDist ?? 0.1,
    nEpochs: o.epochs ?? 200,
    distanceFn: cosine,
    random: () => rng.next(),
  });
  const epochs = umap.initializeFit(rows);
  for (let e = 0; e < epochs; e++) {
    umap.step();
    if (o.onEpoch && e % 25 === 24 && (await o.onEpoch(e + 1, epochs)) === true) break;
  }
  const out = new Float32Array(n * 2);
  umap.getEmbedding().forEach((p, i) => {
    out[2 * i] = p[0]!;
    out[2 * i + 1] = p[1]!;
  });
  return out;
}
