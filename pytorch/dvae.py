"""The notebook's d-VAE tokenizer in PyTorch, written from its spec (src/model/dvaeConfig.ts header,
parameter names in src/model/dvaeParams.ts): DALL-E's discrete VAE (arXiv 2102.12092) at small scale.

Images are NCHW in [0, 1]. The encoder reads map_pixels(x) = (1 - 2 eps) x + eps (eps = 0.1) and
gives logits [B, K, g, g]; codes are read row-major (cell (i, j) is token i*g + j, the CAE's patch
order). The decoder maps code weights [B, K, g, g] (relaxed or one-hot) back to the image. The loss is
mean squared error of the relaxed reconstruction plus beta times the mean per-cell KL(q || uniform).
The state dict's names are the notebook's safetensors names, so weights go both ways unchanged.
"""
import json
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

PIXEL_EPS = 0.1


def conv(n_in, n_out, k):
    """A 'same'-padded conv with DALL-E's init: weight N(0, 1 / (n_in k^2)), bias 0."""
    c = nn.Conv2d(n_in, n_out, k, padding=(k - 1) // 2)
    with torch.no_grad():
        c.weight.normal_(0.0, 1.0 / math.sqrt(n_in * k * k))
        c.bias.zero_()
    return c


class ResBlock(nn.Module):
    """id(x) + post_gain * conv2(relu(conv1(relu(x)))); id is a 1x1 conv when the width changes."""

    def __init__(self, n_in, n_out, post_gain):
        super().__init__()
        if n_in != n_out:
            self.id = conv(n_in, n_out, 1)
        self.conv1 = conv(n_in, n_out, 3)
        self.conv2 = conv(n_out, n_out, 3)
        self.post_gain = post_gain

    def forward(self, x):
        skip = self.id(x) if hasattr(self, 'id') else x
        return skip + self.post_gain * self.conv2(F.relu(self.conv1(F.relu(x))))


class Group(nn.Module):
    def __init__(self, n_in, n_out, blocks, post_gain):
        super().__init__()
        self.blocks = nn.ModuleList([ResBlock(n_in if j == 0 else n_out, n_out, post_gain) for j in range(blocks)])

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return x


def widths(cfg):
    """Group widths, finest resolution first: h, 2h, 4h, ... (log2(downsample) + 1 groups)."""
    n = int(round(math.log2(cfg['downsample']))) + 1
    return [cfg['hiddenDim'] * 2 ** l for l in range(n)]


class Encoder(nn.Module):
    def __init__(self, cfg, post_gain):
        super().__init__()
        w = widths(cfg)
        self.input = conv(3, cfg['hiddenDim'], 7)
        ins = [cfg['hiddenDim']] + w[:-1]
        self.groups = nn.ModuleList([Group(i, o, cfg['blocksPerGroup'], post_gain) for i, o in zip(ins, w)])
        self.output = conv(w[-1], cfg['vocabSize'], 1)

    def forward(self, x):
        h = self.input((1 - 2 * PIXEL_EPS) * x + PIXEL_EPS)
        for l, g in enumerate(self.groups):
            h = g(h)
            if l < len(self.groups) - 1:
                h = F.max_pool2d(h, 2)
        return self.output(F.relu(h))


class Decoder(nn.Module):
    def __init__(self, cfg, post_gain):
        super().__init__()
        w = list(reversed(widths(cfg)))
        self.input = conv(cfg['vocabSize'], w[0], 1)
        ins = [w[0]] + w[:-1]
        self.groups = nn.ModuleList([Group(i, o, cfg['blocksPerGroup'], post_gain) for i, o in zip(ins, w)])
        self.output = conv(w[-1], 3, 1)

    def forward(self, z):
        h = self.input(z)
        for l, g in enumerate(self.groups):
            h = g(h)
            if l < len(self.groups) - 1:
                h = F.interpolate(h, scale_factor=2, mode='nearest')
        return self.output(F.relu(h))


class Dvae(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        if cfg['downsample'] & (cfg['downsample'] - 1) or cfg['imgSize'] % cfg['downsample']:
            raise ValueError(f"downsample {cfg['downsample']} must be a power of two dividing imgSize {cfg['imgSize']}")
        self.cfg = dict(cfg)
        post_gain = 1.0 / (len(widths(cfg)) * cfg['blocksPerGroup']) ** 2
        self.encoder = Encoder(cfg, post_gain)
        self.decoder = Decoder(cfg, post_gain)

    @property
    def grid(self):
        return self.cfg['imgSize'] // self.cfg['downsample']

    def logits(self, x):
        """[B, 3, S, S] in [0, 1] -> [B, N, K], cells row-major."""
        return self.encoder(x).flatten(2).transpose(1, 2)

    @torch.no_grad()
    def codes(self, x):
        return self.logits(x).argmax(-1)

    def decode(self, z):
        """Code weights [B, N, K] -> image [B, 3, S, S]."""
        B, N, K = z.shape
        return self.decoder(z.transpose(1, 2).reshape(B, K, self.grid, self.grid))

    def decode_codes(self, codes):
        return self.decode(F.one_hot(codes.long(), self.cfg['vocabSize']).float())

    def loss(self, x, gumbel, temperature, kl_weight):
        """(total, reconstruction, kl, logits) of the negative ELBO with Gumbel noise [B, N, K]."""
        logits = self.logits(x)
        z = F.softmax((logits + gumbel) / temperature, dim=-1)
        reconstruction = F.mse_loss(self.decode(z), x)
        logq = F.log_softmax(logits, dim=-1)
        kl = (logq.exp() * logq).sum(-1).mean() + math.log(self.cfg['vocabSize'])
        return reconstruction + kl_weight * kl, reconstruction, kl, logits


def gumbel_like(shape, generator=None):
    """Standard Gumbel noise -log(-log u)."""
    u = torch.rand(shape, generator=generator).clamp(1e-10, 1 - 1e-7)
    return -torch.log(-torch.log(u))


def from_safetensors(tensors, meta):
    """A tokenizer from a notebook file: its config from metadata 'dvae.model', weights strictly."""
    if 'dvae.model' not in meta:
        raise ValueError('not a tokenizer file: no "dvae.model" in its metadata')
    model = Dvae(json.loads(meta['dvae.model']))
    state = {k: v for k, v in tensors.items() if k in model.state_dict()}
    missing = [k for k in model.state_dict() if k not in tensors]
    if missing:
        raise ValueError(f'tokenizer file misses {missing[:3]}')
    model.load_state_dict(state, strict=True)
    return model
