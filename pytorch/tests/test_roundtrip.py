"""Browser checkpoint → pytorch/train.py → checkpoint the notebook reads back.

browser-tiny.safetensors was written by the notebook after two steps (src/train/pytorchInterop.test.ts):
it loads here with weights, AdamW moments and step; two more steps train from there; the output keeps the
names, moments and metadata, and carries under `run.check` the loss PyTorch computes with its weights on
pixel-loss.json, which the vitest recomputes with the notebook's code (CAE_PYTORCH_CKPT points it at the
file; CAE_WRITE_FIXTURES=1 also refreshes the committed pytorch-tiny.safetensors)."""
import json
import os
import shutil

import torch

import checkpoint
import safetensors_io
import train
from cae import losses
from conftest import FIXTURES

BROWSER = os.path.join(FIXTURES, 'browser-tiny.safetensors')


def test_browser_checkpoint_loads_with_moments_and_step():
    tensors, meta = safetensors_io.load(BROWSER)
    r = checkpoint.load(BROWSER)
    assert r.step == 2 and r.optimizer_step == 2 and r.moments is not None
    opt = checkpoint.make_optimizer(r.model, r.train)
    r.load_optimizer(opt)
    for n, p in checkpoint.trainable(r.model):
        assert torch.equal(p.detach(), tensors[n])
        assert torch.equal(opt.state[p]['exp_avg'], tensors['optimizer.exp_avg.' + n])
        assert torch.equal(opt.state[p]['exp_avg_sq'], tensors['optimizer.exp_avg_sq.' + n])
    # Every model tensor of the file is a parameter here, and every parameter has moments there.
    names = {k for k in tensors if not k.startswith('optimizer.')} - set(checkpoint.BUFFERS)
    assert names == {n for n, _ in r.model.named_parameters()}


def test_train_continues_and_writes_what_the_notebook_reads(tmp_path, image_folder):
    out = str(tmp_path / 'out.safetensors')
    train.main(['--init', BROWSER, '--data_path', image_folder, '--output', out, '--steps', '4', '--num_workers', '0', '--device', 'cpu'])
    before, _ = safetensors_io.load(BROWSER)
    after, meta = safetensors_io.load(out)
    assert set(after) == set(before), set(after) ^ set(before)
    assert all(after[k].shape == before[k].shape for k in after)
    assert any(not torch.equal(after[k], before[k]) for k in after if not k.startswith('optimizer.'))
    state, tr = json.loads(meta['cae.state']), json.loads(meta['cae.train'])
    assert state['step'] == 4 and state['optimizerStep'] == 4 and tr['totalSteps'] == 4
    assert json.loads(meta['cae.model']) == json.loads(safetensors_io.load(BROWSER)[1]['cae.model'])
    assert meta['format'] == checkpoint.FORMAT

    # Mark the file with the loss its weights give on the committed inputs, for the notebook to recompute.
    r = checkpoint.load(out)
    case = json.load(open(os.path.join(FIXTURES, 'pixel-loss.json')))
    img = torch.tensor(case['images']).reshape(case['shape'])
    with torch.no_grad():
        total, _, _ = losses(r.model, r.config, img, torch.tensor(case['mask'], dtype=torch.bool).reshape(img.shape[0], -1))
    opt = checkpoint.make_optimizer(r.model, r.train)
    r.load_optimizer(opt)
    checkpoint.save(out, r.model, r.train, r.step, opt, extra={'check': json.dumps({'step': r.step, 'total': total.item()})}, seed=r.train['seed'])
    again = checkpoint.load(out)
    assert again.step == 4 and all(torch.equal(again.moments[n][0], r.moments[n][0]) for n in r.moments)
    if os.environ.get('CAE_PYTORCH_OUT'):
        shutil.copy(out, os.environ['CAE_PYTORCH_OUT'])
    if os.environ.get('CAE_WRITE_FIXTURES') == '1':
        shutil.copy(out, os.path.join(FIXTURES, 'pytorch-tiny.safetensors'))


def test_loss_falls_on_a_small_problem(tmp_path, image_folder, capsys):
    train.main(['--init', BROWSER, '--data_path', image_folder, '--output', str(tmp_path / 'o.safetensors'),
                '--steps', '40', '--num_workers', '0', '--device', 'cpu', '--log_every', '1'])
    log = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"step"')]
    first, last = sum(x['reconstruction'] for x in log[:5]) / 5, sum(x['reconstruction'] for x in log[-5:]) / 5
    print(f'reconstruction loss: {first:.3f} over the first 5 steps, {last:.3f} over the last 5')
    assert last < 0.85 * first and all(x['total'] == x['total'] for x in log)
