"""The official CAE's outputs, losses and gradients (../shared/fixtures/cae-official) reproduced by
pytorch/cae.py, as src/model/parity.test.ts checks the notebook. Tolerances from the fixtures' README:
outputs and losses within 1e-4 (absolute or relative), gradients within 1e-3 of the tensor's largest value."""
import json
import os

import pytest
import torch

import checkpoint
import safetensors_io
from cae import Cae, losses
from conftest import OFFICIAL_FIXTURES

NAMES = sorted(f[:-len('.weights.safetensors')] for f in os.listdir(OFFICIAL_FIXTURES) if f.endswith('.weights.safetensors')) \
    if os.path.isdir(OFFICIAL_FIXTURES) else []


def err(a, b):
    return float((a - b).abs().max() / max(1.0, float(b.abs().max())))


@pytest.mark.skipif(not NAMES, reason=f'no official fixtures at {OFFICIAL_FIXTURES} (set CAE_FIXTURES_DIR)')
@pytest.mark.parametrize('name', NAMES)
def test_official_fixture(name):
    w, meta = safetensors_io.load(os.path.join(OFFICIAL_FIXTURES, f'{name}.weights.safetensors'))
    io, _ = safetensors_io.load(os.path.join(OFFICIAL_FIXTURES, f'{name}.io.safetensors'))
    c = checkpoint.from_official(json.loads(meta['config']))
    m = Cae(c)
    sd = {k: v for k, v in w.items() if not k.startswith(checkpoint.IGNORED) and k not in checkpoint.BUFFERS}
    missing, unexpected = m.load_state_dict(sd, strict=False)
    assert not missing and not unexpected, (missing, unexpected)
    assert torch.allclose(w['encoder.pos_embed'], m.encoder.pos_embed, atol=1e-6), 'position embedding order'
    img, masked = io['input.images'], io['input.bool_masked_pos'].bool()
    total, rec, align = losses(m, c, img, masked, io['input.labels'].long())
    out, pred, target = m(img, masked)
    total.backward()
    with torch.no_grad():
        report = {
            'encoder_visible': err(m.encoder(img, ~masked), io['output.encoder_visible']),
            'encoder_all_patches': err(m.encoder(img, torch.ones_like(masked)), io['output.encoder_all_patches']),
            'latent_predict': err(pred, io['output.latent_predict']),
            'latent_target': err(target, io['output.latent_target']),
            'logits': err(out, io['output.logits']),
            'loss.reconstruction': err(rec.reshape(1), io['loss.reconstruction'].reshape(1)),
            'loss.alignment': err(align.reshape(1), io['loss.alignment'].reshape(1)),
            'loss.total': err(total.reshape(1), io['loss.total'].reshape(1)),
        }
        grads = {n: err(p.grad, io['grad.' + n]) for n, p in m.named_parameters() if p.requires_grad}
    assert len(grads) == sum(1 for k in io if k.startswith('grad.')), 'every official gradient is compared'
    print(name, json.dumps({**report, 'worst_grad': max(grads.values()), 'grads': len(grads)}))
    assert max(report.values()) < 1e-4, report
    assert max(grads.values()) < 1e-3, sorted(grads.items(), key=lambda kv: -kv[1])[:3]
