"""The Context Autoencoder (Chen et al. 2022, arXiv 2202.03026) written from ../shared/CAE-SPEC.md,
under the official state-dict names (Atten4Vis/CAE models/modeling_cae.py), with the notebook's
pixel head and per-patch normalized pixel target beside the official token head.

Letters: B batch, N patches (grid g x g), Nv visible, Nm masked, D encoder width, Dd regressor/decoder
width, C = p*p*3. Config keys are the notebook's CaeConfig fields (src/model/config.ts), camelCase, so a
browser checkpoint's `cae.model` metadata builds the same model.
"""
import hashlib
import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

LN_EPS = 1e-6


def sincos(g, dim):  # [1+N, dim]: a zero CLS row, then [sin(r w), cos(r w), sin(c w), cos(c w)] for patch (r, c)
    k = dim // 4
    omega = 1.0 / (10000 ** (torch.arange(k, dtype=torch.float32) / k))
    r, c = torch.meshgrid(torch.arange(g, dtype=torch.float32), torch.arange(g, dtype=torch.float32), indexing='ij')
    r, c = r.flatten()[:, None] * omega, c.flatten()[:, None] * omega
    return torch.cat([torch.zeros(1, dim), torch.cat([r.sin(), r.cos(), c.sin(), c.cos()], 1)])


class Drops:
    """Stochastic depth (timm DropPath) with one uniform per sample and drop site, drawn up front from
    per-sample generators: a sample's drops do not depend on which process or batch it lands in."""

    def __init__(self, u):
        self.u, self.i = u, 0  # u: [B, sites]

    def factor(self, rate, x):
        if rate <= 0:
            return None
        keep = 1 - rate
        f = torch.floor(keep + self.u[:, self.i]) / keep
        self.i += 1
        return f.to(x.dtype).view(-1, *([1] * (x.dim() - 1)))


def residual(x, a, gamma, rate, drops):
    a = a if gamma is None else gamma * a
    f = drops.factor(rate, a) if drops is not None else None
    return x + (a if f is None else a * f)


