#!/bin/bash
# Everything #7 measures, in one device call, PyTorch fp32 eager beside (same GPU, same call):
# the fused step and the plain-ops step (vit-s-p8-64), GPU memory at vit-s-p16-224, the tiled
# matmul against TF.js's, and one profiled step. The --memory-only runs skip every shader: their
# step time is the host's share of the real step above them, and their memory should equal it.
# Prepared by bench/gpu-prepare.sh; runs in .gpu/.
cd "$(dirname "$0")"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
step() { bash run.sh step.mjs "$@"; }
step --preset vit-s-p8-64 --batch 64 --steps 10 --warmup 3
step --preset vit-s-p8-64 --batch 64 --steps 10 --warmup 3 --memory-only
step --preset vit-s-p8-64 --batch 64 --steps 10 --warmup 3 --tiled
step --preset vit-s-p8-64 --batch 64 --steps 2 --warmup 1 --plain
python3 torch_cae.py bench vit-s-p8-64
step --preset vit-s-p16-224 --batch 64 --steps 3 --warmup 1
step --preset vit-s-p16-224 --batch 64 --steps 3 --warmup 1 --memory-only
python3 torch_cae.py bench vit-s-p16-224
bash run.sh matmul.mjs --iters 20
step --preset vit-s-p8-64 --batch 64 --steps 1 --warmup 2 --profile | tail -1
