"""Shared helpers: pytorch/ on the path, the fixture folders, a tiny synthetic ImageFolder."""
import os
import sys

import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
FIXTURES = os.path.join(HERE, 'fixtures')
OFFICIAL_FIXTURES = os.environ.get('CAE_FIXTURES_DIR', os.path.join(HERE, '..', '..', '..', 'shared', 'fixtures', 'cae-official'))
torch.set_num_threads(1)  # the tests are tiny; one thread keeps a shared machine responsive


def make_image_folder(root, classes=2, per_class=4, size=(20, 28), seed=0):
    """root/class_k/img_i.png: smooth random colour images of uneven sides (so the centre square matters)."""
    from PIL import Image
    g = torch.Generator().manual_seed(seed)
    for k in range(classes):
        os.makedirs(os.path.join(root, f'class_{k}'), exist_ok=True)
        for i in range(per_class):
            low = torch.rand(3, 4, 4, generator=g)
            img = torch.nn.functional.interpolate(low[None], size=size, mode='bilinear', align_corners=False)[0]
            arr = (img.clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).contiguous().numpy()
            Image.fromarray(arr).save(os.path.join(root, f'class_{k}', f'img_{i}.png'))
    return root


@pytest.fixture
def image_folder(tmp_path):
    return make_image_folder(str(tmp_path / 'images'))
