"""safetensors without the safetensors package (Debian has none): an 8-byte little-endian header
length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, raw data."""
import json
import struct

import torch

DTYPES = {'F32': torch.float32, 'I32': torch.int32, 'F16': torch.float16, 'BF16': torch.bfloat16, 'I64': torch.int64}
NAMES = {v: k for k, v in DTYPES.items()}


def load(path):
    """Returns ({name: tensor}, metadata). Half-precision tensors come back as they were stored."""
    with open(path, 'rb') as f:
        b = f.read()
    n = struct.unpack('<Q', b[:8])[0]
    header = json.loads(b[8:8 + n])
    meta = header.pop('__metadata__', {}) or {}
    out = {}
    for name, e in header.items():
        s, t = e['data_offsets']
        out[name] = torch.frombuffer(bytearray(b[8 + n + s:8 + n + t]), dtype=DTYPES[e['dtype']]).reshape(e['shape'])
    return out, meta


def save(path, tensors, metadata=None):
    """Writes tensors (contiguous, little-endian) in the given order; metadata values must be strings."""
    header, blobs, off = {}, [], 0
    if metadata:
        header['__metadata__'] = {k: str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        raw = t.detach().cpu().contiguous().numpy().tobytes()
        header[name] = {'dtype': NAMES[t.dtype], 'shape': list(t.shape), 'data_offsets': [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - (8 + len(h)) % 8) % 8)  # the data starts 8-byte aligned, as the notebook writes it
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h)
        for raw in blobs:
            f.write(raw)
