"""Two processes (gloo, CPU) training with half the batch each end with the weights of one process that
takes the whole batch: DDP averages the two half-batch mean gradients, which is the whole-batch mean,
and masks, drop path and augmentation are drawn per sample (pytorch/cae.py, pytorch/data.py)."""
import json
import os
import subprocess
import sys

import torch

import safetensors_io
from conftest import FIXTURES, HERE

TRAIN = os.path.join(HERE, '..', 'train.py')


def run(procs, out, data, steps):
    # --redirects 2 --tee 2: Debian's torch 1.13 under Python 3.11 cannot parse the default '0' (an IntFlag
    # change hides Std.NONE); stderr goes through a log file and back to the console, stdout is untouched.
    cmd = [sys.executable, '-m', 'torch.distributed.run', '--standalone', f'--nproc_per_node={procs}', '--redirects', '2', '--tee', '2', TRAIN,
           '--init', os.path.join(FIXTURES, 'browser-tiny.safetensors'), '--data_path', data, '--output', out,
           '--steps', str(steps), '--total_batch', '4', '--num_workers', '0', '--device', 'cpu', '--log_every', '1']
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    return [json.loads(line) for line in p.stdout.splitlines() if line.startswith('{"step"')]


def test_two_processes_train_the_weights_of_one(tmp_path, image_folder):
    one, two = str(tmp_path / 'one.safetensors'), str(tmp_path / 'two.safetensors')
    log1 = run(1, one, image_folder, 6)
    log2 = run(2, two, image_folder, 6)
    a, _ = safetensors_io.load(one)
    b, _ = safetensors_io.load(two)
    start, _ = safetensors_io.load(os.path.join(FIXTURES, 'browser-tiny.safetensors'))
    weights = [k for k in a if not k.startswith('optimizer.')]
    # The regressor's key-LayerNorm bias adds one constant per query to all its attention logits, which the
    # softmax ignores: its gradient is zero in exact arithmetic, rounding noise (~1e-11) in float, and
    # AdamW scales noise up to lr-sized steps. Its values differ run to run with any change of summation order.
    noise = [k for k in weights if k.endswith('.norm1_k.bias')]
    diff = max(float((a[k] - b[k]).abs().max()) for k in weights if k not in noise)
    noise_diff = max(float((a[k] - b[k]).abs().max()) for k in noise)
    assert all(float(a['optimizer.exp_avg.' + k].abs().max()) < 1e-9 for k in noise), 'those gradients are noise' 
    moved = max(float((a[k] - start[k]).abs().max()) for k in weights)
    losses = [(x['total'], y['total']) for x, y in zip(log1, log2)]
    print(f'DDP 2 x 2 vs 1 x 4 after {len(log1)} steps: max |weight diff| {diff:.3g}, key-LayerNorm biases (zero gradient) {noise_diff:.3g} (weights moved up to {moved:.3g}); losses {losses}')
    assert len(log1) == len(log2) == 4
    assert moved > 1e-3, 'the weights trained'
    assert diff < 1e-6, diff
    assert all(abs(x - y) < 1e-5 for x, y in losses), losses
