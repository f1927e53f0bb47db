"""snnTorch beside `engram train` on sklearn's digits: same architecture (64 → 128 LIF →
10 LIF, 25 rate-coded steps, spike-count cross-entropy, Adam 2e-3, batch 64), same
80/20 split (engram's split.json), same threads. Prints accuracy and training samples/s.

    bench/venv-learn/bin/python bench/snntorch_digits.py [--epochs 30] [--threads 1]
        [--split runs/digits/split.json]
"""
import argparse
import json
import time

import numpy as np
import snntorch as snn
import torch
import torch.nn as nn
from snntorch import functional as SF
from snntorch import spikegen
from sklearn.datasets import load_digits

p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int, default=30)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--split", default=None, help="split.json of an engram run (test indices)")
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)

x, y = load_digits(return_X_y=True)
x = torch.tensor(x / 16.0, dtype=torch.float32)
y = torch.tensor(y)
n = len(y)
if a.split:
    test_idx = np.array(json.load(open(a.split))["test_indices"])
else:
    test_idx = np.random.default_rng(a.seed).permutation(n)[: n // 5]
mask = np.ones(n, bool)
mask[test_idx] = False
train_idx = np.nonzero(mask)[0]
STEPS, BATCH = 25, 64


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.lif1 = nn.Linear(64, 128), snn.Leaky(beta=0.95)
        self.fc2, self.lif2 = nn.Linear(128, 10), snn.Leaky(beta=0.95)

    def forward(self, spikes):
        mem1, mem2 = self.lif1.init_leaky(), self.lif2.init_leaky()
        out = []
        for t in range(spikes.shape[0]):
            s1, mem1 = self.lif1(self.fc1(spikes[t]), mem1)
            s2, mem2 = self.lif2(self.fc2(s1), mem2)
            out.append(s2)
        return torch.stack(out)


net = Net()
opt = torch.optim.Adam(net.parameters(), lr=2e-3)
loss_fn = SF.ce_count_loss()


def accuracy(idx):
    with torch.no_grad():
        spk = net(spikegen.rate(x[idx], num_steps=STEPS))
        return (spk.sum(0).argmax(1) == y[idx]).float().mean().item()


train_time, samples = 0.0, 0
for epoch in range(a.epochs):
    order = train_idx[torch.randperm(len(train_idx)).numpy()]
    t0 = time.perf_counter()
    for k in range(0, len(order), BATCH):
        b = order[k : k + BATCH]
        spk = net(spikegen.rate(x[b], num_steps=STEPS))
        loss = loss_fn(spk, y[b])
        opt.zero_grad()
        loss.backward()
        opt.step()
        samples += len(b)
    train_time += time.perf_counter() - t0
result = {
    "tool": "snntorch",
    "snntorch": snn.__version__,
    "torch": torch.__version__,
    "threads": a.threads,
    "epochs": a.epochs,
    "test_accuracy": accuracy(test_idx),
    "train_accuracy": accuracy(train_idx),
    "samples_per_s": samples / train_time,
}
print(json.dumps(result))
