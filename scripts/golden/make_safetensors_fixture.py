"""Writes backprop-core/src/test/resources/io/torch_fixture.safetensors, read by SafetensorsTest.

Run from the repository root: /usr/bin/python3 scripts/golden/make_safetensors_fixture.py
The values are built with PyTorch and are simple enough to be written out literally in the Java test.
"""
import os

import torch

from safetensors_np import save

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "backprop-core", "src", "test", "resources", "io",
                   "torch_fixture.safetensors")


def main():
    tensors = {
        # [[-1.0, -0.5, 0.0], [0.5, 1.0, 1.5]]
        "f32_matrix": torch.arange(6, dtype=torch.float32).reshape(2, 3) * 0.5 - 1.0,
        # 0..5 as float32 in shape [3, 1, 2]
        "f32_3d": torch.arange(6, dtype=torch.float32).reshape(3, 1, 2),
        "f32_scalar": torch.tensor(42.25, dtype=torch.float32),
        "f64_special": torch.tensor([3.141592653589793, -0.0, 1e-300, 1e300, float("inf"), float("-inf"),
                                     float("nan"), 0.1], dtype=torch.float64).reshape(4, 2),
        "f64_empty": torch.zeros(0, 4, dtype=torch.float64),
        "linear.weight": torch.tensor([[0.25, -0.75]], dtype=torch.float32),
    }
    metadata = {"format": "pt", "producer": "make_safetensors_fixture.py"}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    save(OUT, {k: v.numpy() for k, v in tensors.items()}, metadata)
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
