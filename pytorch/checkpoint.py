"""The notebook's checkpoint format (src/train/checkpoint.ts, src/model/weights.ts): the model under the
official state-dict names plus the frozen sin-cos buffers, AdamW moments under
`optimizer.exp_avg.<name>` / `optimizer.exp_avg_sq.<name>`, and metadata `format`, `config` (official
argument names), `cae.model`, `cae.train` and `cae.state` ({step, optimizerStep, maskRng, dropRng})."""
import json
import random

import torch

import safetensors_io
from cae import Cae, sincos

FORMAT = 'cae-notebook/1'
IGNORED = ('alignment_encoder.', 'probe.', 'optimizer.')  # as src/model/weights.ts ignores them
BUFFERS = ('encoder.pos_embed', 'rd_pos_embed')


def from_official(o):
    """A config from the official argument names (a bare official state dict's metadata): token head."""
    g = o['img_size'] // o['patch_size']
    masked = o.get('num_masked', o.get('num_mask_patches', round(g * g / 2)))
    return dict(imgSize=o['img_size'], patchSize=o['patch_size'], embedDim=o['embed_dim'], depth=o['depth'],
                numHeads=o['num_heads'], mlpRatio=o.get('mlp_ratio', 4), decoderEmbedDim=o['decoder_embed_dim'],
                regressorDepth=o['regressor_depth'], decoderDepth=o['decoder_depth'], decoderNumHeads=o['decoder_num_heads'],
                layerScaleInit=o.get('init_values', 0.1), decoderLayerScaleInit=o.get('decoder_layer_scale_init_value', 0.1),
                dropPathRate=o.get('drop_path', 0), maskRatio=masked / (g * g), maskKind='block', maskMinPatches=16,
                alignWeight=o.get('align_loss_weight', 2), alignment=True, target='token', normPixTarget=True,
                vocabSize=o['decoder_num_classes'])


def to_official(c):
    g = c['imgSize'] // c['patchSize']
    return dict(img_size=c['imgSize'], patch_size=c['patchSize'], embed_dim=c['embedDim'], depth=c['depth'],
                num_heads=c['numHeads'], mlp_ratio=c['mlpRatio'], decoder_embed_dim=c['decoderEmbedDim'],
                regressor_depth=c['regressorDepth'], decoder_depth=c['decoderDepth'], decoder_num_heads=c['decoderNumHeads'],
                decoder_num_classes=c['patchSize'] ** 2 * 3 if c['target'] == 'pixel' else c['vocabSize'],
                init_values=c['layerScaleInit'], decoder_layer_scale_init_value=c['decoderLayerScaleInit'],
                drop_path=c['dropPathRate'], num_mask_patches=round(c['maskRatio'] * g * g), align_loss_weight=c['alignWeight'])


def trainable(model):
    return [(n, p) for n, p in model.named_parameters() if p.requires_grad]


def is_decayed(name, p):
    """The official rule (furnace/optim_factory.py): no decay for 1-D parameters and biases."""
    return not (p.dim() == 1 or name.endswith('.bias'))


def make_optimizer(model, train):
    named = trainable(model)
    groups = [{'params': [p for n, p in named if is_decayed(n, p)], 'weight_decay': train['weightDecay']},
              {'params': [p for n, p in named if not is_decayed(n, p)], 'weight_decay': 0.0}]
    return torch.optim.AdamW(groups, lr=0.0, betas=(train['beta1'], train['beta2']), eps=train['eps'])


class Restored:
    def __init__(self, model, config, train, step, optimizer_step, moments, extra):
        self.model, self.config, self.train, self.step = model, config, train, step
        self.optimizer_step, self.moments, self.extra = optimizer_step, moments, extra

    def load_optimizer(self, opt):
        """Puts the file's AdamW moments and step into a torch AdamW made for this model (no-op without them)."""
        if self.moments is None:
            return
        for n, p in trainable(self.model):
            m, v = self.moments[n]
            # Moments on the parameter's device (a GPU under train.py); torch keeps `step` as a CPU tensor.
            opt.state[p] = {'step': torch.tensor(float(self.optimizer_step)), 'exp_avg': m.to(p.device, copy=True),
                            'exp_avg_sq': v.to(p.device, copy=True)}


