"""Recording overhead of thermo_trace.torch on the peers' MLP (784→784→784→784→10 ReLU, batch 256, SGD with
momentum, CPU, 2 threads), as thermo's ``bench --recording`` measures its own recorder.

    python3 python/benchmarks/overhead.py [--pairs 15] [--steps 20]

Alternating blocks of ``--steps`` plain steps (zero_grad, forward, backward, opt.step) and recorded steps
(the same plus ``rec.step(loss=loss)``), ``--pairs`` times per level; the step ratio is the median of the
pairs' ratios. ``end_epoch`` is timed apart (its cost is once per epoch) and spread over an epoch of MNIST at
batch 256 (M = 234 steps) in the last column. Memory: the persistent buffers of the recorder (Welford's mu and M2).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from thermo_trace.torch import watch  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    widths = [784, 784, 784, 784, 10]
    layers: list[nn.Module] = []
    for a, b in zip(widths[:-1], widths[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.randn(256, 784), torch.randint(0, 10, (256,))
    weights = sum(m.weight.numel() for m in model if isinstance(m, nn.Linear))

    def block(rec=None) -> float:
        start = time.perf_counter()
        for _ in range(args.steps):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            if rec is not None:
                rec.step(loss=loss)
            opt.step()
        return (time.perf_counter() - start) / args.steps

    for _ in range(3):
        block()  # warm-up
    folder = tempfile.mkdtemp(prefix="thermo-trace-bench.")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {weights} weights, batch 256, "
          f"{args.pairs} pairs of {args.steps} steps")
    print("level       plain ms/step  recorded ms/step  step ratio (median)  end_epoch ms  overhead per 234-step epoch")
    for level in ("layers", "moments"):
        rec = watch(model, os.path.join(folder, f"{level}.h5"), optimizer=opt, record=level,
                    steps_per_epoch=args.steps, batch_size=256)
        plain, recorded, ratios, ends = [], [], [], []
        block(rec)
        start = time.perf_counter(); rec.end_epoch(); ends.append(time.perf_counter() - start)
        for _ in range(args.pairs):
            p = block()
            r = block(rec)
            start = time.perf_counter(); rec.end_epoch(); ends.append(time.perf_counter() - start)
            plain.append(p); recorded.append(r); ratios.append(r / p)
        rec.close()
        p, r, ratio, end = (statistics.median(v) for v in (plain, recorded, ratios, ends[1:]))
        per_epoch = ((ratio - 1) * 234 * p + end) / (234 * p)
        print(f"{level:10s}  {1e3 * p:13.2f}  {1e3 * r:16.2f}  {ratio:19.3f}  {1e3 * end:12.1f}  {100 * per_epoch:+.1f} %")
        extra = 2 * weights * 4 if level == "moments" else 0
        print(f"            persistent recorder memory: {extra / 2**20:.1f} MiB "
              f"({extra / (weights * 4):.0f}x the weights' {weights * 4 / 2**20:.1f} MiB)")


if __name__ == "__main__":
    main()
