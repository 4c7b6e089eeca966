"""The d-VAE tokenizer twin (pytorch/dvae.py) against the notebook: weights the notebook exported
(dvae-notebook.safetensors, written by src/model/dvaeParity.test.ts) give the notebook's logits and
hard-code decoding here; the KL term equals its closed form; the committed PyTorch fixture
(make_dvae_fixtures.py) is what this code computes."""
import json
import math
import os

import torch
import torch.nn.functional as F
from torch.distributions import Categorical, kl_divergence

import safetensors_io
from conftest import FIXTURES
from dvae import Dvae, from_safetensors, gumbel_like

EXTRAS = ('input', 'gumbel', 'logits', 'codes', 'hard_decode')


def weights(tensors):
    return {k: v for k, v in tensors.items() if k not in EXTRAS and not k.startswith('grad.')}


def close(a, b, tol=1e-5):
    return (a - b).abs().max().item() <= tol * max(1.0, b.abs().max().item())


def test_notebook_export_loads_and_gives_the_notebooks_outputs():
    tensors, meta = safetensors_io.load(os.path.join(FIXTURES, 'dvae-notebook.safetensors'))
    model = from_safetensors(weights(tensors), meta)
    x = tensors['input']
    with torch.no_grad():
        assert close(model.logits(x), tensors['logits'])
        assert close(model.decode_codes(model.codes(x)), tensors['hard_decode'])


def test_strict_loading_names_what_is_missing():
    tensors, meta = safetensors_io.load(os.path.join(FIXTURES, 'dvae-notebook.safetensors'))
    w = weights(tensors)
    del w['decoder.output.bias']
    try:
        from_safetensors(w, meta)
    except ValueError as e:
        assert 'decoder.output.bias' in str(e)
    else:
        raise AssertionError('a file without decoder.output.bias loaded')


def test_kl_term_is_the_closed_form():
    torch.manual_seed(0)
    cfg = {'imgSize': 8, 'downsample': 4, 'vocabSize': 7, 'hiddenDim': 2, 'blocksPerGroup': 1}
    model = Dvae(cfg)
    x = torch.rand(3, 3, 8, 8)
    _, _, kl, logits = model.loss(x, torch.zeros(3, 4, 7), 1.0, 0.0)
    uniform = Categorical(logits=torch.zeros(7))
    closed = kl_divergence(Categorical(logits=logits), uniform).mean()
    assert abs(kl.item() - closed.item()) < 1e-6
    # Flat logits: zero; one certain code: log K.
    for logits, want in ((torch.zeros(1, 1, 7), 0.0), (torch.tensor([[[60.0, 0, 0, 0, 0, 0, 0]]]), math.log(7))):
        logq = F.log_softmax(logits, -1)
        assert abs(((logq.exp() * logq).sum(-1).mean() + math.log(7)).item() - want) < 1e-6


def test_committed_fixture_is_what_this_code_computes():
    tensors, meta = safetensors_io.load(os.path.join(FIXTURES, 'dvae-tiny.safetensors'))
    model = from_safetensors(weights(tensors), meta)
    total, rec, kl, logits = model.loss(tensors['input'], tensors['gumbel'], float(meta['temperature']), float(meta['klWeight']))
    want = json.loads(meta['losses'])
    assert abs(total.item() - want['total']) < 1e-6 and abs(kl.item() - want['kl']) < 1e-6 and abs(rec.item() - want['reconstruction']) < 1e-6
    assert torch.equal(logits.argmax(-1).int(), tensors['codes'])


def test_gumbel_noise_is_standard_gumbel():
    g = gumbel_like((200_000,), generator=torch.Generator().manual_seed(1))
    assert abs(g.mean().item() - 0.5772) < 0.02 and abs(g.var().item() - math.pi ** 2 / 6) < 0.05
