"""An ImageFolder with the notebook's pretraining pipeline (src/worker/decodeImage.ts, src/data/loader.ts,
src/data/augment.ts): the centre square resized to the stored size, then torchvision's RandomResizedCrop
box (scale 0.08-1, ratio 3/4-4/3), a flip with probability 1/2, bilinear resampling at half-pixel
centres clamped to the stored image (no antialias), and ImageNet normalization.

The stored-square resize is the browser's high-quality resampler in the notebook and PIL's bicubic here
(both antialiased, not bit-identical); everything after it is computed as the notebook computes it.
Data order and random choices depend on (seed, epoch, global position) only, so any number of
processes sees the same global batches."""
import math
import os
import random

import torch
from PIL import Image

from cae import sample_randomness, sample_seed

MEAN = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)
EXTS = ('.jpg', '.jpeg', '.png', '.bmp', '.gif', '.webp', '.tif', '.tiff')


def crop_box(rng, H, W, scale=(0.08, 1.0), ratio=(3 / 4, 4 / 3)):
    """torchvision RandomResizedCrop.get_params as src/data/augment.ts draws it: (top, left, height, width)."""
    area = H * W
    lr = (math.log(ratio[0]), math.log(ratio[1]))
    for _ in range(10):
        target = area * rng.uniform(*scale)
        aspect = math.exp(rng.uniform(*lr))
        w, h = _round(math.sqrt(target * aspect)), _round(math.sqrt(target / aspect))
        if 0 < w <= W and 0 < h <= H:
            return rng.randint(0, H - h), rng.randint(0, W - w), h, w
    r = W / H
    if r < ratio[0]:
        w, h = W, _round(W / ratio[0])
    elif r > ratio[1]:
        h, w = H, _round(H * ratio[1])
    else:
        w, h = W, H
    return (H - h) // 2, (W - w) // 2, h, w


def _round(x):  # JavaScript's Math.round (half up), which the notebook uses for crop sides
    return math.floor(x + 0.5)


def resize_crop(img, box, size, flip=False):
    """Bilinear resampling of box to size x size; sample points may read just outside the box (clamped to the image)."""
    _, H, W = img.shape
    top, left, h, w = box
    ys, xs = torch.arange(size, dtype=torch.float64), torch.arange(size, dtype=torch.float64)
    if flip:
        xs = size - 1 - xs
    fy = (top + (ys + 0.5) * (h / size) - 0.5).clamp(0, H - 1)
    fx = (left + (xs + 0.5) * (w / size) - 0.5).clamp(0, W - 1)
    y0, x0 = fy.floor().long(), fx.floor().long()
    y1, x1 = (y0 + 1).clamp(max=H - 1), (x0 + 1).clamp(max=W - 1)
    wy, wx = (fy - y0).float().view(1, -1, 1), (fx - x0).float().view(1, 1, -1)
    row = lambda y: img[:, y][:, :, x0] * (1 - wx) + img[:, y][:, :, x1] * wx
    return row(y0) * (1 - wy) + row(y1) * wy


def augment(rng, img, size):
    box = crop_box(rng, img.shape[1], img.shape[2])
    flip = rng.random() < 0.5
    return resize_crop(img, box, size, flip)


def normalize(img):
    return (img - MEAN) / STD


def load_square(path, stored):
    """The centre square of an image, resized to stored x stored: float RGB [3, S, S] in [0, 1]."""
    with Image.open(path) as im:
        im = im.convert('RGB')
        w, h = im.size
        s = min(w, h)
        im = im.crop(((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s)).resize((stored, stored), Image.BICUBIC)
        return torch.frombuffer(bytearray(im.tobytes()), dtype=torch.uint8).view(stored, stored, 3).permute(2, 0, 1).float() / 255


def list_images(root):
    """Every image under root's class subfolders, in a fixed order (sorted, as torchvision's ImageFolder)."""
    out = []
    for cls in sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d))):
        for dirpath, _, files in sorted(os.walk(os.path.join(root, cls))):
            out += [os.path.join(dirpath, f) for f in sorted(files) if f.lower().endswith(EXTS)]
    if not out:
        raise ValueError(f'{root}: no images in class subfolders (an ImageFolder: root/class/image.jpg)')
    return out


class Pretraining(torch.utils.data.Dataset):
    """Item (epoch, index, step, global position) → (augmented normalized image, mask, drop-path uniforms).
    The augmentation comes from (seed, epoch, index), mask and drops from (seed, step, position)
    (cae.sample_randomness): drawn in the loader's workers, the same wherever the sample lands."""

    def __init__(self, root, config, stored_size, seed, sites):
        self.files, self.c, self.stored, self.seed, self.sites = list_images(root), config, stored_size, seed, sites

    def __len__(self):
        return len(self.files)

    def __getitem__(self, key):
        epoch, i, step, gpos = key
        rng = random.Random(sample_seed(self.seed, epoch, i, 3))
        img = normalize(augment(rng, load_square(self.files[i], self.stored), self.c['imgSize']))
        return (img, *sample_randomness(self.c, self.sites, self.seed, step, gpos))


class GlobalBatches(torch.utils.data.Sampler):
    """A seeded permutation per epoch cut into global batches of `total`; this rank reads its contiguous
    share of each, from global step `start` on. The last partial batch of an epoch is dropped."""

    def __init__(self, n, total, rank, world, seed, start=0):
        if total % world:
            raise ValueError(f'the total batch {total} must be divisible by the {world} processes')
        if n < total:
            raise ValueError(f'{n} images are fewer than one batch of {total}')
        self.n, self.total, self.rank, self.world, self.seed, self.start = n, total, rank, world, seed, start
        self.per_epoch = n // total

    def __iter__(self):  # keys (epoch, image index, step, global position in the step's batch)
        step, local = self.start, self.total // self.world
        while True:
            epoch, k = divmod(step, self.per_epoch)
            perm = torch.randperm(self.n, generator=torch.Generator().manual_seed(self.seed * 1009 + epoch)).tolist()
            first = k * self.total + self.rank * local
            yield from ((epoch, perm[first + j], step, self.rank * local + j) for j in range(local))
            step += 1
