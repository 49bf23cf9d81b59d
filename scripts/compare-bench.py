#!/usr/bin/env python3
"""Reads the JSON files of scripts/bench-vs-pytorch and prints medians and ratios (thermo vs PyTorch)."""
import glob, json, os, statistics, sys

out = sys.argv[1]
med = statistics.median
thermo = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, "thermo-[0-9]*.json")))]
epochs = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, "thermo-epoch-*.json")))]
torch = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, "torch-*.json")))]
print(open(os.path.join(out, "env.txt")).read().strip())
print(f"rounds: {len(thermo)} thermo, {len(torch)} PyTorch (medians of all repetitions of all rounds)\n")

t_step = med([r["stepMilliseconds"]["median"] for r in thermo])
t_gemm = med([r["gemmMilliseconds"]["median"] for r in thermo])
p_step = med([t * 1e3 for r in torch for t in r["times_s"]["plain3"]])
print("784-784-784-784-10 ReLU, batch 256, SGD momentum: one training step")
print(f"  thermo   {t_step:7.2f} ms  ({t_step / t_gemm:.3f}x its GEMMs alone, {t_gemm:.2f} ms)")
print(f"  PyTorch  {p_step:7.2f} ms")
print(f"  PyTorch / thermo = {p_step / t_step:.2f}x\n")

t_epoch = med([e["trainingSeconds"] for e in epochs])
p_epoch = med([t for r in torch for t in r["epoch_s"]])
print("one epoch of 60,000 images (235 steps, the last of 96)")
print(f"  thermo   {t_epoch:6.2f} s   PyTorch {p_epoch:6.2f} s   PyTorch / thermo = {p_epoch / t_epoch:.2f}x\n")

print("PLA, y = 4, U = {3} (the last hidden layer), per step")
rows = {r["loss"]: r for r in thermo[0]["smoothing"]}
name = next((k for k in rows if k.endswith("U={3}")), None)
if name:
    t_sh = med([s["sharedMilliseconds"] for r in thermo for s in r["smoothing"] if s["loss"] == name])
    t_nv = med([s["naiveMilliseconds"] for r in thermo for s in r["smoothing"] if s["loss"] == name])
    for label, key in [("naive loop", "pla_loop"), ("one graph", "pla_graph"), ("shared prefix", "pla_prefix")]:
        p = med([t * 1e3 for r in torch for t in r["times_s"][key]])
        print(f"  PyTorch {label:14s} {p:7.2f} ms")
    print(f"  thermo shared prefix   {t_sh:7.2f} ms")
    print(f"  thermo naive           {t_nv:7.2f} ms")
    p_best = min(med([t * 1e3 for r in torch for t in r["times_s"][k]]) for k in ("pla_loop", "pla_graph", "pla_prefix"))
    print(f"  fastest PyTorch / thermo shared prefix = {p_best / t_sh:.2f}x")
print("\nthermo PLA steps relative to its own cross-entropy step (medians over rounds)")
for n in [s["loss"] for s in thermo[0]["smoothing"]]:
    sh = med([s["sharedRatio"]["median"] for r in thermo for s in r["smoothing"] if s["loss"] == n])
    nv = med([s["naiveRatio"]["median"] for r in thermo for s in r["smoothing"] if s["loss"] == n])
    print(f"  {n:18s} shared {sh:5.2f}x   naive {nv:5.2f}x")
