#!/bin/bash
# Prepares .gpu/ for one device call (bench/device-check.sh) on the lent NVIDIA machine: the bundled
# benchmarks, Node and Dawn (../shared/tools/gpu-carry.sh), PyTorch's anchor, and the libglvnd
# packages the NVIDIA Vulkan driver loads beside the Vulkan loader (without them Dawn finds no
# adapter: VK_ERROR_INCOMPATIBLE_DRIVER). Then, on the device tool: carry [".gpu"], command
# `bash .gpu/device-check.sh`.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
npm run -s bench:bundle
npm run -s bench:matmul:bundle
../shared/tools/gpu-carry.sh .gpu-build/step.mjs .gpu-build/matmul.mjs ../shared/bench/torch_cae.py bench/device-check.sh
(cd .gpu/debs && apt-get download libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2 >/dev/null)
du -sh .gpu
