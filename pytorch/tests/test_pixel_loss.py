"""The pixel loss equals the notebook's on the same inputs: pixel-loss.json holds images, a mask and the
losses src/model/cae.ts computed with the weights of browser-tiny.safetensors (written by
src/train/pytorchInterop.test.ts); the model has a projection (Dd != D), so that path is covered too."""
import json
import os

import torch

import checkpoint
from cae import losses
from conftest import FIXTURES


def test_pixel_loss_matches_the_notebook():
    case = json.load(open(os.path.join(FIXTURES, 'pixel-loss.json')))
    r = checkpoint.load(os.path.join(FIXTURES, 'browser-tiny.safetensors'))
    img = torch.tensor(case['images'], dtype=torch.float32).reshape(case['shape'])
    masked = torch.tensor(case['mask'], dtype=torch.bool).reshape(img.shape[0], -1)
    with torch.no_grad():
        total, rec, align = losses(r.model, r.config, img, masked)
    diffs = {'total': abs(total.item() - case['total']), 'reconstruction': abs(rec.item() - case['reconstruction']),
             'alignment': abs(align.item() - case['alignment'])}
    print('pixel loss |pytorch - notebook|:', json.dumps(diffs), 'total', total.item())
    assert max(diffs.values()) < 1e-5, diffs