def load(path, train_override=None):
    """A browser checkpoint (or an official state dict with a `config`) → Restored; refuses what does not fit."""
    tensors, meta = safetensors_io.load(path)
    if 'cae.model' in meta:
        config = json.loads(meta['cae.model'])
    elif 'config' in meta:
        config = from_official(json.loads(meta['config']))
    else:
        raise ValueError(f'{path}: no config in the metadata (cae.model or config)')
    model = Cae(config)
    sd = {k: v.float() for k, v in tensors.items() if not k.startswith(IGNORED) and k not in BUFFERS}
    missing, unexpected = model.load_state_dict(sd, strict=False)
    if missing or unexpected:
        raise ValueError(f'{path} does not fit its config: missing {missing[:3]}, unexpected {unexpected[:3]}')
    for name, buf in ((BUFFERS[0], model.encoder.pos_embed), (BUFFERS[1], model.rd_pos_embed)):
        if name in tensors and not torch.allclose(tensors[name].float().reshape(buf.shape), buf, atol=1e-4):
            raise ValueError(f'{path}: {name} is not the fixed 2-D sin-cos embedding')
    train = train_override or (json.loads(meta['cae.train']) if 'cae.train' in meta else None)
    state = json.loads(meta['cae.state']) if 'cae.state' in meta else None
    moments = None
    if state is not None and any(k.startswith('optimizer.') for k in tensors):
        moments = {}
        for n, p in trainable(model):
            m, v = tensors.get('optimizer.exp_avg.' + n), tensors.get('optimizer.exp_avg_sq.' + n)
            if m is None or v is None or tuple(m.shape) != tuple(p.shape):
                raise ValueError(f'{path}: optimizer moments of "{n}" are missing or misshapen')
            moments[n] = (m.float(), v.float())
    step = state['step'] if state else 0
    extra = {k[4:]: v for k, v in meta.items() if k.startswith('run.')}
    return Restored(model, config, train, step, state['optimizerStep'] if state else 0, moments, extra)


def _rng_state(r):
    """Four nonzero uint32s: a valid sfc32 state for the notebook's mask and drop-path streams."""
    return [r.getrandbits(32) | 1 for _ in range(4)]


def save(path, model, train, step, opt=None, extra=None, seed=0):
    """Writes the notebook's format: the notebook imports it as an encoder, and resumes it with its moments."""
    c = model.c
    tensors = {n: p.detach().float() for n, p in model.named_parameters()}
    g = c['imgSize'] // c['patchSize']
    tensors['encoder.pos_embed'] = sincos(g, c['embedDim'])[None]
    tensors['rd_pos_embed'] = sincos(g, c['decoderEmbedDim'])[None]
    optimizer_step = 0
    if opt is not None:
        for n, p in trainable(model):
            s = opt.state.get(p, {})
            tensors['optimizer.exp_avg.' + n] = s.get('exp_avg', torch.zeros_like(p)).detach().float()
            tensors['optimizer.exp_avg_sq.' + n] = s.get('exp_avg_sq', torch.zeros_like(p)).detach().float()
            optimizer_step = int(s['step']) if 'step' in s else optimizer_step
    # The notebook's own random streams cannot be continued from here: fresh ones, drawn from the run's seed and step.
    r = random.Random(seed * 1_000_003 + step)
    meta = {'format': FORMAT, 'config': json.dumps(to_official(c)), 'cae.model': json.dumps(c), 'cae.train': json.dumps(train)}
    if opt is not None:  # the notebook reads a `cae.state` as "moments present": weights-only files go without
        state = {'step': step, 'maskRng': _rng_state(r), 'dropRng': _rng_state(r), 'optimizerStep': optimizer_step}
        meta['cae.state'] = json.dumps(state)
    for k, v in (extra or {}).items():
        meta['run.' + k] = str(v)
    safetensors_io.save(path, tensors, meta)
