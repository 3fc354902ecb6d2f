# Checks that PyTorch reads a Backprop model: builds the torch.nn.Sequential that model.json describes, loads
# model.safetensors into it with load_state_dict(strict=True), and compares its probabilities on a CSV file with
# those `backprop predict` wrote for the same file.
# usage: /usr/bin/python3 scripts/interop/pytorch_loads_ours.py RUN_DIR INPUT.csv PREDICTIONS.csv
# (PREDICTIONS.csv from: ./backprop predict --model RUN_DIR --input INPUT.csv --output PREDICTIONS.csv)
import csv, json, os, sys
import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "golden"))
import safetensors_np  # noqa: E402

run, inputs, predictions = sys.argv[1:4]
arch = json.load(open(os.path.join(run, "model.json")))
layers = []
for spec in arch["layers"]:
    t = spec["type"]
    if t == "linear":
        layers.append(torch.nn.Linear(spec["in"], spec["out"], bias=spec["bias"]))
    elif t == "batchnorm1d":
        layers.append(torch.nn.BatchNorm1d(spec["features"], eps=spec["eps"], momentum=spec["momentum"]))
    elif t == "prelu":
        layers.append(torch.nn.PReLU(spec["numParameters"] if "numParameters" in spec else spec["num_parameters"]))
    elif t == "dropout":
        layers.append(torch.nn.Dropout(spec["p"]))
    elif t == "activation":
        k, p = spec["kind"], spec["param"]
        layers.append({"relu": torch.nn.ReLU(), "sigmoid": torch.nn.Sigmoid(), "tanh": torch.nn.Tanh(),
                       "leaky_relu": torch.nn.LeakyReLU(p), "elu": torch.nn.ELU(p), "gelu": torch.nn.GELU(),
                       "silu": torch.nn.SiLU(), "identity": torch.nn.Identity()}[k])
    else:
        sys.exit(f"unknown layer type {t}")
model = torch.nn.Sequential(*layers).double()
state = {k: torch.from_numpy(np.array(v)) for k, v in safetensors_np.load(os.path.join(run, "model.safetensors"))[0].items()}
if "num_batches_tracked" in "".join(state):
    state = {k: (v.long() if k.endswith("num_batches_tracked") else v) for k, v in state.items()}
model.load_state_dict({k: v.double() if v.is_floating_point() else v for k, v in state.items()}, strict=True)
model.eval()

norm = arch["normalizer"]
rows = [r for r in csv.reader(open(inputs))][1:]
x = np.array([[float(v) for v in r] for r in rows])
if norm["kind"] == "standard":
    x = (x - np.array(norm["parameters"][0])) / np.array(norm["parameters"][1])
elif norm["kind"] == "minmax":
    lo, hi = np.array(norm["parameters"][0]), np.array(norm["parameters"][1])
    x = (x - lo) / np.where(hi > lo, hi - lo, 1)
with torch.no_grad():
    probs = torch.softmax(model(torch.from_numpy(x)), dim=1).numpy()
ours = np.array([[float(v) for v in r[1:]] for r in list(csv.reader(open(predictions)))[1:]])
err = np.abs(probs - ours).max()
print(f"PyTorch loaded {len(state)} tensors strictly; max |p_torch - p_backprop| = {err:.2e} over {len(rows)} rows")
sys.exit(0 if err < 1e-5 else 1)
