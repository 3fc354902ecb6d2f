#!/usr/bin/python3
"""Golden values for the optimizer and BatchNorm1d tests, computed by PyTorch (torch 1.13) in float64.

Run with /usr/bin/python3 from the repository root:
    /usr/bin/python3 scripts/golden/make_optim_golden.py
Writes backprop-core/src/test/resources/golden/optim.json (plain JSON, read by the Java tests with Jackson).

Optimizers: one parameter tensor p0 (shape [2, 3]) and a fixed gradient per step (STEPS steps); for each case the
parameter after every step is saved, in float64 ("cases") and again on float32 parameters ("cases_f32"). BatchNorm1d: a fixed input, affine parameters and output gradient; the training
forward output, the input/parameter gradients, the running statistics after two training forwards, and the eval output.
MLP: a Linear-BatchNorm1d-PReLU-Linear network's state_dict, its training-mode logits, cross-entropy loss and
parameter gradients, and its eval-mode logits.
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
STEPS = 4
P0 = [[0.5, -1.25, 2.0], [-0.75, 0.1, -0.02]]
GRADS = [
    [[0.3, -0.2, 0.1], [0.05, -0.4, 0.25]],
    [[-0.1, 0.6, 0.2], [0.3, 0.01, -0.5]],
    [[0.25, 0.25, -0.75], [-0.2, 0.15, 0.4]],
    [[0.0, -0.3, 0.45], [0.6, -0.05, 0.1]],
]

CASES = [
    ("sgd", "SGD", {"lr": 0.1}),
    ("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9}),
    ("sgd_nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("sgd_weight_decay", "SGD", {"lr": 0.1, "weight_decay": 0.02}),
    ("sgd_momentum_weight_decay", "SGD", {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.1}),
    ("adam", "Adam", {"lr": 0.01}),
    ("adam_betas_weight_decay", "Adam", {"lr": 0.02, "betas": [0.8, 0.95], "eps": 1e-6, "weight_decay": 0.1}),
    ("adamw", "AdamW", {"lr": 0.01, "weight_decay": 0.05}),
    ("rmsprop", "RMSprop", {"lr": 0.01}),
    ("rmsprop_momentum_centered", "RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True}),
    ("rmsprop_weight_decay", "RMSprop", {"lr": 0.005, "weight_decay": 0.1, "momentum": 0.3}),
]


def run_case(cls_name, kwargs, dtype=torch.float64):
    p = torch.nn.Parameter(torch.tensor(P0, dtype=dtype))
    kw = dict(kwargs)
    if "betas" in kw:
        kw["betas"] = tuple(kw["betas"])
    opt = getattr(torch.optim, cls_name)([p], **kw)
    out = []
    for g in GRADS:
        opt.zero_grad()
        p.grad = torch.tensor(g, dtype=dtype)
        opt.step()
        out.append(p.detach().clone().tolist())
    return out


def batchnorm():
    n, f = 6, 4
    x = torch.tensor([[0.1 * ((7 * i + 3 * j) % 11) - 0.4 + 0.05 * i * j for j in range(f)] for i in range(n)],
                     requires_grad=True)
    dy = torch.tensor([[0.01 * ((5 * i + 2 * j) % 13) - 0.06 for j in range(f)] for i in range(n)])
    bn = torch.nn.BatchNorm1d(f, eps=1e-5, momentum=0.1)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([1.5, 0.5, -1.0, 2.0]))
        bn.bias.copy_(torch.tensor([0.1, -0.2, 0.3, 0.0]))
    bn.train()
    y = bn(x)
    y.backward(dy)
    x2 = (x.detach() * 2.0 + 0.3)
    bn(x2)  # second training forward: running stats updated twice
    bn.eval()
    y_eval = bn(x.detach())
    return {
        "x": x.detach().tolist(), "dy": dy.tolist(), "x2": x2.tolist(),
        "weight": [1.5, 0.5, -1.0, 2.0], "bias": [0.1, -0.2, 0.3, 0.0],
        "eps": 1e-5, "momentum": 0.1,
        "y_train": y.detach().tolist(), "dx": x.grad.tolist(),
        "dweight": bn.weight.grad.tolist(), "dbias": bn.bias.grad.tolist(),
        "running_mean": bn.running_mean.tolist(), "running_var": bn.running_var.tolist(),
        "num_batches_tracked": int(bn.num_batches_tracked), "y_eval": y_eval.detach().tolist(),
    }


def mlp():
    """An MLP as Mlp.specs([5, 4, 3], "prelu", 0, true) builds it: state, train-mode logits, loss, gradients."""
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(5, 4, bias=False), torch.nn.BatchNorm1d(4), torch.nn.PReLU(4),
                            torch.nn.Linear(4, 3))
    with torch.no_grad():
        m[1].weight.copy_(torch.tensor([1.2, 0.8, -0.5, 1.0]))
        m[1].bias.copy_(torch.tensor([0.1, -0.1, 0.2, 0.0]))
        m[2].weight.copy_(torch.tensor([0.25, 0.1, -0.2, 0.5]))
    state = {k: v.tolist() for k, v in m.state_dict().items()}
    x = torch.tensor([[0.1 * ((3 * i + 5 * j) % 7) - 0.3 for j in range(5)] for i in range(6)])
    labels = [0, 2, 1, 1, 0, 2]
    m.train()
    logits = m(x)
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(labels))
    loss.backward()
    grads = {k: p.grad.tolist() for k, p in m.named_parameters()}
    m.eval()
    return {"state": state, "x": x.tolist(), "labels": labels, "logits_train": logits.detach().tolist(),
            "loss": loss.item(), "grads": grads, "running_mean": m[1].running_mean.tolist(),
            "running_var": m[1].running_var.tolist(), "logits_eval": m(x).detach().tolist()}


def main():
    golden = {
        "torch_version": torch.__version__, "p0": P0, "grads": GRADS,
        "cases": [{"name": n, "optimizer": c, "kwargs": kw, "params": run_case(c, kw)} for n, c, kw in CASES],
        # the same cases on float32 parameters (P0 and the gradients rounded to float32 first), where the adaptive
        # optimizers keep float32 state; the values are float32 numbers written as JSON doubles
        "cases_f32": [{"name": n, "optimizer": c, "kwargs": kw, "params": run_case(c, kw, torch.float32)}
                      for n, c, kw in CASES],
        "batchnorm1d": batchnorm(),
        "mlp": mlp(),
    }
    path = os.path.join("backprop-core", "src", "test", "resources", "golden", "optim.json")
    with open(path, "w") as fh:
        json.dump(golden, fh, indent=1)
        fh.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
