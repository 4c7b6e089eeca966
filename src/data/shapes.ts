// The embedded procedural datasets. Ten classes told apart by shape alone (colours are random and
// independent of the class). `shapes` (hard) draws the object at random positions, scales and
// rotations over striped backgrounds with small distractors; `shapes-easy` draws it large, near the
// centre, mildly rotated, over a plain gradient and without distractors, so that a small ViT of the
// default preset can learn it in a browser's budget (docs/experiments.md has the measurement that
// set it). Every image is a pure function of (seed, split, index): nothing is downloaded or stored.
import { Rng } from '../model/random';

export const SHAPE_CLASSES = ['circle', 'ring', 'square', 'frame', 'triangle', 'cross', 'star', 'crescent', 'L-shape', 'arrow'] as const;

export type Split = 'train' | 'val';

export type ShapesDifficulty = 'hard' | 'easy';

/** The embedded datasets by id, first the notebook's default. */
export const BUILTIN_DATASETS = [
  { id: 'shapes-easy', difficulty: 'easy', label: 'shapes-easy (labelled, centred, no clutter)' },
  { id: 'shapes', difficulty: 'hard', label: 'shapes (labelled, hard: clutter, any position)' },
] as const satisfies readonly { id: string; difficulty: ShapesDifficulty; label: string }[];

export type BuiltinDatasetId = (typeof BUILTIN_DATASETS)[number]['id'];

export const isBuiltinDataset = (id: string): id is BuiltinDatasetId => BUILTIN_DATASETS.some((d) => d.id === id);

export interface Sample {
  /** RGB in [0, 1], channel-major [3, H, W]. */
  readonly image: Float32Array;
  readonly label: number;
}

export interface LabelledDataset {
  readonly name: string;
  /** Side of the batches made from it, px (the preset's image size). */
  readonly imgSize: number;
  /** Side of the images `sample` returns when it differs from imgSize (stored imports). */
  readonly sampleSize?: number;
  readonly classes: readonly string[];
  readonly trainSize: number;
  readonly valSize: number;
  /**
   * One image. A streamed dataset (an import read from IndexedDB) answers only for images whose
   * chunk is in its cache; code that may meet one reads through `readSamples` (./streamed.ts).
   */
  sample(split: Split, index: number): Sample;
  /**
   * Present on a streamed dataset: fetches the images' chunks (through a bounded cache) and hands
   * each image to `each` with its position in `indices`, in chunk order rather than in that order.
   */
  read?(split: Split, indices: readonly number[], each: (position: number, sample: Sample) => void): Promise<void>;
  /**
   * Per-patch labels of one image for feature maps (row-major patches of side `patch` px): the class
   * index where the object covers more than half the patch, else `classes.length` ("background"), as
   * the paper labels its ADE20K patches. Only datasets that know their objects' pixels have it;
   * others are labelled by the image's label.
   */
  patchLabels?(split: Split, index: number, patch: number): Int32Array;
}

/** The label that marks a patch no object covers for more than half (one past the classes). */
export const backgroundLabel = (d: Pick<LabelledDataset, 'classes'>): number => d.classes.length;

/** Patch labels from a per-pixel object coverage map [size, size]: majority object → label, else background. */
export function labelPatches(coverage: Float32Array, size: number, patch: number, label: number, background: number): Int32Array {
  if (size % patch !== 0) throw new Error(`patch ${patch} px does not divide the image side ${size} px`);
  const side = size / patch;
  const out = new Int32Array(side * side);
  for (let py = 0; py < side; py++)
    for (let px = 0; px < side; px++) {
      let sum = 0;
      for (let y = py * patch; y < (py + 1) * patch; y++) for (let x = px * patch; x < (px + 1) * patch; x++) sum += coverage[y * size + x]!;
      out[py * side + px] = sum > (patch * patch) / 2 ? label : background;
    }
  return out;
}

type Pt = readonly [number, number];

