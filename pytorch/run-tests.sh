#!/usr/bin/env bash
# The PyTorch side of the project (pytorch/), kept out of `npm test`: installing torch is heavy.
# Runs the Python tests on the CPU with Debian's torch, then the notebook's vitest on the checkpoint
# they wrote. Set CAE_OFFICIAL=/path/to/Atten4Vis/CAE to also load the encoder export with the
# official linear-probing and fine-tuning tools. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3  # Debian's python, where apt's torch lives (not a pyenv python on PATH)
need=()
for m in torch:python3-torch numpy:python3-numpy PIL:python3-pil pytest:python3-pytest; do
  $PY -c "import ${m%%:*}" 2>/dev/null || need+=("${m#*:}")
done
if [ -n "${CAE_OFFICIAL:-}" ]; then $PY -c 'import torchvision' 2>/dev/null || need+=(python3-torchvision); fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} from apt" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y "${need[@]}"; else sudo apt-get install -y "${need[@]}"; fi
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} CAE_PYTORCH_OUT="$out/pytorch-tiny.safetensors" $PY -m pytest -q -rs pytorch/tests "$@"
# The notebook imports and resumes the checkpoint PyTorch just wrote, and computes its loss.
CAE_PYTORCH_CKPT="$out/pytorch-tiny.safetensors" npx vitest run src/train/pytorchInterop.test.ts
