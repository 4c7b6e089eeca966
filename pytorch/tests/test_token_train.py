"""pytorch/train.py on a token-target run with a tokenizer in the notebook's format: the targets are the
tokenizer's codes of the same crop (resized to its input size), the run trains and writes the
notebook's format, and a tokenizer whose grid does not fit the model is refused with the reason."""
import json
import os

import pytest
import torch

import checkpoint
import safetensors_io
import train
from cae import Cae
from conftest import FIXTURES
from dvae import Dvae

BROWSER = os.path.join(FIXTURES, 'browser-tiny.safetensors')


def token_run(tmp_path, tok_cfg):
    r = checkpoint.load(BROWSER)
    c = dict(r.config, target='token', vocabSize=tok_cfg['vocabSize'])
    torch.manual_seed(0)
    init = str(tmp_path / 'init.safetensors')
    checkpoint.save(init, Cae(c), dict(r.train, totalSteps=3, warmupSteps=1), 0, seed=r.train['seed'])
    tok = str(tmp_path / 'tok.safetensors')
    safetensors_io.save(tok, dict(Dvae(tok_cfg).state_dict()), {'dvae.model': json.dumps(tok_cfg)})
    return init, tok, c


def test_token_targets_train_and_write_the_notebook_format(tmp_path, image_folder):
    # The model's 16-px images in 4-px patches: a 4x4 grid; the tokenizer reads them at 8 px in 2-px cells.
    init, tok, c = token_run(tmp_path, {'imgSize': 8, 'downsample': 2, 'vocabSize': 12, 'hiddenDim': 2, 'blocksPerGroup': 1})
    out = str(tmp_path / 'out.safetensors')
    train.main(['--init', init, '--tokenizer', tok, '--data_path', image_folder, '--output', out, '--steps', '3', '--num_workers', '0',
                '--device', 'cpu', '--log_every', '1'])
    after, meta = safetensors_io.load(out)
    before, _ = safetensors_io.load(init)
    assert json.loads(meta['cae.state'])['step'] == 3
    assert after['decoder.head.weight'].shape == (12, c['decoderEmbedDim'])
    assert not torch.equal(after['decoder.head.weight'], before['decoder.head.weight'])


def test_a_tokenizer_with_another_grid_is_refused(tmp_path, image_folder):
    init, tok, _ = token_run(tmp_path, {'imgSize': 16, 'downsample': 8, 'vocabSize': 12, 'hiddenDim': 2, 'blocksPerGroup': 1})
    with pytest.raises(SystemExit, match='2x2 grid of codes, the model has 4x4 patches'):
        train.main(['--init', init, '--tokenizer', tok, '--data_path', image_folder, '--output', str(tmp_path / 'o.safetensors'),
                    '--num_workers', '0', '--device', 'cpu'])
