"""DALL-E's d-VAE encoder (Ramesh et al. 2021, arXiv 2102.12092; openai/DALL-E dall_e/encoder.py and
dall_e/utils.py), written here from its published definition so that the converter and its tests
need no `dall_e` package. Module and parameter names follow the published ones, so this module's
state_dict has the keys of encoder.pkl's (`blocks.input.w`, `blocks.group_1.block_1.res_path.conv_1.w`,
`blocks.output.conv.w`, ...).

The architecture:
  conv(n_in → n_out, kw): weight `w` [n_out, n_in, kw, kw] drawn N(0, 1/(n_in·kw²)), bias `b` zero,
    stride 1, zero padding (kw − 1) // 2.
  block(n_in → n_out), n_layers = group_count · n_blk_per_group:
    id_path(x) + post_gain · res_path(x), post_gain = 1 / n_layers²;
    id_path: conv 1×1 when n_in ≠ n_out, else the identity;
    res_path: relu, conv 3×3 (n_in → n_out/4), relu, conv 3×3, relu, conv 3×3, relu, conv 1×1 (→ n_out).
  encoder: `input` conv 7×7 (channels → n_hid); groups `group_1`..`group_4` of n_blk_per_group blocks
    with widths 1, 2, 4, 8 × n_hid, a 2×2 max-pool after each of the first three; `output`: relu then
    conv 1×1 (8·n_hid → vocab_size). Logits [B, vocab, S/8, S/8].
  The published defaults: n_hid 256, n_blk_per_group 2, 3 input channels, vocab 8192; its input is
  map_pixels(x) = (1 − 2ε)·x + ε, ε = 0.1, of pixels x in [0, 1] (the caller applies it, as here).
Left out: the published model's float16 path on CUDA and its lower bounds on n_hid (64) and vocab
(512), so that tests can build small encoders of the same shape."""
import math
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

LOGIT_LAPLACE_EPS = 0.1
GROUP_COUNT = 4  # fixed by the published definition: 8× downsampling


def map_pixels(x):
    """Pixels in [0, 1] squeezed into [ε, 1 − ε], what the published encoder was trained on."""
    return (1 - 2 * LOGIT_LAPLACE_EPS) * x + LOGIT_LAPLACE_EPS


class Conv2d(nn.Module):
    def __init__(self, n_in, n_out, kw, device=None):
        super().__init__()
        assert kw % 2 == 1, 'odd kernels only'
        self.kw = kw
        self.w = nn.Parameter(torch.empty(n_out, n_in, kw, kw, device=device))
        self.b = nn.Parameter(torch.zeros(n_out, device=device))
        if self.w.device.type != 'meta':
            with torch.no_grad():
                self.w.normal_(std=1 / math.sqrt(n_in * kw * kw))

    def forward(self, x):
        return F.conv2d(x, self.w, self.b, padding=(self.kw - 1) // 2)


class EncoderBlock(nn.Module):
    def __init__(self, n_in, n_out, n_layers, device=None):
        super().__init__()
        assert n_out % 4 == 0, 'the bottleneck is n_out / 4 wide'
        hid = n_out // 4
        self.post_gain = 1 / n_layers ** 2
        self.id_path = Conv2d(n_in, n_out, 1, device) if n_in != n_out else nn.Identity()
        self.res_path = nn.Sequential(OrderedDict([
            ('relu_1', nn.ReLU()), ('conv_1', Conv2d(n_in, hid, 3, device)),
            ('relu_2', nn.ReLU()), ('conv_2', Conv2d(hid, hid, 3, device)),
            ('relu_3', nn.ReLU()), ('conv_3', Conv2d(hid, hid, 3, device)),
            ('relu_4', nn.ReLU()), ('conv_4', Conv2d(hid, n_out, 1, device)),
        ]))

    def forward(self, x):
        return self.id_path(x) + self.post_gain * self.res_path(x)


class Encoder(nn.Module):
    def __init__(self, n_hid=256, n_blk_per_group=2, input_channels=3, vocab_size=8192, device=None):
        super().__init__()
        self.n_hid, self.n_blk_per_group, self.input_channels, self.vocab_size = n_hid, n_blk_per_group, input_channels, vocab_size
        n_layers = GROUP_COUNT * n_blk_per_group
        layers = [('input', Conv2d(input_channels, n_hid, 7, device))]
        w_in = n_hid
        for g in range(GROUP_COUNT):
            w = n_hid * 2 ** g
            group = []
            for i in range(n_blk_per_group):
                group.append((f'block_{i + 1}', EncoderBlock(w_in, w, n_layers, device)))
                w_in = w
            if g < GROUP_COUNT - 1:
                group.append(('pool', nn.MaxPool2d(kernel_size=2)))
            layers.append((f'group_{g + 1}', nn.Sequential(OrderedDict(group))))
        layers.append(('output', nn.Sequential(OrderedDict([('relu', nn.ReLU()), ('conv', Conv2d(w_in, vocab_size, 1, device))]))))
        self.blocks = nn.Sequential(OrderedDict(layers))

    def forward(self, x):
        """Logits [B, vocab, H/8, W/8] of an input already through map_pixels."""
        if x.dim() != 4 or x.shape[1] != self.input_channels:
            raise ValueError(f'expected input [B, {self.input_channels}, H, W], got {list(x.shape)}')
        return self.blocks(x.float())


class DalleTokenizer(nn.Module):
    """The encoder as the notebook uses it (src/model/dalleEncoder.ts): pixels in [0, 1] → map_pixels →
    logits [B, N, K] with cells row-major → codes. `cfg` is the file's 'dvae.model' config."""

    def __init__(self, cfg, encoder):
        super().__init__()
        self.cfg, self.encoder = dict(cfg), encoder

    @property
    def grid(self):
        return self.cfg['imgSize'] // self.cfg['downsample']

    def logits(self, x):
        return self.encoder(map_pixels(x)).flatten(2).transpose(1, 2)

    def codes(self, x):
        return self.logits(x).argmax(-1)
