"""Writes pytorch/tests/fixtures/dvae-tiny.safetensors: a small d-VAE tokenizer (every branch: width
changes and identity skips, pooling and upsampling), an input, fixed Gumbel noise, and what PyTorch
computes from them: logits, codes, the hard-code decoding, the loss terms and the gradient of the
total loss for every parameter (under 'grad.NAME'). The notebook's src/model/dvaeParity.test.ts
checks its forward, loss and gradients against it. Run: /usr/bin/python3 pytorch/make_dvae_fixtures.py"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from dvae import Dvae, gumbel_like  # noqa: E402

CONFIG = {'imgSize': 8, 'downsample': 4, 'vocabSize': 6, 'hiddenDim': 2, 'blocksPerGroup': 2}
TEMPERATURE = 0.7
KL_WEIGHT = 0.3
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'tests', 'fixtures', 'dvae-tiny.safetensors')


def main():
    torch.manual_seed(24)
    model = Dvae(CONFIG)
    with torch.no_grad():  # non-zero biases, so the bias paths are checked too
        for n, p in model.named_parameters():
            if n.endswith('.bias'):
                p.normal_(0, 0.1)
        model.encoder.output.weight.mul_(5)  # at init every cell picks the same code; sharper logits vary
    B, N, K = 2, (CONFIG['imgSize'] // CONFIG['downsample']) ** 2, CONFIG['vocabSize']
    g = torch.Generator().manual_seed(7)
    # Each code cell its own colour plus a little noise, so that cells differ.
    g_side = CONFIG['imgSize'] // CONFIG['downsample']
    cells = torch.rand(B, 3, g_side, g_side, generator=g).repeat_interleave(CONFIG['downsample'], 2).repeat_interleave(CONFIG['downsample'], 3)
    x = (0.8 * cells + 0.2 * torch.rand(B, 3, CONFIG['imgSize'], CONFIG['imgSize'], generator=g)).contiguous()
    gumbel = gumbel_like((B, N, K), generator=g)
    with torch.no_grad():  # centre each code's logit over the batch, so the argmax differs between cells
        model.encoder.output.bias -= model.logits(x).mean((0, 1))
    total, rec, kl, logits = model.loss(x, gumbel, TEMPERATURE, KL_WEIGHT)
    model.zero_grad()
    total.backward()
    codes = logits.argmax(-1)
    with torch.no_grad():
        hard = model.decode_codes(codes)
    tensors = {n: p.detach() for n, p in model.state_dict().items()}
    tensors.update({'input': x, 'gumbel': gumbel, 'logits': logits.detach(), 'codes': codes.int(), 'hard_decode': hard})
    tensors.update({f'grad.{n}': p.grad for n, p in model.named_parameters()})
    meta = {
        'dvae.model': json.dumps(CONFIG),
        'temperature': repr(TEMPERATURE),
        'klWeight': repr(KL_WEIGHT),
        'losses': json.dumps({'total': total.item(), 'reconstruction': rec.item(), 'kl': kl.item()}),
    }
    safetensors_io.save(OUT, tensors, meta)
    print(f'wrote {OUT}: total {total.item():.6f}, reconstruction {rec.item():.6f}, kl {kl.item():.6f}, codes {codes.tolist()}')


if __name__ == '__main__':
    main()
