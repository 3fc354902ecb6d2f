"""Minimal safetensors writer/reader on json + struct + numpy (torch 1.13 ships no safetensors package).

Layout: u64 little-endian header length N, N bytes of JSON header, then the data region. The header maps each
tensor name to {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the data region) and may hold
"__metadata__": {str: str}. Like the reference implementation, data is laid out by descending item size, then by
name, and the header is padded with spaces to a multiple of 8 bytes.
"""
import json
import struct

import numpy as np

_DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8")}
_NAMES = {np.dtype("float32"): "F32", np.dtype("float64"): "F64"}


def save(path, tensors, metadata=None):
    """Writes a dict name -> numpy array (float32 or float64) to path."""
    arrays = {name: np.array(a, order="C", copy=True) for name, a in tensors.items()}  # keeps 0-d shapes
    order = sorted(arrays, key=lambda n: (-arrays[n].dtype.itemsize, n))
    header = {}
    if metadata:
        header["__metadata__"] = dict(metadata)
    offset = 0
    for name in order:
        a = arrays[name]
        nbytes = a.size * a.dtype.itemsize
        header[name] = {"dtype": _NAMES[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    blob = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    blob += b" " * (-len(blob) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for name in order:
            f.write(arrays[name].astype(_DTYPES[_NAMES[arrays[name].dtype]]).tobytes())


def load(path):
    """Reads path; returns (dict name -> numpy array, metadata dict)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n:]
    out = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], dtype=_DTYPES[e["dtype"]]).reshape(e["shape"]).copy()
    return out, metadata
