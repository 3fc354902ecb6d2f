"""Golden values from PyTorch for the ops of dev.backprop.autograd.Ops and for small MLPs.

Run from anywhere: /usr/bin/python3 scripts/golden/make_golden.py
Writes backprop-core/src/test/resources/golden/{ops,mlp}_{f64,f32}.safetensors, read by TorchGoldenTest.

For each op case, with a fixed seed: random inputs "<case>/<input>", random weights "<case>/w" of the output's
shape, the output "<case>/out", and the gradients "<case>/grad_<input>" of sum(out * w) with respect to every input
that takes one. Scalar parameters of a case (exponent, axis, slope...) are in the file's metadata as "<case>/<param>".
For each MLP "mlp_<act>" (Linear(5,7)-act-Linear(7,6)-act-Linear(6,3), cross-entropy, mean over 8 samples):
"x", "labels" (class indices stored as floats), every parameter by its nn.Sequential name, "loss", and
"grad/<parameter>".

All arithmetic is float64. The F32 files hold the same cases with inputs first rounded to float32, the references
then computed in float64 from those rounded inputs and finally rounded to float32: they are the exact answer for
the float32 inputs, up to one final rounding.
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from safetensors_np import save

SEED = 20261127
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "backprop-core", "src", "test",
                       "resources", "golden")

gen = torch.Generator().manual_seed(SEED)


def randn(*shape, scale=1.0):
    return torch.randn(tuple(shape), generator=gen, dtype=torch.float64) * scale


def uniform(lo, hi, *shape):
    return lo + (hi - lo) * torch.rand(tuple(shape), generator=gen, dtype=torch.float64)


def away_from_zero(*shape, margin=0.1):
    """Values with |v| >= margin, so that kinks at 0 (relu, abs...) are never hit."""
    r = randn(*shape)
    return torch.sign(r) * (margin + r.abs())


def labels(n, classes):
    return torch.randint(0, classes, (n,), generator=gen).to(torch.float64)


# ---------------------------------------------------------------- op cases
# A case: (name, inputs {name: tensor}, names of inputs that take a gradient, params {name: value}, fn).
# fn(inputs, params) -> output tensor.

CASES = []


def case(name, inputs, grads, fn, **params):
    CASES.append((name, inputs, grads, params, fn))


def binary_cases():
    ops = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}
    for op, f in ops.items():
        other = (lambda *s: away_from_zero(*s, margin=0.5)) if op == "div" else randn
        fn = lambda i, p, f=f: f(i["x"], i["y"])
        case(f"{op}_same", {"x": randn(4, 5), "y": other(4, 5)}, ["x", "y"], fn)
        case(f"{op}_row", {"x": randn(4, 5), "y": other(5)}, ["x", "y"], fn)
        case(f"{op}_scalar", {"x": randn(4, 5), "y": other()}, ["x", "y"], fn)
        case(f"{op}_row_left", {"x": randn(5), "y": other(4, 5)}, ["x", "y"], fn)
        case(f"{op}_scalar_left", {"x": randn(), "y": other(4, 5)}, ["x", "y"], fn)


def linear_algebra_cases():
    case("neg", {"x": randn(4, 5)}, ["x"], lambda i, p: -i["x"])
    case("matmul", {"x": randn(3, 4), "y": randn(4, 5)}, ["x", "y"], lambda i, p: i["x"] @ i["y"])
    case("linear", {"x": randn(4, 5), "weight": randn(3, 5), "bias": randn(3)}, ["x", "weight", "bias"],
         lambda i, p: F.linear(i["x"], i["weight"], i["bias"]))
    case("linear_nobias", {"x": randn(4, 5), "weight": randn(3, 5)}, ["x", "weight"],
         lambda i, p: F.linear(i["x"], i["weight"]))


def reduction_cases():
    case("sum_all", {"x": randn(4, 5)}, ["x"], lambda i, p: i["x"].sum())
    case("mean_all", {"x": randn(4, 5)}, ["x"], lambda i, p: i["x"].mean())
    for op in ("sum", "mean", "max"):
        for axis in (0, 1):
            for keep in (False, True):
                name = f"{op}_axis{axis}" + ("_keepdim" if keep else "")
                case(name, {"x": randn(4, 5)}, ["x"], reduce_fn(op), axis=axis, keepdim=keep)
    case("sum_3d_axis1", {"x": randn(2, 3, 4)}, ["x"], reduce_fn("sum"), axis=1, keepdim=False)
    case("mean_3d_axis2_keepdim", {"x": randn(2, 3, 4)}, ["x"], reduce_fn("mean"), axis=2, keepdim=True)


def reduce_fn(op):
    def fn(i, p):
        x, axis, keep = i["x"], p["axis"], p["keepdim"]
        if op == "max":
            return x.max(dim=axis, keepdim=keep).values
        return getattr(x, op)(dim=axis, keepdim=keep)
    return fn


def elementwise_cases():
    case("exp", {"x": randn(4, 5)}, ["x"], lambda i, p: torch.exp(i["x"]))
    case("log", {"x": uniform(0.2, 3.0, 4, 5)}, ["x"], lambda i, p: torch.log(i["x"]))
    case("pow", {"x": uniform(0.2, 3.0, 4, 5)}, ["x"], lambda i, p: torch.pow(i["x"], p["p"]), p=2.5)
    case("pow_int", {"x": randn(4, 5)}, ["x"], lambda i, p: torch.pow(i["x"], p["p"]), p=3.0)
    case("pow_negative", {"x": uniform(0.2, 3.0, 4, 5)}, ["x"], lambda i, p: torch.pow(i["x"], p["p"]), p=-1.5)
    case("sqrt", {"x": uniform(0.2, 3.0, 4, 5)}, ["x"], lambda i, p: torch.sqrt(i["x"]))
    case("abs", {"x": away_from_zero(4, 5)}, ["x"], lambda i, p: torch.abs(i["x"]))
    case("clamp", {"x": randn(4, 5)}, ["x"], lambda i, p: torch.clamp(i["x"], p["lo"], p["hi"]), lo=-0.5, hi=0.7)


def activation_cases():
    case("sigmoid", {"x": randn(4, 5, scale=3)}, ["x"], lambda i, p: torch.sigmoid(i["x"]))
    case("tanh", {"x": randn(4, 5, scale=2)}, ["x"], lambda i, p: torch.tanh(i["x"]))
    case("relu", {"x": away_from_zero(4, 5)}, ["x"], lambda i, p: F.relu(i["x"]))
    case("leaky_relu", {"x": away_from_zero(4, 5)}, ["x"], lambda i, p: F.leaky_relu(i["x"], p["slope"]), slope=0.05)
    case("prelu_shared", {"x": away_from_zero(4, 5), "alpha": torch.tensor([0.25], dtype=torch.float64)},
         ["x", "alpha"], lambda i, p: F.prelu(i["x"], i["alpha"]))
    case("prelu_per_feature", {"x": away_from_zero(4, 5), "alpha": uniform(0.05, 0.5, 5)}, ["x", "alpha"],
         lambda i, p: F.prelu(i["x"], i["alpha"]))
    case("elu", {"x": away_from_zero(4, 5)}, ["x"], lambda i, p: F.elu(i["x"], p["alpha"]), alpha=1.0)
    case("elu_alpha", {"x": away_from_zero(4, 5)}, ["x"], lambda i, p: F.elu(i["x"], p["alpha"]), alpha=0.7)
    case("gelu", {"x": randn(4, 5, scale=2)}, ["x"], lambda i, p: F.gelu(i["x"]))
    case("silu", {"x": randn(4, 5, scale=2)}, ["x"], lambda i, p: F.silu(i["x"]))
    case("softmax", {"x": randn(4, 5, scale=2)}, ["x"], lambda i, p: torch.softmax(i["x"], dim=-1))
    case("log_softmax", {"x": randn(4, 5, scale=2)}, ["x"], lambda i, p: torch.log_softmax(i["x"], dim=-1))
    case("softmax_3d", {"x": randn(2, 3, 4, scale=2)}, ["x"], lambda i, p: torch.softmax(i["x"], dim=-1))


EXTREME_LOGITS = torch.tensor([
    [1000.0, -1000.0, 0.0, 1.0, 2.0],       # label 0: confidently right
    [1000.0, -1000.0, 0.0, 1.0, 2.0],       # label 1: confidently wrong, loss 2000
    [-1000.0, -1000.0, -1000.0, -1000.0, -1000.0],
    [1000.0, 1000.0, -1000.0, 0.5, -0.5],   # tie at the top
], dtype=torch.float64)


def loss_cases():
    for red in ("mean", "sum"):
        case(f"cross_entropy_{red}", {"x": randn(4, 5, scale=2), "labels": labels(4, 5)}, ["x"],
             lambda i, p, red=red: F.cross_entropy(i["x"], i["labels"].long(), reduction=red))
        case(f"mse_{red}", {"x": randn(4, 5), "target": randn(4, 5)}, ["x"],
             lambda i, p, red=red: F.mse_loss(i["x"], i["target"], reduction=red))
        case(f"bce_with_logits_{red}", {"x": randn(4, 5, scale=3), "target": uniform(0.0, 1.0, 4, 5)}, ["x"],
             lambda i, p, red=red: F.binary_cross_entropy_with_logits(i["x"], i["target"], reduction=red))
    case("cross_entropy_extreme", {"x": EXTREME_LOGITS.clone(),
                                   "labels": torch.tensor([0.0, 1.0, 3.0, 1.0], dtype=torch.float64)}, ["x"],
         lambda i, p: F.cross_entropy(i["x"], i["labels"].long(), reduction="mean"))
    case("bce_with_logits_extreme", {"x": EXTREME_LOGITS.clone(),
                                     "target": torch.tensor([[1.0, 0.0, 0.3, 1.0, 0.0]] * 4, dtype=torch.float64)},
         ["x"], lambda i, p: F.binary_cross_entropy_with_logits(i["x"], i["target"], reduction="mean"))


def build_cases():
    binary_cases()
    linear_algebra_cases()
    reduction_cases()
    elementwise_cases()
    activation_cases()
    loss_cases()
    # The weights of sum(out * w) come last, so adding a case above never changes the inputs of earlier cases' w.
    return [(name, inputs, grads, params, fn, randn(*fn(inputs, params).shape)) for name, inputs, grads, params, fn
            in CASES]


def run_case(name, inputs, grads, params, fn, w, rnd):
    """Tensors of one case, with inputs and w rounded by rnd, computed in float64."""
    leaves = {k: rnd(v).clone().requires_grad_(k in grads) for k, v in inputs.items()}
    w = rnd(w)
    out = fn(leaves, params)
    (out * w).sum().backward()
    tensors = {f"{name}/{k}": v.detach() for k, v in leaves.items()}
    tensors[f"{name}/w"] = w
    tensors[f"{name}/out"] = out.detach()
    for k in grads:
        tensors[f"{name}/grad_{k}"] = leaves[k].grad
    return tensors


# ---------------------------------------------------------------- MLPs

ACTIVATIONS = {
    "sigmoid": lambda n: nn.Sigmoid(),
    "tanh": lambda n: nn.Tanh(),
    "relu": lambda n: nn.ReLU(),
    "leaky_relu": lambda n: nn.LeakyReLU(0.01),
    "prelu": None,  # built in make_mlp: per-feature alpha after the first layer, shared alpha after the second
    "elu": lambda n: nn.ELU(1.0),
    "gelu": lambda n: nn.GELU(),
    "silu": lambda n: nn.SiLU(),
}
MLP_PARAMS = {"mlp_leaky_relu/slope": "0.01", "mlp_elu/alpha": "1.0"}


def make_mlp(act):
    if act == "prelu":
        a1, a2 = nn.PReLU(7), nn.PReLU(1, init=0.25)
        with torch.no_grad():
            a1.weight.copy_(uniform(0.05, 0.4, 7))
    else:
        a1, a2 = ACTIVATIONS[act](7), ACTIVATIONS[act](6)
    model = nn.Sequential(nn.Linear(5, 7), a1, nn.Linear(7, 6), a2, nn.Linear(6, 3)).double()
    with torch.no_grad():  # our own seeded values, independent of torch's default initialisation
        for name, p in model.named_parameters():
            if name.endswith("weight") and p.dim() == 2:
                p.copy_(randn(*p.shape, scale=0.8))
            elif name.endswith("bias"):
                p.copy_(randn(*p.shape, scale=0.3))
    return model


def build_mlps():
    return [(act, make_mlp(act), randn(8, 5), labels(8, 3)) for act in ACTIVATIONS]


def run_mlp(act, model, x, y, rnd):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(rnd(p))
    model.zero_grad()
    x = rnd(x)
    loss = F.cross_entropy(model(x), y.long())
    loss.backward()
    name = f"mlp_{act}"
    tensors = {f"{name}/x": x, f"{name}/labels": y, f"{name}/loss": loss.detach()}
    for pname, p in model.named_parameters():
        tensors[f"{name}/{pname}"] = p.detach().clone()
        tensors[f"{name}/grad/{pname}"] = p.grad.clone()
    return tensors


# ---------------------------------------------------------------- files

def as_f64(t):
    return t.to(torch.float64)


def as_f32_exact(t):
    return t.to(torch.float32).to(torch.float64)


def metadata(extra):
    meta = {"generator": "scripts/golden/make_golden.py", "torch": torch.__version__, "seed": str(SEED)}
    meta.update(extra)
    return meta


def write(file, tensors, meta, dtype):
    path = os.path.join(OUT_DIR, file)
    save(path, {k: v.to(dtype).numpy() for k, v in tensors.items()}, meta)
    print(f"wrote {os.path.normpath(path)} ({os.path.getsize(path)} bytes, {len(tensors)} tensors)")


def main():
    torch.set_default_dtype(torch.float64)
    os.makedirs(OUT_DIR, exist_ok=True)
    cases = build_cases()
    mlps = build_mlps()
    case_params = {f"{name}/{k}": str(v).lower() if isinstance(v, bool) else repr(float(v)) if not isinstance(v, int)
                   else str(v) for name, _, _, params, _, _ in cases for k, v in params.items()}
    for suffix, rnd, dtype in (("f64", as_f64, torch.float64), ("f32", as_f32_exact, torch.float32)):
        ops = {}
        for c in cases:
            ops.update(run_case(*c, rnd))
        write(f"ops_{suffix}.safetensors", ops, metadata(case_params), dtype)
        mlp = {}
        for act, model, x, y in mlps:
            mlp.update(run_mlp(act, model, x, y, rnd))
        write(f"mlp_{suffix}.safetensors", mlp, metadata(MLP_PARAMS), dtype)


if __name__ == "__main__":
    main()
