"""Recording overhead of thermo_trace.torch on the peers' MLP (784→784→784→784→10 ReLU, batch 256, SGD with
momentum, CPU, 2 threads), as thermo's ``bench --recording`` measures its own recorder.

    python3 python/benchmarks/overhead.py [--rounds 15] [--steps 20]

Each round times three blocks of ``--steps`` steps: plain (zero_grad, forward, backward, opt.step), recorded at
the ``layers`` level and recorded at the ``moments`` level (the same plus ``rec.step(loss=loss)``), in an order
that rotates from round to round (plain–layers–moments, layers–moments–plain, moments–plain–layers), so that no
level always runs first, after a pause, or after another level's ``end_epoch``: a level's step ratio is the
median over rounds of its block over the same round's plain block. ``end_epoch`` is timed after each recorded
block (its cost is once per epoch) and spread over an epoch of MNIST at batch 256 (M = 234 steps) in the last
column. Memory: the persistent buffers of the recorder (Welford's mu and M2).
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
    parser.add_argument("--rounds", type=int, default=15)
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
          f"{args.rounds} rounds of {args.steps} steps per level, order rotating")
    levels = ("layers", "moments")
    recorders = {level: watch(model, os.path.join(folder, f"{level}.h5"), optimizer=opt, record=level,
                              steps_per_epoch=args.steps, batch_size=256) for level in levels}
    for rec in recorders.values():  # warm-up of each recorder, its first epoch written
        block(rec)
        rec.end_epoch()
    plain: list[float] = []
    recorded = {level: [] for level in levels}
    ratios = {level: [] for level in levels}
    ends = {level: [] for level in levels}
    order = (None,) + levels
    for round_ in range(args.rounds):
        times = {}
        for level in order[round_ % 3:] + order[:round_ % 3]:
            if level is None:
                times[None] = block()
            else:
                times[level] = block(recorders[level])
                start = time.perf_counter(); recorders[level].end_epoch(); ends[level].append(time.perf_counter() - start)
        plain.append(times[None])
        for level in levels:
            recorded[level].append(times[level]); ratios[level].append(times[level] / times[None])
    for rec in recorders.values():
        rec.close()
    p = statistics.median(plain)
    print(f"plain step: {1e3 * p:.2f} ms (median; min {1e3 * min(plain):.2f}, max {1e3 * max(plain):.2f})")
    print("level       recorded ms/step  step ratio (median, min–max)  end_epoch ms  overhead per 234-step epoch")
    for level in levels:
        r, ratio, end = (statistics.median(v) for v in (recorded[level], ratios[level], ends[level]))
        per_epoch = ((ratio - 1) * 234 * p + end) / (234 * p)
        print(f"{level:10s}  {1e3 * r:16.2f}  {ratio:10.3f} ({min(ratios[level]):.3f}–{max(ratios[level]):.3f})"
              f"  {1e3 * end:12.1f}  {100 * per_epoch:+.1f} %")
    for level in levels:
        extra = 2 * weights * 4 if level == "moments" else 0
        print(f"{level}: persistent recorder memory {extra / 2**20:.1f} MiB "
              f"({extra / (weights * 4):.0f}x the weights' {weights * 4 / 2**20:.1f} MiB)")

if __name__ == "__main__":
    main()
