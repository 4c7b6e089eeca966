"""DALL-E's d-VAE encoder → the notebook's tokenizer file (CAE*: the paper's token targets from
DALL-E's tokenizer).

Usage:
  /usr/bin/python3 pytorch/convert_dalle.py encoder.pkl dalle-encoder.safetensors [--img-size 112]

The input is either the published pickled module (openai/DALL-E's encoder.pkl, unpickled without
the `dall_e` package: its classes are read as plain modules) or a torch.save'd state dict of that
architecture (.pt/.pth; a dict with a 'state_dict' or 'model' entry also works). Keys are those of
pytorch/dalle_encoder.py (= the published ones), optionally under a prefix such as 'encoder.'.
The output holds every weight as F32 under the notebook's names (src/model/dalleEncoderParams.ts):
  blocks.input.{w,b}                                   → encoder.input.{weight,bias}
  blocks.group_G.block_I.id_path.{w,b}                 → encoder.groups.(G−1).blocks.(I−1).id.{weight,bias}
  blocks.group_G.block_I.res_path.conv_K.{w,b}         → encoder.groups.(G−1).blocks.(I−1).convK.{weight,bias}
  blocks.output.conv.{w,b}                             → encoder.output.{weight,bias}
and the metadata format 'cae-notebook/dalle-encoder-1' with 'dvae.model' = {"kind": "dalle-encoder",
imgSize, downsample: 8, vocabSize, hiddenDim, blocksPerGroup}: the notebook reads it as an
encoder-only tokenizer (codes for token targets; it has no decoder, so nothing can be decoded).
For ViT-S/16 at 224 px keep --img-size 112: 112 / 8 = 14 codes a side, one per 16-px patch."""
import argparse
import contextlib
import json
import os
import re
import sys
import types

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from dalle_encoder import GROUP_COUNT  # noqa: E402

FORMAT = 'cae-notebook/dalle-encoder-1'
KIND = 'dalle-encoder'
DOWNSAMPLE = 2 ** (GROUP_COUNT - 1)

_BLOCK = re.compile(r'^blocks\.group_(\d+)\.block_(\d+)\.(id_path|res_path\.conv_(\d))\.(w|b)$')
_ENDS = {'w': 'weight', 'b': 'bias'}


def notebook_name(key):
    """The notebook's name for a published encoder key, or None for a key the architecture lacks."""
    if key in ('blocks.input.w', 'blocks.input.b'):
        return f'encoder.input.{_ENDS[key[-1]]}'
    if key in ('blocks.output.conv.w', 'blocks.output.conv.b'):
        return f'encoder.output.{_ENDS[key[-1]]}'
    m = _BLOCK.match(key)
    if not m:
        return None
    g, i, path, k, end = m.groups()
    layer = 'id' if path == 'id_path' else f'conv{k}'
    if int(g) < 1 or int(i) < 1 or (k is not None and not 1 <= int(k) <= 4):
        return None
    return f'encoder.groups.{int(g) - 1}.blocks.{int(i) - 1}.{layer}.{_ENDS[end]}'


class _Shim(torch.nn.Module):
    """Stands in for any dall_e.* class while unpickling: pickle restores a module's __dict__ only."""


def _shim_module(name):
    m = types.ModuleType(name)
    m.__getattr__ = lambda attr: _SHIMS.setdefault(attr, type(attr, (_Shim,), {'__module__': name}))  # PEP 562
    return m


_SHIMS = {}


@contextlib.contextmanager
def _dall_e_shims():
    """While loading, `dall_e.*` names resolve to shims unless the real package is installed. (A
    pickle_module argument would be neater, but torch 1.13's load ignores it.)"""
    try:
        import dall_e  # noqa: F401
        yield
        return
    except ImportError:
        pass
    names = ('dall_e', 'dall_e.encoder', 'dall_e.decoder', 'dall_e.utils')
    sys.modules.update({n: _shim_module(n) for n in names})
    try:
        yield
    finally:
        for n in names:
            sys.modules.pop(n, None)


