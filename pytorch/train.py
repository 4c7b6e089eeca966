"""Continue a notebook run in PyTorch, on any number of GPUs (or CPU processes) under torchrun:

  torchrun --nproc_per_node=8 pytorch/train.py --init run.safetensors --data_path /path/to/imagenet/train \\
      --output run-pytorch.safetensors [--total_batch 2048] [--steps 100000] [--tokenizer tok.safetensors]

A token-target run needs --tokenizer: a tokenizer exported from the notebook (pytorch/dvae.py loads it),
or DALL-E's encoder converted by pytorch/convert_dalle.py (CAE*; pytorch/dalle_encoder.py loads it);
its hard codes of each augmented crop are the targets, as the notebook's worker computes them.

It loads the browser checkpoint (weights and, when present, AdamW moments and step), trains with the
run's recipe (src/train: AdamW with the official decay groups, warmup-then-cosine lr per step, linear lr
scaling by the total batch, global-norm clipping) and writes the notebook's format back, which the
notebook imports for probing, the lab and comparison. Gradients are averaged over processes by
DistributedDataParallel; masks, drop path and augmentation are drawn per sample, so N processes
train the same weights as one process with the whole batch.
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkpoint  # noqa: E402
import convert_dalle  # noqa: E402
from cae import Drops, losses  # noqa: E402
from data import MEAN, STD, GlobalBatches, Pretraining  # noqa: E402
import dvae  # noqa: E402
import safetensors_io  # noqa: E402


def lr_at(t, step):
    """src/train/schedule.ts lrAt: the official cosine_scheduler table, peak = baseLr * batch / baseBatch."""
    peak = t['baseLr'] * t['batchSize'] / t['baseBatch']
    final, total, warm = min(t['minLr'], peak), t['totalSteps'], t['warmupSteps']
    if step < warm:
        return 0.0 if warm == 1 else peak * step / (warm - 1)
    n = total - warm
    i = min(step - warm, n - 1)  # past the end the schedule holds its last value
    return final + 0.5 * (peak - final) * (1 + math.cos(math.pi * i / n))


def load_tokenizer(path, c):
    """The notebook's tokenizer, refused with the reason when its grid or codebook does not fit the model
    (src/model/dvaeConfig.ts tokenizerMismatch)."""
    tensors, meta = safetensors_io.load(path)
    if json.loads(meta.get('dvae.model', '{}')).get('kind') == convert_dalle.KIND:  # DALL-E's encoder, converted by convert_dalle.py: codes only
        tok = convert_dalle.from_notebook_file(tensors, meta)
    else:
        tok = dvae.from_safetensors({k: v for k, v in tensors.items() if not k.startswith('optimizer.')}, meta)
    g = c['imgSize'] // c['patchSize']
    if tok.grid != g:
        raise SystemExit(f'{path}: the tokenizer makes a {tok.grid}x{tok.grid} grid of codes, the model has {g}x{g} patches')
    if tok.cfg['vocabSize'] != c['vocabSize']:
        raise SystemExit(f"{path}: the tokenizer has {tok.cfg['vocabSize']} codes, the model's token head predicts {c['vocabSize']}")
    return tok


@torch.no_grad()
def token_targets(tok, img):
    """src/model/tokenTargets.ts: the normalized crop back to [0, 1], resized bilinearly (half-pixel centres)
    to the tokenizer's size when it differs, its hard codes [B, N] in patch order."""
    x = img * STD.to(img.device) + MEAN.to(img.device)
    s = tok.cfg['imgSize']
    if x.shape[-1] != s:
        x = torch.nn.functional.interpolate(x, size=(s, s), mode='bilinear', align_corners=False)
    return tok.codes(x)


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--init', required=True, help="the notebook's checkpoint (.safetensors) to continue")
    p.add_argument('--data_path', required=True, help='an ImageFolder: root/class/image.jpg')
    p.add_argument('--output', required=True, help='where to write the checkpoint (.safetensors, the notebook format)')
    p.add_argument('--total_batch', type=int, help="images per step over all processes (default: the run's batch)")
    p.add_argument('--steps', type=int, help="length of the run in steps; the cosine ends there (default: the run's)")
    p.add_argument('--stored_size', type=int, help="side of the stored centre square before augmentation (default: max(64, image size), the notebook's import default)")
    p.add_argument('--save_every', type=int, default=1000, help='steps between checkpoints (and at the end)')
    p.add_argument('--log_every', type=int, default=50)
    p.add_argument('--num_workers', type=int, default=4)
    p.add_argument('--tokenizer', help="token-target runs: the notebook's tokenizer export (.safetensors) whose codes are the targets")
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    return p.parse_args(argv)


