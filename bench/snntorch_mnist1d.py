"""snnTorch beside `engram train` on mnist1d: the same shapes as
examples/train/mnist1d.toml (8 value-bin channels × 2 steps per point = 80 steps,
256 recurrent neurons with synaptic currents and per-neuron trainable decays, a
10-neuron leaky readout trained on its largest membrane, AdamW, batch 64), same
threads. snnTorch has no adaptive threshold, so its hidden layer is `RSynaptic`
(recurrent LIF with a synaptic current), one state variable fewer than engram's ALIF.
Prints training samples/s (and accuracy, which is not the point here).

    bench/venv-learn/bin/python bench/snntorch_mnist1d.py [--epochs 1] [--threads 1]
"""
import argparse
import json
import time

import numpy as np
import snntorch as snn
import torch
import torch.nn as nn
from mnist1d.data import get_dataset_args, make_dataset

p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int, default=1)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)

d = make_dataset(get_dataset_args())
CHANNELS, REPEAT, LOW, HIGH, HIDDEN, BATCH = 8, 2, -3.0, 3.0, 256, 64


def encode(x):
    """Each value fires the one of CHANNELS equal bins over [LOW, HIGH] it falls in,
    for REPEAT steps: (steps, samples, channels), as engram's `levels` encoding."""
    bins = np.clip(((x - LOW) / (HIGH - LOW) * CHANNELS).astype(int), 0, CHANNELS - 1)
    one_hot = np.eye(CHANNELS, dtype=np.float32)[bins]  # samples × points × channels
    return torch.tensor(np.repeat(one_hot, REPEAT, axis=1)).transpose(0, 1).contiguous()


x_train, y_train = encode(d["x"]), torch.tensor(d["y"])
x_test, y_test = encode(d["x_test"]), torch.tensor(d["y_test"])
decay_syn, decay_mem = float(np.exp(-1 / 5)), float(np.exp(-1 / 20))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(CHANNELS, HIDDEN)
        self.rec = snn.RSynaptic(
            alpha=torch.full((HIDDEN,), decay_syn), beta=torch.full((HIDDEN,), decay_mem),
            linear_features=HIDDEN, learn_alpha=True, learn_beta=True, reset_mechanism="subtract",
        )
        self.fc2 = nn.Linear(HIDDEN, 10)
        self.out = snn.Synaptic(alpha=decay_syn, beta=decay_mem, learn_alpha=True, learn_beta=True,
                                reset_mechanism="none", threshold=1e9)

    def forward(self, spikes):
        spk, syn, mem = self.rec.init_rsynaptic()
        syn2, mem2 = self.out.init_synaptic()
        mems = []
        for t in range(spikes.shape[0]):
            spk, syn, mem = self.rec(self.fc1(spikes[t]), spk, syn, mem)
            _, syn2, mem2 = self.out(self.fc2(spk), syn2, mem2)
            mems.append(mem2)
        return torch.stack(mems)


net = Net()
opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=0.3)
loss_fn = nn.CrossEntropyLoss()
train_time, samples = 0.0, 0
for epoch in range(a.epochs):
    order = torch.randperm(len(y_train))
    t0 = time.perf_counter()
    for k in range(0, len(order), BATCH):
        b = order[k : k + BATCH]
        loss = loss_fn(net(x_train[:, b]).max(0).values, y_train[b])
        opt.zero_grad()
        loss.backward()
        opt.step()
        samples += len(b)
    train_time += time.perf_counter() - t0
with torch.no_grad():
    acc = (net(x_test).max(0).values.argmax(1) == y_test).float().mean().item()
print(json.dumps({"tool": "snntorch", "snntorch": snn.__version__, "torch": torch.__version__, "task": "mnist1d",
                  "threads": a.threads, "epochs": a.epochs, "test_accuracy": acc,
                  "samples_per_s": samples / train_time}))