function inPolygon(u: number, v: number, poly: readonly Pt[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > v !== yj > v && u < ((xj - xi) * (v - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const regular = (n: number, r: number, phase = -Math.PI / 2): Pt[] =>
  Array.from({ length: n }, (_, i) => [r * Math.cos(phase + (2 * Math.PI * i) / n), r * Math.sin(phase + (2 * Math.PI * i) / n)] as const);
const TRIANGLE = regular(3, 0.95);
const STAR = Array.from({ length: 10 }, (_, i) => {
  const r = i % 2 === 0 ? 0.98 : 0.42;
  const a = -Math.PI / 2 + (Math.PI * i) / 5;
  return [r * Math.cos(a), r * Math.sin(a)] as const;
});
const ARROW_HEAD: Pt[] = [
  [0.15, -0.6],
  [0.95, 0],
  [0.15, 0.6],
];

/** Whether the unit-size shape of class `k` covers local point (u, v); the shape fits |u|, |v| ≤ 1. */
export function insideShape(k: number, u: number, v: number): boolean {
  const r2 = u * u + v * v;
  const au = Math.abs(u);
  const av = Math.abs(v);
  switch (k) {
    case 0:
      return r2 <= 0.8 * 0.8;
    case 1:
      return r2 <= 0.9 * 0.9 && r2 >= 0.52 * 0.52;
    case 2:
      return au <= 0.68 && av <= 0.68;
    case 3:
      return au <= 0.8 && av <= 0.8 && !(au <= 0.42 && av <= 0.42);
    case 4:
      return inPolygon(u, v, TRIANGLE);
    case 5:
      return (au <= 0.24 && av <= 0.9) || (av <= 0.24 && au <= 0.9);
    case 6:
      return inPolygon(u, v, STAR);
    case 7:
      return r2 <= 0.85 * 0.85 && (u - 0.38) ** 2 + v * v >= 0.68 * 0.68;
    case 8:
      return (u >= -0.75 && u <= -0.25 && av <= 0.85) || (au <= 0.75 && v >= 0.35 && v <= 0.85);
    case 9:
      return (av <= 0.18 && u >= -0.9 && u <= 0.2) || inPolygon(u, v, ARROW_HEAD);
    default:
      throw new Error(`no shape class ${k}`);
  }
}

function hsv(h: number, s: number, v: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)];
}
const luminance = (c: readonly number[]) => 0.299 * c[0]! + 0.587 * c[1]! + 0.114 * c[2]!;

/** Hash of (seed, split, index) into a 32-bit generator seed. */
function sampleSeed(seed: number, split: Split, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ (split === 'train' ? 0x1b873593 : 0x68e31da4);
  h = Math.imul(h ^ (h >>> 13) ^ index, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

interface Distractor {
  kind: 'dot' | 'line';
  x: number;
  y: number;
  dx: number;
  dy: number;
  w: number;
  color: [number, number, number];
  /** Bounding box, so most samples skip the exact test. */
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * Renders one image at `size` px with 2×2 supersampling. When `coverage` (size² floats) is given it
 * receives, per pixel, the fraction of the pixel the class's object covers (distractors are not the
 * object): the ground truth the patch labels of `patchLabels` are read from.
 */
export function renderShape(size: number, label: number, rng: Rng, difficulty: ShapesDifficulty = 'hard', coverage?: Float32Array): Float32Array {
  const easy = difficulty === 'easy';
  const bgA = hsv(rng.next(), rng.uniform(0.1, 0.6), rng.uniform(0.2, 0.9));
  const bgB = hsv(rng.next(), rng.uniform(0.1, 0.6), rng.uniform(0.2, 0.9));
  const gradAngle = rng.uniform(0, 2 * Math.PI);
  const stripeFreq = rng.uniform(2, 7);
  const stripeAngle = rng.uniform(0, Math.PI);
  const stripeAmp = easy ? 0 : rng.uniform(0.02, 0.12);
  // The object contrasts with the background's mean so it is visible without being colour-coded.
  const bgLum = luminance(bgA.map((a, i) => (a + bgB[i]!) / 2));
  let fg = hsv(rng.next(), rng.uniform(0.4, 1), rng.uniform(0.3, 1));
  for (let tries = 0; tries < 20 && Math.abs(luminance(fg) - bgLum) < 0.25; tries++) fg = hsv(rng.next(), rng.uniform(0.4, 1), rng.uniform(0.05, 1));
  const scale = easy ? rng.uniform(0.34, 0.42) : rng.uniform(0.2, 0.36); // object radius as a fraction of the image side
  const cx = easy ? rng.uniform(0.44, 0.56) : rng.uniform(scale, 1 - scale);
  const cy = easy ? rng.uniform(0.44, 0.56) : rng.uniform(scale, 1 - scale);
  const rot = easy ? rng.uniform(-Math.PI / 8, Math.PI / 8) : rng.uniform(0, 2 * Math.PI);
  const [cr, sr] = [Math.cos(rot), Math.sin(rot)];
  const distractors: Distractor[] = Array.from({ length: easy ? 0 : rng.randint(3, 7) }, () => {
    const kind = rng.next() < 0.5 ? ('dot' as const) : ('line' as const);
    const [x, y, dx, dy, w] = [rng.next(), rng.next(), rng.uniform(-0.12, 0.12), rng.uniform(-0.12, 0.12), rng.uniform(0.015, 0.035)];
    const color = hsv(rng.next(), rng.uniform(0.2, 1), rng.uniform(0.2, 1));
    const [ex, ey] = kind === 'dot' ? [0, 0] : [dx, dy];
    return { kind, x, y, dx, dy, w, color, x0: Math.min(x, x + ex) - w, x1: Math.max(x, x + ex) + w, y0: Math.min(y, y + ey) - w, y1: Math.max(y, y + ey) + w };
  });

  const out = new Float32Array(3 * size * size);
  const plane = size * size;
  const [ga, gb] = [Math.cos(gradAngle) * 1.4, Math.sin(gradAngle) * 1.4];
  const [sa, sb] = [Math.cos(stripeAngle) * 2 * Math.PI * stripeFreq, Math.sin(stripeAngle) * 2 * Math.PI * stripeFreq];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sub = 0; sub < 4; sub++) {
        // Scalars only in this loop: it runs 4·size² times per image.
        const fx = (x + 0.25 + 0.5 * (sub & 1)) / size;
        const fy = (y + 0.25 + 0.5 * (sub >> 1)) / size;
        let c: readonly number[] | null = null;
        const lx = (fx - cx) / scale;
        const ly = (fy - cy) / scale;
        if (lx * lx + ly * ly <= 2 && insideShape(label, cr * lx + sr * ly, -sr * lx + cr * ly)) {
          c = fg;
          covered++;
        }
        for (let k = distractors.length - 1; k >= 0 && !c; k--) {
          const d = distractors[k]!;
          if (fx < d.x0 || fx > d.x1 || fy < d.y0 || fy > d.y1) continue;
          let hit: boolean;
          if (d.kind === 'dot') hit = (fx - d.x) ** 2 + (fy - d.y) ** 2 <= d.w * d.w;
          else {
            const len2 = d.dx * d.dx + d.dy * d.dy;
            const s = Math.max(0, Math.min(1, ((fx - d.x) * d.dx + (fy - d.y) * d.dy) / len2));
            hit = (fx - d.x - s * d.dx) ** 2 + (fy - d.y - s * d.dy) ** 2 <= (d.w / 2.5) ** 2;
          }
          if (hit) c = d.color;
        }
        if (c) {
          r += c[0]!;
          g += c[1]!;
          b += c[2]!;
        } else {
          const t = 0.5 + 0.5 * ((fx - 0.5) * ga + (fy - 0.5) * gb);
          const stripe = stripeAmp * Math.sin(fx * sa + fy * sb);
          r += bgA[0] * (1 - t) + bgB[0] * t + stripe;
          g += bgA[1] * (1 - t) + bgB[1] * t + stripe;
          b += bgA[2] * (1 - t) + bgB[2] * t + stripe;
        }
      }
      const o = y * size + x;
      if (coverage) coverage[o] = covered / 4;
      out[o] = Math.min(1, Math.max(0, r / 4));
      out[plane + o] = Math.min(1, Math.max(0, g / 4));
      out[2 * plane + o] = Math.min(1, Math.max(0, b / 4));
    }
  }
  return out;
}

/** Training images of an embedded set unless a caller asks for another size (pretraining never does). */
export const SHAPES_TRAIN_SIZE = 20_000;

/** A `shapes` dataset: balanced classes, a fixed seeded validation split disjoint from training. */
export function shapesDataset(
  seed: number,
  imgSize: number,
  sizes: { train?: number; val?: number } = {},
  difficulty: ShapesDifficulty = 'hard',
): LabelledDataset {
  const trainSize = sizes.train ?? SHAPES_TRAIN_SIZE;
  const valSize = sizes.val ?? 1_000;
  return {
    name: difficulty === 'easy' ? 'shapes-easy' : 'shapes',
    imgSize,
    classes: SHAPE_CLASSES,
    trainSize,
    valSize,
    sample(split, index) {
      const n = split === 'train' ? trainSize : valSize;
      if (!(index >= 0 && index < n)) throw new Error(`shapes: ${split} index ${index} out of range [0, ${n})`);
      const label = index % SHAPE_CLASSES.length;
      return { image: renderShape(imgSize, label, new Rng(sampleSeed(seed, split, index)), difficulty), label };
    },
    patchLabels(split, index, patch) {
      const label = index % SHAPE_CLASSES.length;
      const coverage = new Float32Array(imgSize * imgSize);
      renderShape(imgSize, label, new Rng(sampleSeed(seed, split, index)), difficulty, coverage);
      return labelPatches(coverage, imgSize, patch, label, SHAPE_CLASSES.length);
    },
  };
}

/** An embedded dataset by id; any other id is an import, which only the worker can read back. */
export function builtinDataset(id: string, seed: number, imgSize: number, sizes: { train?: number; val?: number } = {}): LabelledDataset {
  const d = BUILTIN_DATASETS.find((b) => b.id === id);
  if (!d) throw new Error(`"${id}" is not an embedded dataset (${BUILTIN_DATASETS.map((b) => b.id).join(', ')})`);
  return shapesDataset(seed, imgSize, sizes, d.difficulty);
}