class Attention(nn.Module):
    """Self-attention (`qkv`) or cross-attention (`q`, `k`, `v`); both learn q_bias and v_bias, k has none."""

    def __init__(self, d, heads, cross=False):
        super().__init__()
        self.heads, self.cross = heads, cross
        if cross:
            self.q, self.k, self.v = (nn.Linear(d, d, bias=False) for _ in range(3))
        else:
            self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.q_bias, self.v_bias = nn.Parameter(torch.zeros(d)), nn.Parameter(torch.zeros(d))
        self.proj = nn.Linear(d, d)

    def forward(self, xq, xk=None, xv=None):
        B, Nq, D = xq.shape
        if self.cross:
            q, k, v = F.linear(xq, self.q.weight, self.q_bias), F.linear(xk, self.k.weight), F.linear(xv, self.v.weight, self.v_bias)
        else:
            bias = torch.cat([self.q_bias, torch.zeros_like(self.q_bias), self.v_bias])
            q, k, v = F.linear(xq, self.qkv.weight, bias).chunk(3, -1)
        split = lambda t: t.reshape(B, -1, self.heads, D // self.heads).transpose(1, 2)  # [B, H, n, D/H]
        a = ((split(q) * (D // self.heads) ** -0.5) @ split(k).transpose(-2, -1)).softmax(-1) @ split(v)
        return self.proj(a.transpose(1, 2).reshape(B, Nq, D))


class Mlp(nn.Module):
    def __init__(self, d, ratio):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(d, int(d * ratio)), nn.Linear(int(d * ratio), d)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))  # exact erf GELU


def LN(d):
    return nn.LayerNorm(d, eps=LN_EPS)


class Block(nn.Module):
    """Pre-norm ViT block; layer scale gamma_1/gamma_2 only when its init is > 0 (the official rule)."""

    def __init__(self, d, heads, ratio, gamma, rate):
        super().__init__()
        self.rate = rate
        self.norm1, self.attn, self.norm2, self.mlp = LN(d), Attention(d, heads), LN(d), Mlp(d, ratio)
        if gamma > 0:
            self.gamma_1, self.gamma_2 = nn.Parameter(gamma * torch.ones(d)), nn.Parameter(gamma * torch.ones(d))
        else:
            self.gamma_1 = self.gamma_2 = None

    def forward(self, x, drops=None):
        x = residual(x, self.attn(self.norm1(x)), self.gamma_1, self.rate, drops)
        return residual(x, self.mlp(self.norm2(x)), self.gamma_2, self.rate, drops)


class RegressorBlock(nn.Module):
    """Cross-attention from the mask queries to [Zv, queries]; the residual stream itself is normalized.
    With layer-scale init 0 the official code keeps gamma = 1 as a frozen parameter."""

    def __init__(self, d, heads, ratio, gamma, rate):
        super().__init__()
        self.rate = rate
        self.norm1_q, self.norm1_k, self.norm1_v, self.norm2_cross = LN(d), LN(d), LN(d), LN(d)
        self.cross_attn, self.mlp_cross = Attention(d, heads, cross=True), Mlp(d, ratio)
        g = gamma if gamma > 0 else 1.0
        self.gamma_1_cross = nn.Parameter(g * torch.ones(d), requires_grad=gamma > 0)
        self.gamma_2_cross = nn.Parameter(g * torch.ones(d), requires_grad=gamma > 0)

    def forward(self, q, kv, pos_q, pos_k, drops=None):
        a = self.cross_attn(self.norm1_q(q + pos_q), self.norm1_k(kv + pos_k), self.norm1_v(kv))  # no position on values
        x = self.norm2_cross(residual(q, a, self.gamma_1_cross, self.rate, drops))
        return residual(x, self.mlp_cross(x), self.gamma_2_cross, self.rate, drops)


def rates(rate, n):  # torch.linspace(0, rate, n), block by block
    return [rate * i / (n - 1) if n > 1 else 0.0 for i in range(n)]


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, p = c['embedDim'], c['patchSize']
        self.g = c['imgSize'] // p
        self.patch_embed = nn.Module()
        self.patch_embed.proj = nn.Conv2d(3, d, p, p)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.register_buffer('pos_embed', sincos(self.g, d)[None], persistent=False)  # fixed, not trained
        r = rates(c['dropPathRate'], c['depth'])
        self.blocks = nn.ModuleList(Block(d, c['numHeads'], c['mlpRatio'], c['layerScaleInit'], r[i]) for i in range(c['depth']))
        self.norm = LN(d)

    def forward(self, img, keep, drops=None):
        """CLS + the patches where keep is True (the same count per image): [B, 1+n, D]."""
        x = self.patch_embed.proj(img).flatten(2).transpose(1, 2)  # [B, N, D]
        B, N, D = x.shape
        pos = self.pos_embed[:, 1:].expand(B, N, D)
        x = (x + pos)[keep].reshape(B, -1, D)
        x = torch.cat([self.cls_token.expand(B, 1, D), x], 1)  # the CLS position row is zero
        for b in self.blocks:
            x = b(x, drops)
        return self.norm(x)


class Cae(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        d, dd, ratio = c['embedDim'], c['decoderEmbedDim'], c['mlpRatio']
        self.encoder = Encoder(c)
        if dd != d:
            self.encoder_to_regresser, self.encoder_to_regresser_norm = nn.Linear(d, dd), LN(dd)
        else:
            self.encoder_to_regresser = None
        self.mask_token = nn.Parameter(torch.zeros(1, 1, dd))
        self.register_buffer('rd_pos_embed', sincos(self.encoder.g, dd)[None], persistent=False)
        self.regresser = nn.Module()
        r = rates(c['dropPathRate'], c['regressorDepth'])
        self.regresser.regressor_blocks = nn.ModuleList(
            RegressorBlock(dd, c['decoderNumHeads'], ratio, c['decoderLayerScaleInit'], r[i]) for i in range(c['regressorDepth']))
        self.regresser.norm = LN(dd)
        self.decoder = nn.Module()
        r = rates(c['dropPathRate'], c['decoderDepth'])
        self.decoder.decoder_blocks = nn.ModuleList(
            Block(dd, c['decoderNumHeads'], ratio, c['decoderLayerScaleInit'], r[i]) for i in range(c['decoderDepth']))
        self.decoder.norm = LN(dd)
        out = c['patchSize'] ** 2 * 3 if c['target'] == 'pixel' else c['vocabSize']
        self.decoder.head = nn.Linear(dd, out)
        self.reset_parameters()

    def reset_parameters(self):
        """The official init: xavier-uniform linears, zero biases, LayerNorm 1/0, trunc-normal(0.02, cut at one std) tokens and patch conv."""
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        for t in (self.mask_token, self.encoder.cls_token, self.encoder.patch_embed.proj.weight):
            nn.init.trunc_normal_(t, std=0.02, a=-0.02, b=0.02)
        nn.init.zeros_(self.encoder.patch_embed.proj.bias)

    def drop_sites(self):
        """Uniforms one sample needs per step: two per block of the encoder (twice: visible and target passes), regressor and decoder."""
        c = self.c
        return 2 * (2 * c['depth'] + c['regressorDepth'] + c['decoderDepth'])

    def project(self, z):
        return z if self.encoder_to_regresser is None else self.encoder_to_regresser_norm(self.encoder_to_regresser(z))

    def forward(self, img, masked, drops=None):
        """Returns (decoder output [B*Nm, C or vocab], latent prediction Zm [B, Nm, Dd], stop-gradient target [B, Nm, Dd])."""
        zv = self.project(self.encoder(img, ~masked, drops))[:, 1:]  # [B, Nv, Dd], CLS dropped
        with torch.no_grad():  # the same encoder on the masked patches, no EMA (the spec's alignment target)
            target = self.project(self.encoder(img, masked, drops)[:, 1:])  # [B, Nm, Dd]
        B, _, Dd = zv.shape
        pos = self.rd_pos_embed[:, 1:].expand(B, -1, -1)
        pm, pv = pos[masked].reshape(B, -1, Dd), pos[~masked].reshape(B, -1, Dd)
        q = self.mask_token.expand(B, pm.shape[1], Dd)
        pk = torch.cat([pv, pm], 1)
        for b in self.regresser.regressor_blocks:
            q = b(q, torch.cat([zv, q], 1), pm, pk, drops)  # keys/values include the current queries
        pred = self.regresser.norm(q)
        x = pred + pm  # the decoder sees the masked tokens only
        for b in self.decoder.decoder_blocks:
            x = b(x, drops)
        out = self.decoder.head(self.decoder.norm(x))
        return out.reshape(-1, out.shape[-1]), pred, target


def pixel_target(img, masked, p, norm=True):
    """The masked patches in (p, q, c) order, each normalized by its own mean and variance: [B*Nm, C]."""
    B, _, H, W = img.shape
    g = H // p
    x = img.reshape(B, 3, g, p, g, p).permute(0, 2, 4, 3, 5, 1).reshape(B, g * g, p * p * 3)[masked]
    if not norm:
        return x
    mean, var = x.mean(-1, keepdim=True), x.var(-1, unbiased=False, keepdim=True)
    return (x - mean) / (var + 1e-6).sqrt()


def losses(net, c, img, masked, labels=None, drops=None):
    """(total, reconstruction, alignment) as the notebook's Cae.loss: reconstruction + lambda * MSE(Zm, sg(Z~m)).
    `net` is the Cae or its DistributedDataParallel wrapper, `c` its config."""
    out, pred, target = net(img, masked, drops)
    if c['target'] == 'pixel':
        rec = F.mse_loss(out, pixel_target(img, masked, c['patchSize'], c['normPixTarget']))
    else:
        rec = F.cross_entropy(out, labels)
    if not c['alignment']:
        return rec, rec, None
    align = F.mse_loss(pred, target)
    return rec + c['alignWeight'] * align, rec, align


def block_mask(rng, g, count, min_patches, min_aspect=0.3):
    """BEiT's block-wise generator as CAE uses it (CAE-SPEC.md, Masking): exactly `count` of g*g masked."""
    mask = [[0] * g for _ in range(g)]
    done = 0
    lo, hi = math.log(min_aspect), math.log(1 / min_aspect)
    while done < count:
        left_over, delta = count - done, 0
        for _ in range(10):
            area = rng.uniform(min_patches, left_over)
            ar = math.exp(rng.uniform(lo, hi))
            h, w = round(math.sqrt(area * ar)), round(math.sqrt(area / ar))  # Python rounds half to even
            if w < g and h < g:
                top, left = rng.randint(0, g - h), rng.randint(0, g - w)
                new = h * w - sum(mask[i][j] for i in range(top, top + h) for j in range(left, left + w))
                if 0 < new <= left_over:
                    for i in range(top, top + h):
                        for j in range(left, left + w):
                            if not mask[i][j]:
                                mask[i][j] = 1
                                delta += 1
                if delta > 0:
                    break
        done += delta
    return torch.tensor(sum(mask, []), dtype=torch.bool)


def sample_mask(c, rng):
    g = c['imgSize'] // c['patchSize']
    n = round(c['maskRatio'] * g * g)
    if c['maskKind'] == 'block':
        return block_mask(rng, g, n, c['maskMinPatches'])
    m = torch.zeros(g * g, dtype=torch.bool)
    m[rng.sample(range(g * g), n)] = True
    return m


def sample_seed(*parts):
    """A seed for one sample's random choices from integers (run seed, step or epoch, index, stream):
    a hash that is the same in every process, machine and Python version."""
    return int.from_bytes(hashlib.blake2b(repr(parts).encode(), digest_size=8).digest(), 'little') >> 1


def sample_randomness(c, sites, seed, step, gpos):
    """One sample's mask [N] and drop-path uniforms [sites], from (seed, step, its global position) only."""
    mask = sample_mask(c, random.Random(sample_seed(seed, step, gpos, 1)))
    u = torch.rand(sites, generator=torch.Generator().manual_seed(sample_seed(seed, step, gpos, 2)))
    return mask, u
