// The official pretraining augmentation: RandomResizedCrop(scale 0.08–1, ratio 3/4–4/3) and a
// horizontal flip (torchvision's algorithms, seeded), then ImageNet normalization.
// Images are channel-major float RGB [3, H, W] in [0, 1].
import type { Rng } from '../model/random';

export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

export interface CropBox {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/** torchvision RandomResizedCrop.get_params: ten tries, then a centre crop clamped to the ratio range. */
export function randomResizedCropBox(
  rng: Rng,
  H: number,
  W: number,
  scale: readonly [number, number] = [0.08, 1],
  ratio: readonly [number, number] = [3 / 4, 4 / 3],
): CropBox {
  const area = H * W;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])] as const;
  for (let i = 0; i < 10; i++) {
    const target = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logRatio[0], logRatio[1]));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && w <= W && h > 0 && h <= H) return { top: rng.randint(0, H - h), left: rng.randint(0, W - w), height: h, width: w };
  }
  const inRatio = W / H;
  let w: number;
  let h: number;
  if (inRatio < ratio[0]) {
    w = W;
    h = Math.round(w / ratio[0]);
  } else if (inRatio > ratio[1]) {
    h = H;
    w = Math.round(h * ratio[1]);
  } else {
    w = W;
    h = H;
  }
  return { top: Math.floor((H - h) / 2), left: Math.floor((W - w) / 2), height: h, width: w };
}

/** Bilinear resampling of a crop to size×size (half-pixel centres, as align_corners=False). */
export function resizeCrop(img: Float32Array, H: number, W: number, box: CropBox, size: number, flip = false): Float32Array {
  const out = new Float32Array(3 * size * size);
  const sy = box.height / size;
  const sx = box.width / size;
  for (let y = 0; y < size; y++) {
    const fy = Math.min(Math.max(box.top + (y + 0.5) * sy - 0.5, 0), H - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, H - 1);
    const wy = fy - y0;
    for (let x = 0; x < size; x++) {
      const xs = flip ? size - 1 - x : x;
      const fx = Math.min(Math.max(box.left + (xs + 0.5) * sx - 0.5, 0), W - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, W - 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const p = c * H * W;
        const top = img[p + y0 * W + x0]! * (1 - wx) + img[p + y0 * W + x1]! * wx;
        const bot = img[p + y1 * W + x0]! * (1 - wx) + img[p + y1 * W + x1]! * wx;
        out[c * size * size + y * size + x] = top * (1 - wy) + bot * wy;
      }
    }
  }
  return out;
}

/** The official recipe on one image: crop box, flip with probability ½, resize to `size`. */
export function augment(rng: Rng, img: Float32Array, H: number, W: number, size: number): Float32Array {
  const box = randomResizedCropBox(rng, H, W);
  const flip = rng.next() < 0.5;
  return resizeCrop(img, H, W, box, size, flip);
}

/** ImageNet normalization in place: (x − mean) / std per channel. */
export function normalizeImageNet(img: Float32Array): Float32Array {
  const plane = img.length / 3;
  for (let c = 0; c < 3; c++) {
    const [m, s] = [IMAGENET_MEAN[c]!, IMAGENET_STD[c]!];
    for (let i = c * plane; i < (c + 1) * plane; i++) img[i] = (img[i]! - m) / s;
  }
  return img;
}

/** Inverse of normalizeImageNet, clamped to [0, 1], for display. */
export function denormalizeImageNet(img: Float32Array): Float32Array {
  const out = new Float32Array(img.length);
  const plane = img.length / 3;
  for (let c = 0; c < 3; c++)
    for (let i = c * plane; i < (c + 1) * plane; i++) out[i] = Math.min(1, Math.max(0, img[i]! * IMAGENET_STD[c]! + IMAGENET_MEAN[c]!));
  return out;
}
