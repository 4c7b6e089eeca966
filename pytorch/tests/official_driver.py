"""Runs an official downstream tool's own main() (Atten4Vis/CAE tools/run_linear.py or
tools/run_class_finetuning.py) on the CPU for 0 epochs with `--finetune PTH`, so the checkpoint goes
through the tool's own key filtering, renaming and load; then writes the loaded model's state dict and
its features on fixed images to OUT (a torch file) for test_official_tools.py to compare.

  python3 official_driver.py linear|finetune PTH DATA_DIR OUT    (CAE_OFFICIAL=/path/to/CAE checkout)

The tools need timm 0.3.2 (and tensorboardX, scipy, einops and the CLIP/DALL-E tokenizers' packages at
import time). Whatever is not installed is stubbed here, and only that: timm's layers, registry and
create_model work as in 0.3.2 (they build the model); every other stubbed name is an inert placeholder,
which 0 epochs never calls. The tiny test model is registered as the commands' notes tell users to.
"""
import importlib.util
import os
import sys
import types
from functools import partial

import torch
import torch.nn as nn

OFFICIAL = os.environ['CAE_OFFICIAL']
sys.path.insert(0, OFFICIAL)
MODEL = 'cae_custom_patch4_16'  # the name downstream.ts gives a 16-px, patch-4 run
TINY = dict(img_size=16, patch_size=4, embed_dim=32, depth=2, num_heads=2, mlp_ratio=4)  # browser-tiny's encoder


class Inert:
    """A stubbed name: constructible and callable, and nothing else."""

    def __init__(self, *a, **k):
        pass

    def __call__(self, *a, **k):
        return self


class StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return Inert


def stub(name, **attrs):
    m = StubModule(name)
    m.__path__ = []  # a package, so submodules import
    m.__dict__.update(attrs)
    sys.modules[name] = m
    parent, _, child = name.rpartition('.')
    if parent:
        setattr(sys.modules[parent], child, m)
    return m


REGISTRY = {}


class Loaded(Exception):
    pass


def install_stubs():
    stubbed = []
    if importlib.util.find_spec('timm') is None:
        def drop_path(x, drop_prob=0., training=False):  # timm 0.3.2's
            if drop_prob == 0. or not training:
                return x
            keep = 1 - drop_prob
            mask = (keep + torch.rand((x.shape[0],) + (1,) * (x.ndim - 1), dtype=x.dtype, device=x.device)).floor_()
            return x.div(keep) * mask

        def register_model(fn):
            REGISTRY[fn.__name__] = fn
            return fn

        def create_model(name, pretrained=False, **kwargs):
            kwargs = {k: v for k, v in kwargs.items() if v is not None}  # as timm 0.3.2 drops None kwargs
            return REGISTRY[name](pretrained=pretrained, **kwargs)

        def create_transform(*a, **k):
            import torchvision.transforms as T
            return T.Compose([T.Lambda(lambda x: x)])  # one slot: build_transform replaces [0] at <= 32 px

        stub('timm')
        stub('timm.models', create_model=create_model)
        stub('timm.models.layers', drop_path=drop_path, to_2tuple=lambda x: tuple(x) if isinstance(x, (tuple, list)) else (x, x),
             trunc_normal_=lambda t, mean=0., std=1., a=-2., b=2.: nn.init.trunc_normal_(t, mean, std, a, b))
        stub('timm.models.registry', register_model=register_model)
        stub('timm.data', create_transform=create_transform)
        stub('timm.data.mixup')
        stub('timm.data.constants', IMAGENET_DEFAULT_MEAN=(0.485, 0.456, 0.406), IMAGENET_DEFAULT_STD=(0.229, 0.224, 0.225),
             IMAGENET_INCEPTION_MEAN=(0.5, 0.5, 0.5), IMAGENET_INCEPTION_STD=(0.5, 0.5, 0.5))
        stub('timm.utils')
        stub('timm.loss')
        stub('timm.optim')
        for sub in ('adafactor', 'adahessian', 'adamp', 'lookahead', 'nadam', 'novograd', 'nvnovograd', 'radam', 'rmsprop_tf', 'sgdp'):
            stub('timm.optim.' + sub)
        stubbed.append('timm')
    for name in ('tensorboardX', 'scipy', 'einops', 'tqdm', 'ftfy', 'regex', 'deepspeed'):
        if importlib.util.find_spec(name) is None:
            stub(name)
            stubbed.append(name)
    return stubbed


def register_tiny():
    import models.modeling_finetune as mf
    from timm.models.registry import register_model
    built = []

    def tiny(pretrained=False, **kwargs):
        m = mf.VisionTransformer(**TINY, qkv_bias=True, norm_layer=partial(nn.LayerNorm, eps=1e-6), **kwargs)
        m.default_cfg = mf._cfg()
        built.append(m)
        return m

    tiny.__name__ = MODEL
    register_model(tiny)
    setattr(mf, MODEL, tiny)  # run_linear looks models up in the module's __dict__
    return built


def load_tool(path):
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main(tool, pth, data, out):
    stubbed = install_stubs()
    built = register_tiny()
    common = ['--model', MODEL, '--finetune', pth, '--device', 'cpu', '--num_workers', '0', '--epochs', '0',
              '--nb_classes', '2', '--layer_scale_init_value', '0.1', '--output_dir', os.path.dirname(out)]
    if tool == 'linear':  # the flags downstream.ts emits, less the launcher's
        rl = load_tool(os.path.join(OFFICIAL, 'tools', 'run_linear.py'))
        args = rl.get_args_parser().parse_args(common + [
            '--data_path', data, '--batch_size', '2', '--blr', '0.1', '--weight_decay', '0.0', '--dist_eval',
            '--log_dir', os.path.dirname(out), '--enable_linear_eval', '--use_cls', '--disable_rel_pos_bias',
            '--linear_type', 'standard', '--local_rank', '0'])
        rl.main(args)
    else:
        sys.argv = ['run_class_finetuning.py'] + common + [
            '--data_set', 'image_folder', '--data_path', os.path.join(data, 'train'), '--eval_data_path', os.path.join(data, 'val'),
            '--input_size', '16', '--batch_size', '2', '--lr', '0.00025', '--update_freq', '1', '--warmup_epochs', '0',
            '--layer_decay', '0.65', '--drop_path', '0.1', '--weight_decay', '0.05', '--mixup', '0.8', '--cutmix', '1.0',
            '--sin_pos_emb', '--dist_eval', '--no_auto_resume', '--imagenet_default_mean_and_std']
        rf = load_tool(os.path.join(OFFICIAL, 'tools', 'run_class_finetuning.py'))
        opts, ds_init = rf.get_args()
        # What follows the tool's own load is optimizer and schedule setup, which fails on 0 epochs (max() of an
        # empty weight-decay schedule): stop right after the load.
        load = rf.utils.load_state_dict

        def load_then_stop(*a, **k):
            load(*a, **k)
            raise Loaded

        rf.utils.load_state_dict = load_then_stop
        try:
            rf.main(opts, ds_init)
        except Loaded:
            pass
    model = built[-1].eval()
    x = torch.linspace(-2, 2, 2 * 3 * 16 * 16).reshape(2, 3, 16, 16)
    with torch.no_grad():
        features = model.forward_features(x)
    torch.save({'state_dict': model.state_dict(), 'features': features, 'input': x, 'stubbed': stubbed}, out)


if __name__ == '__main__':
    main(*sys.argv[1:5])
