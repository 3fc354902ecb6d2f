"""Reference values for the autograd tests, computed with PyTorch in float64.

Run with /usr/bin/python3 scripts/golden/autograd_golden.py; it prints the Java arrays pasted into
dev.backprop.autograd.GoldenValuesTest (and kernel ErfTest).
"""
import math

import torch

torch.set_default_dtype(torch.float64)


def arr(name, values):
    body = ", ".join(repr(float(v)) for v in values)
    print(f"    static final double[] {name} = {{{body}}};")


xs = [-12.0, -8.0, -5.0, -3.3, -2.6, -2.4, -1.0, -0.3, -1e-8, 0.0, 1e-8, 0.3, 1.0, 2.4, 2.6, 3.3, 5.0, 8.0, 12.0]
arr("X", xs)
arr("ERF", [math.erf(v) for v in xs])
arr("ERFC", [math.erfc(v) for v in xs])

x = torch.tensor(xs, requires_grad=True)
y = torch.nn.functional.gelu(x)
y.sum().backward()
arr("GELU", y.detach().tolist())
arr("GELU_GRAD", x.grad.tolist())
# PyTorch's float64 GELU computes 1 + erf(x / sqrt 2), which loses relative accuracy in the far negative tail;
# the same function through erfc (libm) keeps it there.
arr("GELU_TAIL", [v * 0.5 * math.erfc(-v / math.sqrt(2)) for v in xs])
arr("GELU_GRAD_TAIL", [0.5 * math.erfc(-v / math.sqrt(2)) + v * math.exp(-v * v / 2) / math.sqrt(2 * math.pi)
                       for v in xs])

# softmax cross-entropy and log-softmax on a fixed batch
logits = torch.tensor([[0.5, -1.25, 2.0, 0.0], [3.0, 3.0, -2.0, 1.5], [-0.7, 0.2, 0.1, -4.0]], requires_grad=True)
labels = torch.tensor([2, 0, 3])
loss = torch.nn.functional.cross_entropy(logits, labels)
loss.backward()
arr("CE_LOGITS", logits.detach().flatten().tolist())
print(f"    static final double CE_MEAN = {loss.item()!r};")
arr("CE_MEAN_GRAD", logits.grad.flatten().tolist())

# elu, silu, sigmoid, softplus-style bce on the same points (alpha 1.3 for elu)
x2 = torch.tensor(xs, requires_grad=True)
torch.nn.functional.elu(x2, alpha=1.3).sum().backward()
arr("ELU", torch.nn.functional.elu(torch.tensor(xs), alpha=1.3).tolist())
arr("ELU_GRAD", x2.grad.tolist())
x3 = torch.tensor(xs, requires_grad=True)
torch.nn.functional.silu(x3).sum().backward()
arr("SILU", torch.nn.functional.silu(torch.tensor(xs)).tolist())
arr("SILU_GRAD", x3.grad.tolist())
t = torch.tensor([(i % 3) / 2.0 for i in range(len(xs))])
x4 = torch.tensor(xs, requires_grad=True)
bce = torch.nn.functional.binary_cross_entropy_with_logits(x4, t)
bce.backward()
arr("BCE_TARGETS", t.tolist())
print(f"    static final double BCE_MEAN = {bce.item()!r};")
arr("BCE_MEAN_GRAD", x4.grad.tolist())

# erf and erfc on a grid reaching the far tail of erfc
grid = [round(-6.0 + 0.3 * i, 10) for i in range(121)]
arr("GRID", grid)
arr("GRID_ERF", [math.erf(v) for v in grid])
arr("GRID_ERFC", [math.erfc(v) for v in grid])