def load_state_dict(path):
    """The encoder's tensors from a pickled module or a saved state dict, keys starting at 'blocks.'."""
    with _dall_e_shims():  # a pickle runs code: convert only files you trust, as with torch.load
        obj = torch.load(path, map_location='cpu', weights_only=False)
    if isinstance(obj, torch.nn.Module):
        obj = obj.state_dict()
    if isinstance(obj, dict):
        for k in ('state_dict', 'model'):
            if k in obj and isinstance(obj[k], dict):
                obj = obj[k]
    if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise ValueError(f'{path}: expected a DALL-E encoder module or a state dict of tensors, got {type(obj).__name__}')
    if not any('blocks.' in k for k in obj):
        raise ValueError(f'{path}: no key contains "blocks.": not a DALL-E encoder state dict (first keys: {list(obj)[:5]})')
    prefix = next(k[:k.index('blocks.')] for k in obj if 'blocks.' in k)
    return {k[len(prefix):]: v for k, v in obj.items() if k.startswith(prefix)}


def config_of(sd, img_size):
    """The notebook config a state dict implies; a clear error for anything that is not the published shape."""
    for k in ('blocks.input.w', 'blocks.output.conv.w'):
        if k not in sd:
            raise ValueError(f'missing "{k}": not a DALL-E encoder state dict')
    n_hid, ch = sd['blocks.input.w'].shape[:2]
    if ch != 3:
        raise ValueError(f'the encoder reads {ch} channels; the notebook gives it RGB (3)')
    groups = {int(m.group(1)) for k in sd if (m := _BLOCK.match(k))}
    if groups != set(range(1, GROUP_COUNT + 1)):
        raise ValueError(f'expected groups 1..{GROUP_COUNT} (8× downsampling), found {sorted(groups)}')
    blocks = {int(m.group(2)) for k in sd if (m := _BLOCK.match(k)) and m.group(1) == '1'}
    if img_size % DOWNSAMPLE:
        raise ValueError(f'--img-size {img_size} is not a multiple of the encoder\'s downsampling {DOWNSAMPLE}')
    return {'kind': KIND, 'imgSize': img_size, 'downsample': DOWNSAMPLE, 'vocabSize': int(sd['blocks.output.conv.w'].shape[0]),
            'hiddenDim': int(n_hid), 'blocksPerGroup': len(blocks)}


def convert(sd, img_size=112):
    """(tensors under the notebook's names as F32, metadata); refuses keys it does not know and checks
    every shape against a freshly built encoder of the inferred config."""
    from dalle_encoder import Encoder
    config = config_of(sd, img_size)
    ref = Encoder(config['hiddenDim'], config['blocksPerGroup'], 3, config['vocabSize'], device='meta').state_dict()
    unknown = sorted(set(sd) - set(ref))
    missing = sorted(set(ref) - set(sd))
    if unknown or missing:
        raise ValueError(f'not the published encoder architecture: unknown keys {unknown[:5]}, missing keys {missing[:5]}')
    out = {}
    for k, t in ref.items():
        if tuple(sd[k].shape) != tuple(t.shape):
            raise ValueError(f'"{k}" has shape {list(sd[k].shape)}, the architecture expects {list(t.shape)}')
        out[notebook_name(k)] = sd[k].detach().to(torch.float32).contiguous()
    return out, {'format': FORMAT, 'dvae.model': json.dumps(config)}


def from_notebook_file(tensors, meta):
    """The converted file back as a DalleTokenizer (for pytorch/train.py --tokenizer): the published
    module under its own keys, loaded strictly."""
    from dalle_encoder import DalleTokenizer, Encoder
    cfg = json.loads(meta.get('dvae.model', '{}'))
    if cfg.get('kind') != KIND:
        raise ValueError(f'not a converted DALL-E encoder: its "dvae.model" metadata has no kind "{KIND}"')
    enc = Encoder(cfg['hiddenDim'], cfg['blocksPerGroup'], 3, cfg['vocabSize'])
    keys = {notebook_name(k): k for k in enc.state_dict()}
    missing = sorted(set(keys) - set(tensors))
    if missing:
        raise ValueError(f'the converted DALL-E encoder misses {missing[:3]}')
    enc.load_state_dict({keys[n]: tensors[n] for n in keys}, strict=True)
    return DalleTokenizer(cfg, enc)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('src', help="encoder.pkl, or a .pt/.pth state dict of DALL-E's encoder")
    p.add_argument('dst', help='the notebook tokenizer file to write (.safetensors)')
    p.add_argument('--img-size', type=int, default=112, help='the tokenizer\'s input side in pixels (112 for ViT-*/16 at 224 px)')
    a = p.parse_args(argv)
    tensors, meta = convert(load_state_dict(a.src), a.img_size)
    safetensors_io.save(a.dst, tensors, meta)
    print(f'wrote {a.dst}: {len(tensors)} tensors, {meta["dvae.model"]}')


if __name__ == '__main__':
    main()
