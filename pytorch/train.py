"""Continue a notebook run in PyTorch, on any number of GPUs (or CPU processes) under torchrun:

  torchrun --nproc_per_node=8 pytorch/train.py --init run.safetensors --data_path /path/to/imagenet/train \\
      --output run-pytorch.safetensors [--total_batch 2048] [--steps 100000]

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
from cae import Drops, losses  # noqa: E402
from data import GlobalBatches, Pretraining  # noqa: E402


def lr_at(t, step):
    """src/train/schedule.ts lrAt: the official cosine_scheduler table, peak = baseLr * batch / baseBatch."""
    peak = t['baseLr'] * t['batchSize'] / t['baseBatch']
    final, total, warm = min(t['minLr'], peak), t['totalSteps'], t['warmupSteps']
    if step < warm:
        return 0.0 if warm == 1 else peak * step / (warm - 1)
    n = total - warm
    i = min(step - warm, n - 1)  # past the end the schedule holds its last value
    return final + 0.5 * (peak - final) * (1 + math.cos(math.pi * i / n))


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
    if r.config['target'] != 'pixel':
        raise SystemExit('this program trains pixel-target runs; token-target runs need a tokenizer (use the official code)')
    t = dict(r.train)
    t['batchSize'] = a.total_batch or t['batchSize']
    t['totalSteps'] = a.steps or t['totalSteps']
    c, seed = r.config, t['seed']
    if r.step >= t['totalSteps']:
        raise SystemExit(f"{a.init} is at step {r.step} of its {t['totalSteps']}: pass --steps with a longer run")
    model = r.model.to(device)
    model.train()
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
        total, rec, align = losses(net, c, img, masks, drops=drops)
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
