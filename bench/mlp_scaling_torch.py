#!/usr/bin/python3
"""PyTorch side of bench/mlp-scaling: epoch time of a 784-W-W-10 ReLU MLP on Fashion-MNIST for one width and batch.

usage: mlp_scaling_torch.py WIDTH BATCH [--epochs E] [--threads T]
Prints one line "RESULT {json}" with the seconds of every epoch. Same task as backprop's side: He-normal init,
softmax cross-entropy, plain SGD lr 0.1, inputs b/255, shuffled each epoch.
"""
import argparse
import gzip
import json
import time

import numpy as np
import torch

p = argparse.ArgumentParser()
p.add_argument("width", type=int)
p.add_argument("batch", type=int)
p.add_argument("--epochs", type=int, default=2)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)


def idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


x = torch.from_numpy(idx(f"{a.data}/train-images-idx3-ubyte.gz", 16).reshape(-1, 784).astype(np.float32) / 255)
y = torch.from_numpy(idx(f"{a.data}/train-labels-idx1-ubyte.gz", 8).astype(np.int64))
net = torch.nn.Sequential(torch.nn.Linear(784, a.width), torch.nn.ReLU(), torch.nn.Linear(a.width, a.width),
                          torch.nn.ReLU(), torch.nn.Linear(a.width, 10))
for m in net:
    if isinstance(m, torch.nn.Linear):
        torch.nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        torch.nn.init.zeros_(m.bias)
opt = torch.optim.SGD(net.parameters(), lr=0.1)
loss_fn = torch.nn.CrossEntropyLoss()
times = []
for _ in range(a.epochs):
    t0 = time.perf_counter()
    perm = torch.randperm(x.shape[0])
    for i in range(0, x.shape[0], a.batch):
        b = perm[i:i + a.batch]
        opt.zero_grad()
        loss_fn(net(x[b]), y[b]).backward()
        opt.step()
    times.append(time.perf_counter() - t0)
print("RESULT " + json.dumps({"width": a.width, "batch": a.batch, "threads": a.threads, "epoch_s": times}))
