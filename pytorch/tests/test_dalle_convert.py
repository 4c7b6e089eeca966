"""The DALL-E encoder converter (pytorch/convert_dalle.py): names and shapes survive the round trip,
the converted file computes the PyTorch encoder's logits, encoder.pkl-style pickles load without the
dall_e package, the full published size maps every key, and the committed fixture is what this code
computes (the notebook checks its encoder against that fixture)."""
import os
import sys
import types

import pytest
import torch
import torch.nn.functional as F

import safetensors_io
from conftest import FIXTURES
from convert_dalle import FORMAT, convert, load_state_dict, notebook_name
from dalle_encoder import Encoder, EncoderBlock, Conv2d, map_pixels
import make_dalle_fixtures as fx

EXTRAS = ('input', 'logits', 'codes')


def close(a, b, tol=1e-5):
    return (a - b).abs().max().item() <= tol * max(1.0, b.abs().max().item())


def forward_by_notebook_names(t, cfg, x):
    """The published forward written against the converted names alone (so the names mean what they say)."""
    conv = lambda h, n: F.conv2d(h, t[f'{n}.weight'], t[f'{n}.bias'], padding=(t[f'{n}.weight'].shape[-1] - 1) // 2)
    gain = 1 / (4 * cfg['blocksPerGroup']) ** 2
    h = conv(map_pixels(x), 'encoder.input')
    for g in range(4):
        for i in range(cfg['blocksPerGroup']):
            n = f'encoder.groups.{g}.blocks.{i}'
            r = h
            for k in range(1, 5):
                r = conv(F.relu(r), f'{n}.conv{k}')
            h = (conv(h, f'{n}.id') if f'{n}.id.weight' in t else h) + gain * r
        if g < 3:
            h = F.max_pool2d(h, 2)
    return conv(F.relu(h), 'encoder.output').flatten(2).transpose(1, 2)


def test_round_trip_names_shapes_values_and_logits(tmp_path):
    enc = fx.tiny_encoder(3)
    sd = enc.state_dict()
    tensors, meta = convert(sd, fx.SIZE)
    path = tmp_path / 'tok.safetensors'
    safetensors_io.save(path, tensors, meta)
    back, meta2 = safetensors_io.load(path)
    assert meta2['format'] == FORMAT
    assert list(back) == [notebook_name(k) for k in sd]
    for k, v in sd.items():
        assert back[notebook_name(k)].dtype == torch.float32
        assert torch.equal(back[notebook_name(k)], v), k
    x = fx.sample_input(torch.Generator().manual_seed(1))
    assert close(forward_by_notebook_names(back, {'blocksPerGroup': fx.BLOCKS}, x), fx.notebook_logits(enc, x))
    # and the inverse: the file's weights back in the published module compute the same logits
    inv = {notebook_name(k): k for k in sd}
    again = Encoder(fx.N_HID, fx.BLOCKS, 3, fx.VOCAB)
    again.load_state_dict({inv[n]: t for n, t in back.items()})
    assert torch.equal(fx.notebook_logits(again, x), fx.notebook_logits(enc, x))


def test_metadata_names_an_encoder_only_tokenizer_of_its_shape():
    _, meta = convert(fx.tiny_encoder().state_dict(), 112)
    import json
    assert json.loads(meta['dvae.model']) == {'kind': 'dalle-encoder', 'imgSize': 112, 'downsample': 8, 'vocabSize': fx.VOCAB,
                                              'hiddenDim': fx.N_HID, 'blocksPerGroup': fx.BLOCKS}


def test_full_published_size_maps_every_key():
    sd = Encoder(device='meta').state_dict()  # n_hid 256, 2 blocks, vocab 8192: 54 M parameters, no memory
    tensors, meta = convert(sd)
    assert len(tensors) == len(sd) == 74
    assert '"imgSize": 112' in meta['dvae.model'] and '"vocabSize": 8192' in meta['dvae.model']
    assert tuple(tensors['encoder.input.weight'].shape) == (256, 3, 7, 7)
    assert tuple(tensors['encoder.groups.1.blocks.0.id.weight'].shape) == (512, 256, 1, 1)
    assert tuple(tensors['encoder.groups.3.blocks.1.conv1.weight'].shape) == (512, 2048, 3, 3)
    assert tuple(tensors['encoder.groups.3.blocks.1.conv4.weight'].shape) == (2048, 512, 1, 1)
    assert tuple(tensors['encoder.output.weight'].shape) == (8192, 2048, 1, 1)
    assert 'encoder.groups.0.blocks.0.id.weight' not in tensors  # same width: identity skip


def test_a_pickled_dall_e_module_loads_without_the_package(tmp_path):
    """encoder.pkl is a pickled dall_e.encoder.Encoder; fake the package to write one, then load it without."""
    enc = fx.tiny_encoder(5)
    fakes = {'dall_e': types.ModuleType('dall_e'), 'dall_e.encoder': types.ModuleType('dall_e.encoder'),
             'dall_e.utils': types.ModuleType('dall_e.utils')}
    for mod, base in (('dall_e.encoder', Encoder), ('dall_e.encoder', EncoderBlock), ('dall_e.utils', Conv2d)):
        cls = type(base.__name__, (base,), {'__module__': mod})
        setattr(fakes[mod], base.__name__, cls)
        for m in enc.modules():
            if type(m) is base:
                m.__class__ = cls
    sys.modules.update(fakes)
    try:
        torch.save(enc, tmp_path / 'encoder.pkl')
    finally:
        for k in fakes:
            del sys.modules[k]
    sd = load_state_dict(tmp_path / 'encoder.pkl')
    assert list(sd) == list(enc.state_dict())
    assert all(torch.equal(sd[k], v) for k, v in enc.state_dict().items())


def test_a_prefixed_state_dict_and_clear_refusals(tmp_path):
    sd = fx.tiny_encoder().state_dict()
    torch.save({'state_dict': {f'encoder.{k}': v for k, v in sd.items()}}, tmp_path / 'enc.pt')
    assert list(load_state_dict(tmp_path / 'enc.pt')) == list(sd)
    bad = dict(sd)
    del bad['blocks.group_2.block_1.id_path.w']
    with pytest.raises(ValueError, match='missing keys'):
        convert(bad)
    bad = dict(sd)
    bad['blocks.output.conv.b'] = torch.zeros(3)
    with pytest.raises(ValueError, match='has shape'):
        convert(bad)
    with pytest.raises(ValueError, match='not a DALL-E encoder'):
        convert({'decoder.w': torch.zeros(1)})


def test_committed_fixture_is_what_this_code_computes():
    t, meta = safetensors_io.load(os.path.join(FIXTURES, 'dalle-encoder-tiny.safetensors'))
    enc = fx.tiny_encoder()
    x = t['input']
    with torch.no_grad():
        enc.blocks.output.conv.b -= fx.notebook_logits(enc, x).mean((0, 1))
    assert torch.equal(fx.notebook_logits(enc, x), t['logits'])
    assert torch.equal(t['logits'].argmax(-1).int(), t['codes'])
    assert close(forward_by_notebook_names(t, {'blocksPerGroup': fx.BLOCKS}, x), t['logits'])


def test_train_py_reads_the_converted_file_as_its_tokenizer(tmp_path):
    """pytorch/train.py --tokenizer takes the converted encoder: the fixture's codes, and a misfit refused."""
    import train
    t, meta = safetensors_io.load(os.path.join(FIXTURES, 'dalle-encoder-tiny.safetensors'))
    path = tmp_path / 'dalle.safetensors'
    safetensors_io.save(path, {k: v for k, v in t.items() if k not in EXTRAS}, meta)
    tok = train.load_tokenizer(str(path), {'imgSize': 64, 'patchSize': 16, 'vocabSize': fx.VOCAB})
    with torch.no_grad():
        assert torch.equal(tok.codes(t['input']).int(), t['codes'])
        assert close(tok.logits(t['input']), t['logits'])
    with pytest.raises(SystemExit, match='4x4 grid of codes, the model has 8x8'):
        train.load_tokenizer(str(path), {'imgSize': 64, 'patchSize': 8, 'vocabSize': fx.VOCAB})
