"""pytorch/data.py augments as src/data/augment.ts does: replaying the uniforms the notebook drew
(augment.json, from src/train/pytorchInterop.test.ts), the crop boxes and flips are the same, and the
resampled crops agree to float32 rounding."""
import json
import math
import os

import torch

from conftest import FIXTURES
from data import crop_box, resize_crop


class Replay:
    """Python's random API over recorded uniforms, with the notebook's formulas (src/model/random.ts)."""

    def __init__(self, us):
        self.us, self.i = us, 0

    def random(self):
        self.i += 1
        return self.us[self.i - 1]

    def uniform(self, a, b):
        return a + (b - a) * self.random()

    def randint(self, lo, hi):
        return lo + math.floor(self.random() * (hi - lo + 1))


def test_augmentation_matches_the_notebook():
    c = json.load(open(os.path.join(FIXTURES, 'augment.json')))
    img = torch.tensor(c['image']).reshape(3, c['R'], c['R'])
    rng, worst = Replay(c['uniforms']), 0.0
    for case in c['cases']:
        box = crop_box(rng, c['R'], c['R'])
        flip = rng.random() < 0.5
        b = case['box']
        assert box == (b['top'], b['left'], b['height'], b['width']) and flip == case['flip']
        out = resize_crop(img, box, c['S'], flip)
        worst = max(worst, float((out.flatten() - torch.tensor(case['out'])).abs().max()))
    assert rng.i == len(c['uniforms']), 'every uniform the notebook drew was used, in order'
    print(f'augmentation: {len(c["cases"])} boxes and flips equal, resampled crops max |diff| {worst:.3g}')
    assert worst < 1e-6
