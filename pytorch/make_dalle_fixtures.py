"""Writes pytorch/tests/fixtures/dalle-encoder-tiny.safetensors: a randomly initialized DALL-E encoder
(pytorch/dalle_encoder.py, the published architecture at a reduced width: n_hid 8, 2 blocks per group,
vocabulary 32, 32-px input → 4×4 codes) converted by convert_dalle.py, with an input and what PyTorch
computes from it: 'logits' [B, N, K] (cells row-major, the notebook's layout) and 'codes' (their
argmax). src/model/dalleEncoderParity.test.ts checks the notebook's encoder against it. The full
published size (n_hid 256, 54 M parameters, 215 MB) is not checked in; pytorch/tests/test_dalle_convert.py
converts it on the meta device to check names and shapes.
Run: /usr/bin/python3 pytorch/make_dalle_fixtures.py"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from convert_dalle import convert  # noqa: E402
from dalle_encoder import Encoder, map_pixels  # noqa: E402

N_HID, BLOCKS, VOCAB, SIZE, BATCH = 8, 2, 32, 32, 2
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'tests', 'fixtures', 'dalle-encoder-tiny.safetensors')


def tiny_encoder(seed=24):
    """The published architecture at the fixture's width, with non-zero biases so the bias paths count."""
    torch.manual_seed(seed)
    enc = Encoder(N_HID, BLOCKS, 3, VOCAB)
    with torch.no_grad():
        for n, p in enc.named_parameters():
            if n.endswith('.b'):
                p.normal_(0, 0.1)
    return enc


def sample_input(generator):
    """Each 8-px cell its own colour plus a little noise, so that the cells' codes differ."""
    g = SIZE // 8
    cells = torch.rand(BATCH, 3, g, g, generator=generator).repeat_interleave(8, 2).repeat_interleave(8, 3)
    return (0.8 * cells + 0.2 * torch.rand(BATCH, 3, SIZE, SIZE, generator=generator)).contiguous()


def notebook_logits(enc, x):
    """[B, N, K] logits of pixels x in [0, 1], as the notebook lays them out."""
    with torch.no_grad():
        out = enc(map_pixels(x))
    return out.flatten(2).transpose(1, 2).contiguous()


def main():
    enc = tiny_encoder()
    x = sample_input(torch.Generator().manual_seed(7))
    with torch.no_grad():  # centre each code's logit over the batch, so the argmax differs between cells
        enc.blocks.output.conv.b -= notebook_logits(enc, x).mean((0, 1))
    logits = notebook_logits(enc, x)
    top2 = logits.topk(2, -1).values
    margin = (top2[..., 0] - top2[..., 1]).min().item()
    assert margin > 1e-4, f'an argmax is nearly tied ({margin}); the codes would not be a fair check'
    codes = logits.argmax(-1)
    tensors, meta = convert(enc.state_dict(), SIZE)
    tensors.update({'input': x, 'logits': logits, 'codes': codes.int()})
    safetensors_io.save(OUT, tensors, {**meta, 'fixture': json.dumps({'seed': 24, 'inputSeed': 7})})
    print(f'wrote {OUT}: {meta["dvae.model"]}, codes {codes.tolist()}, smallest top-2 margin {margin:.4g}')


if __name__ == '__main__':
    main()