def main(argv=None):
    a = parse(argv)
    world, rank = int(os.environ.get('WORLD_SIZE', 1)), int(os.environ.get('RANK', 0))
    local_rank = int(os.environ.get('LOCAL_RANK', 0))
    device = torch.device(f'cuda:{local_rank}' if a.device == 'cuda' else a.device)
    if device.type == 'cuda':
        torch.cuda.set_device(device)
        torch.backends.cuda.matmul.allow_tf32 = False  # float32 like the notebook
        torch.backends.cudnn.allow_tf32 = False
    if world > 1:
        dist.init_process_group('nccl' if device.type == 'cuda' else 'gloo')

    r = checkpoint.load(a.init)
    tokenizer = None
    if r.config['target'] != 'pixel':
        if not a.tokenizer:
            raise SystemExit('this is a token-target run: pass --tokenizer with the tokenizer exported from the notebook')
        tokenizer = load_tokenizer(a.tokenizer, r.config)
    t = dict(r.train)
    t['batchSize'] = a.total_batch or t['batchSize']
    t['totalSteps'] = a.steps or t['totalSteps']
    c, seed = r.config, t['seed']
    if r.step >= t['totalSteps']:
        raise SystemExit(f"{a.init} is at step {r.step} of its {t['totalSteps']}: pass --steps with a longer run")
    model = r.model.to(device)
    model.train()
    if tokenizer is not None:
        tokenizer = tokenizer.to(device).eval()
    opt = checkpoint.make_optimizer(model, t)
    r.load_optimizer(opt)
    net = DistributedDataParallel(model, device_ids=[local_rank] if device.type == 'cuda' else None) if world > 1 else model

    ds = Pretraining(a.data_path, c, a.stored_size or max(64, c['imgSize']), seed, model.drop_sites())
    sampler = GlobalBatches(len(ds), t['batchSize'], rank, world, seed, start=r.step)
    local = t['batchSize'] // world
    loader = iter(torch.utils.data.DataLoader(ds, batch_size=local, sampler=sampler, num_workers=a.num_workers,
                                              pin_memory=device.type == 'cuda', persistent_workers=a.num_workers > 0))
    params = [p for _, p in checkpoint.trainable(model)]
    if rank == 0:
        print(json.dumps({'start_step': r.step, 'total_steps': t['totalSteps'], 'world': world, 'batch': t['batchSize'],
                          'peak_lr': t['baseLr'] * t['batchSize'] / t['baseBatch'], 'moments': r.moments is not None, 'images': len(ds)}), flush=True)

    def save(step):
        if rank == 0:
            checkpoint.save(a.output, model, t, step, opt, extra={'pytorch': json.dumps({'world': world, 'from': os.path.basename(a.init)})}, seed=seed)

    step, t0 = r.step, time.time()
    while step < t['totalSteps']:
        img, masks, u = (x.to(device, non_blocking=True) for x in next(loader))
        drops = Drops(u)
        lr = lr_at(t, step)
        for g in opt.param_groups:
            g['lr'] = lr
        labels = token_targets(tokenizer, img)[masks] if tokenizer is not None else None
        total, rec, align = losses(net, c, img, masks, labels=labels, drops=drops)
        opt.zero_grad(set_to_none=True)
        total.backward()
        norm = torch.nn.utils.clip_grad_norm_(params, t['clipGrad']) if t['clipGrad'] > 0 else \
            torch.norm(torch.stack([p.grad.norm() for p in params]))
        if not torch.isfinite(total) or not torch.isfinite(norm):
            raise SystemExit(f'the loss became {total.item()} at step {step}; the last checkpoint written is the last good state')
        opt.step()
        step += 1
        if step % a.log_every == 0 or step == t['totalSteps']:
            stats = torch.stack([total.detach(), rec.detach(), align.detach() if align is not None else torch.zeros((), device=device)])
            if world > 1:
                dist.all_reduce(stats)
                stats /= world
            if rank == 0:
                print(json.dumps({'step': step, 'total': stats[0].item(), 'reconstruction': stats[1].item(), 'alignment': stats[2].item(),
                                  'gradNorm': norm.item(), 'lr': lr, 'img_per_s': round(a.log_every * t['batchSize'] / (time.time() - t0), 1)}), flush=True)
            t0 = time.time()
        if step % a.save_every == 0 or step == t['totalSteps']:
            save(step)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == '__main__':
    main()
