#!/usr/bin/python3
"""Golden values for F64 training from a CSV file, computed by PyTorch (torch 1.13) in float64.

Run with /usr/bin/python3 from the repository root:
    /usr/bin/python3 scripts/golden/make_f64_training_golden.py
Writes, under backprop-core/src/test/resources/golden/:
  f64_train.csv       120 rows of 6 features with full double precision (shortest round-trip repr, 17 significant
                      digits where needed, values that no float can hold) and a class label 0..2
  f64_training.json   the initial state_dict, the training settings, the final state_dict after 96 SGD steps and the
                      final network's logits on the first rows

Training (read by F64CsvTrainingTest): standard normalisation fitted on the file (population std, divided by N, as
Backprop's Normalizer), network 6-16-12-3 with ReLU, cross-entropy (mean), mini-batches of 10 rows in file order (no
shuffling), 8 epochs = 96 steps, SGD lr 0.05 momentum 0.9, L2 lambda 0.001 on the weights only: PyTorch's
weight_decay = 2 * lambda in a parameter group of the weights, 0 for the biases.
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
OUT = os.path.join("backprop-core", "src", "test", "resources", "golden")
N, F, C = 120, 6, 3
BATCH, EPOCHS = 10, 8
LR, MOMENTUM, L2 = 0.05, 0.9, 0.001
SCALE = torch.tensor([1.0, 10.0, 0.01, 100.0, 3.0, 0.5])
SHIFT = torch.tensor([0.0, -5.0, 0.001, 250.0, 1.0 / 3.0, -0.2])


def data():
    g = torch.Generator().manual_seed(20261202)
    z = torch.randn(N, F, generator=g)
    mix = torch.randn(F, C, generator=g)
    labels = (z @ mix).argmax(dim=1)
    x = z * SCALE + SHIFT
    return x, labels


def main():
    x, labels = data()
    with open(os.path.join(OUT, "f64_train.csv"), "w") as f:
        f.write(",".join(f"f{j}" for j in range(F)) + ",label\n")
        for i in range(N):
            f.write(",".join(repr(float(v)) for v in x[i]) + f",{int(labels[i])}\n")
    # what the Java side parses: the CSV text round-trips to the same doubles
    mean = x.mean(dim=0)
    std = ((x - mean) ** 2).mean(dim=0).sqrt()
    xn = (x - mean) / std

    torch.manual_seed(7)
    net = torch.nn.Sequential(torch.nn.Linear(F, 16), torch.nn.ReLU(), torch.nn.Linear(16, 12), torch.nn.ReLU(),
                              torch.nn.Linear(12, C))
    initial = {k: v.tolist() for k, v in net.state_dict().items()}
    weights = [p for n, p in net.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in net.named_parameters() if n.endswith("bias")]
    opt = torch.optim.SGD([{"params": weights, "weight_decay": 2 * L2}, {"params": biases, "weight_decay": 0.0}],
                          lr=LR, momentum=MOMENTUM)
    loss_fn = torch.nn.CrossEntropyLoss()
    losses = []
    for _ in range(EPOCHS):
        for b in range(0, N, BATCH):
            opt.zero_grad()
            loss = loss_fn(net(xn[b:b + BATCH]), labels[b:b + BATCH])
            loss.backward()
            opt.step()
            losses.append(loss.item())
    with torch.no_grad():
        logits = net(xn[:8])
    golden = {
        "settings": {"rows": N, "features": F, "classes": C, "batch": BATCH, "epochs": EPOCHS, "lr": LR,
                     "momentum": MOMENTUM, "l2": L2, "layers": [F, 16, 12, C], "activation": "relu",
                     "normalize": "standard", "steps": len(losses)},
        "initial": initial,
        "final": {k: v.tolist() for k, v in net.state_dict().items()},
        "step_losses": losses,
        "logits_first_rows": logits.tolist(),
        "mean": mean.tolist(),
        "std": std.tolist(),
    }
    with open(os.path.join(OUT, "f64_training.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print("steps", len(losses), "first loss", losses[0], "last loss", losses[-1])


if __name__ == "__main__":
    main()
