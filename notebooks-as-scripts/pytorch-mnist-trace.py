#!/usr/bin/env python3
# %% [markdown]
# # A PyTorch run recorded as a thermo trace
#
# A PyTorch MLP on MNIST, recorded with the `thermo_trace` package (`pip install ./python`, docs/trace-format.md
# "Traces from Python"): `rec.step()` after each `loss.backward()`, `rec.end_epoch(...)` after each epoch. The
# trace is then an ordinary thermo trace: `thermo inspect`, `thermo fit-cooling` and `thermo plot signal` read it.
#
#   python3 notebooks-as-scripts/pytorch-mnist-trace.py --data DIR      # DIR/mnist/*.gz, or THERMO_DATA=DIR
#   QUICK=1 python3 notebooks-as-scripts/pytorch-mnist-trace.py         # 2000 images, a small MLP, seconds
#
# Full mode: 784→784→784→784→10 ReLU, SGD lr 0.01, momentum 0.9, batch 256, 30 epochs (`EPOCHS=`), 2 threads.
# Outputs go to `OUT` (default runs/pytorch-mnist/): the trace, the fit and the figure.

# %% Settings
import argparse, gzip, os, subprocess, sys, tempfile, time
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)

sys.path.insert(0, here)
from find_thermo import find_thermo  # noqa: E402 (this folder, on the path above)

sys.path.insert(0, os.path.join(root, "python"))  # the package from this checkout, if it is not installed
from thermo_trace.torch import watch

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--data", default=os.environ.get("THERMO_DATA"), help="folder with mnist/*-ubyte.gz")
args = parser.parse_args()
if not args.data:
    sys.exit("pytorch-mnist-trace: give the data folder with --data DIR or THERMO_DATA=DIR (DIR/mnist/*.gz; "
             "'thermo data fetch' downloads it)")
QUICK = os.environ.get("QUICK") == "1"
EPOCHS = int(os.environ.get("EPOCHS", 12 if QUICK else 30))
WIDTHS = [784, 64, 32, 10] if QUICK else [784, 784, 784, 784, 10]
TRAIN = 2000 if QUICK else None
BATCH, LR, MOMENTUM, SEED = 256 if not QUICK else 100, 0.01 if not QUICK else 0.05, 0.9, 1
thermo = find_thermo(root)  # before training: a missing binary is said at once, not after the run
# QUICK (a rehearsal) writes into a temporary folder, as the other notebooks do; a full run into runs/.
OUT = os.environ.get("OUT") or (tempfile.mkdtemp(prefix="thermo-pytorch-mnist.") if QUICK
                                else os.path.join(root, "runs", "pytorch-mnist"))
os.makedirs(OUT, exist_ok=True)
torch.set_num_threads(2)
torch.manual_seed(SEED)

# %% MNIST from the IDX files (gzip), with numpy; pixels standardised over the training images, as thermo does
def idx(name):
    with gzip.open(os.path.join(args.data, "mnist", name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)

x_train = idx("train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
y_train = idx("train-labels-idx1-ubyte.gz").astype(np.int64)
x_test = idx("t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
y_test = idx("t10k-labels-idx1-ubyte.gz").astype(np.int64)
if TRAIN:
    keep = np.random.default_rng(SEED).permutation(len(x_train))[:TRAIN]
    x_train, y_train = x_train[keep], y_train[keep]
mean, std = x_train.mean(), x_train.std()
x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
x_train, y_train, x_test, y_test = map(torch.from_numpy, (x_train, y_train, x_test, y_test))
steps = len(x_train) // BATCH  # the last partial batch is dropped: every epoch has the same M steps
print(f"{len(x_train)} training images, {len(x_test)} test images, M = {steps} steps of {BATCH}")

# %% The model and the recorder
layers = []
for a, b in zip(WIDTHS[:-1], WIDTHS[1:]):
    layers += [nn.Linear(a, b), nn.ReLU()]
model = nn.Sequential(*layers[:-1])
opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
trace = os.path.join(OUT, "pytorch-mnist.h5")
rec = watch(model, trace, optimizer=opt, epochs=EPOCHS, seed=SEED, batch_size=BATCH, force=QUICK,
            run={"data_set": "mnist", "data_directory": os.path.abspath(os.path.join(args.data, "mnist")),
                 "train_images": len(x_train), "test_images": len(x_test), "activation": "relu"})

# %% Training: loss.backward(); rec.step(loss=loss); opt.step()
def evaluate(x, y):
    with torch.no_grad():
        logits = model(x)
        return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()

with rec:
    for epoch in range(1, EPOCHS + 1):
        started = time.time()
        order = torch.randperm(len(x_train))
        correct = 0
        for t in range(steps):
            batch = order[t * BATCH:(t + 1) * BATCH]
            opt.zero_grad()
            logits = model(x_train[batch])
            loss = F.cross_entropy(logits, y_train[batch])
            loss.backward()
            rec.step(loss=loss)
            opt.step()
            correct += (logits.argmax(1) == y_train[batch]).sum().item()
        test_loss, test_accuracy = evaluate(x_test, y_test)
        rec.end_epoch(train_accuracy=correct / (steps * BATCH), test_loss=test_loss, test_accuracy=test_accuracy)
        print(f"epoch {epoch}/{EPOCHS}  test loss {test_loss:.4f} acc {100 * test_accuracy:.2f}%  {time.time() - started:.1f} s")

# %% thermo reads it: inspect, the cooling fit, the signal figure
subprocess.run([thermo, "inspect", trace], check=True)
window = ["--from", "3"] if QUICK else []   # a short run has no late regime for 'thermo regimes' to find
subprocess.run([thermo, "fit-cooling", trace, *window], check=True)
figure = os.path.join(OUT, "pytorch-signal.png")
subprocess.run([thermo, "plot", "signal", trace, "-o", figure, "--force"], check=True)
print("figure:", figure)
