"""The encoder export (encoder-tiny.pth, written by src/train/downstream.ts from browser-tiny) goes through
the official linear-probing and fine-tuning tools' own main(): their key filtering, renaming and load
(official_driver.py). Checked: every tensor lands where the tool puts it, only the tool's fresh parts are
left uninitialized, and the loaded model's features equal this project's encoder on the same images.

Needs an Atten4Vis/CAE checkout: CAE_OFFICIAL=/path/to/CAE (e.g. `git archive` of github:Atten4Vis/CAE)."""
import os
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F

import checkpoint
from conftest import FIXTURES, HERE, make_image_folder

OFFICIAL = os.environ.get('CAE_OFFICIAL')
PTH = os.path.join(FIXTURES, 'encoder-tiny.pth')
needs_official = pytest.mark.skipif(not OFFICIAL or not os.path.isdir(os.path.join(OFFICIAL or '', 'tools')),
                                reason='set CAE_OFFICIAL to an Atten4Vis/CAE checkout to load the export with the official tools')


def encoder_features(img):
    """This project's encoder on every patch: the final-LayerNorm CLS, and the pre-norm patch tokens."""
    enc = checkpoint.load(os.path.join(FIXTURES, 'browser-tiny.safetensors')).model.encoder.eval()
    norm, enc.norm = enc.norm, torch.nn.Identity()
    with torch.no_grad():
        x = enc(img, torch.ones(img.shape[0], enc.g * enc.g, dtype=torch.bool))
    return norm(x)[:, 0], x[:, 1:], norm


def run_tool(tool, tmp_path):
    data = str(tmp_path / 'data')
    make_image_folder(os.path.join(data, 'train'), per_class=2)
    make_image_folder(os.path.join(data, 'val'), per_class=1, seed=1)
    out = str(tmp_path / f'{tool}.pt')
    p = subprocess.run([sys.executable, os.path.join(HERE, 'official_driver.py'), tool, PTH, data, out],
                       capture_output=True, text=True, env={**os.environ, 'OMP_NUM_THREADS': '1'}, timeout=300)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    return torch.load(out), p.stdout


def test_the_export_is_a_plain_torch_file():
    sd = torch.load(PTH, map_location='cpu', weights_only=True)['model']  # no code in the pickle
    assert all(k.startswith('encoder.') and v.dtype == torch.float32 for k, v in sd.items())


@needs_official
def test_linear_probing_tool_loads_the_encoder(tmp_path):
    r, log = run_tool('linear', tmp_path)
    assert "missing_keys=['head.weight', 'head.bias'], unexpected_keys=[]" in log, log[-2000:]
    sd = torch.load(PTH)['model']
    for k, v in sd.items():  # run_linear.py: 'encoder.' deleted from every key
        assert torch.equal(r['state_dict'][k.replace('encoder.', '')], v), k
    cls, _, _ = encoder_features(r['input'])
    diff = float((r['features'] - cls).abs().max())
    print(f'linear probe: {len(sd)} tensors loaded; |official CLS feature - ours| max {diff:.3g}; stubbed: {r["stubbed"]}')
    assert diff < 1e-5


@needs_official
def test_fine_tuning_tool_loads_the_encoder(tmp_path):
    r, log = run_tool('finetune', tmp_path)
    fresh = [line for line in log.splitlines() if line.startswith('Weights of VisionTransformer not initialized')]
    assert fresh and all(('relative_position_bias_table' in k or k.startswith('head.'))
                         for k in eval(fresh[0].split(': ', 1)[1])), fresh  # zero-init rel. position bias and the head only
    sd = torch.load(PTH)['model']
    for k, v in sd.items():  # run_class_finetuning.py: 'encoder.' prefix removed, then norm.* → fc_norm.*
        name = k[len('encoder.'):]
        name = 'fc_norm.' + name[len('norm.'):] if name.startswith('norm.') else name
        assert torch.equal(r['state_dict'][name], v), k
    _, patches, norm = encoder_features(r['input'])
    ours = F.layer_norm(patches.mean(1), (patches.shape[-1],), norm.weight, norm.bias, 1e-6)  # mean pooling, then fc_norm
    diff = float((r['features'] - ours).abs().max())
    print(f'fine-tuning: {len(sd)} tensors loaded; |official mean-pooled feature - ours| max {diff:.3g}')
    assert diff < 1e-5
