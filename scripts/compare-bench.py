#!/usr/bin/env python3
"""Reads the JSON files of scripts/bench-vs-pytorch and prints medians and ratios (thermo vs PyTorch): the MLP's
step, epoch and PLA (thermo-*.json, thermo-epoch-*.json, torch-*.json), then the paper's convolutional networks
(cnn-NET-environment-*.json, cnn-NET-own-*.json, cnn-NET-torch-*.json and .rss) against issue 16's targets."""
import glob, json, os, statistics, sys

out = sys.argv[1]
med = statistics.median
thermo = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, "thermo-[0-9]*.json")))]
epochs = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, "thermo-epoch-*.json")))]
torch = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, "torch-*.json")))]
def mlp():
    """The MLP: one step, one epoch, PLA on layer 3."""
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


def cnn(net):
    """One convolutional network: plain step and PLA on FC I, thermo with both kernels against PyTorch, and memory."""
    load = lambda kind: [json.load(open(p)) for p in sorted(glob.glob(os.path.join(out, f"cnn-{net}-{kind}-[0-9]*.json")))]
    env, own, pt = load("environment"), load("own"), load("torch")
    if not (env and own and pt):
        return
    rss = [int(open(p).read().split()[-1]) / 1024 for p in sorted(glob.glob(os.path.join(out, f"cnn-{net}-torch-*.rss")))]
    pla = "PLA y=4 U={fc1}"
    step = lambda reports: med([r["stepMilliseconds"]["median"] for r in reports])
    ratio = lambda reports: med([r["smoothing"][pla][1] for r in reports])
    t_env, t_own = step(env), step(own)
    p_step = med([r["results"][net]["plain"]["ms_median"] for r in pt])
    p_pla = med([r["results"][net]["pla_over_plain"] for r in pt])
    print(f"paper-{net}, batch {env[0]['batch']}, {len(env)} rounds (medians over rounds)")
    for label, reports, t in [(f"OPENBLAS_CORETYPE={env[0].get('openblasCoretype') or '(unset)'}", env, t_env),
                              ("OpenBLAS's own kernel", own, t_own)]:
        kernel = reports[0]["blasKernel"].split(";")[0]
        print(f"  thermo, {label:28s} {t:7.1f} ms/step  SGEMM 2048³ {med([r['sgemmGFLOPS'] for r in reports]):5.1f} GFLOP/s  "
              f"step {med([r['achievedGFLOPS'] for r in reports]):5.1f} GFLOP/s  ({kernel})")
    print(f"  PyTorch {pt[0]['torch']:28s}       {p_step:7.1f} ms/step")
    print(f"  thermo / PyTorch step: {t_env / p_step:.2f} (environment), {t_own / p_step:.2f} (own kernel; target <= 0.8: "
          f"{'met' if t_own / p_step <= 0.8 else 'MISSED'})")
    target = net in ("mnist", "cifar")
    print(f"  PLA y=4 on FC I / plain step: thermo {ratio(env):.2f} (environment), {ratio(own):.2f} (own kernel"
          + (f"; target <= 1.3: {'met' if ratio(own) <= 1.3 else 'MISSED'})" if target else ")") + f", PyTorch {p_pla:.2f}")
    t_mem = med([r["peakResidentMB"] for r in own])
    t_all = med([r["peakWithSmoothingMB"] for r in own if r.get("peakWithSmoothingMB")] or [float("nan")])
    if rss:
        p_mem = med(rss)
        print(f"  peak memory: thermo {t_mem:.0f} MB (the plain trainer), {t_all:.0f} MB (with one PLA trainer at a time beside it: the largest); "
              f"PyTorch {p_mem:.0f} MB (its process: plain and PLA on FC I); thermo's plain / PyTorch: {t_mem / p_mem:.2f}"
              f" (target <= 1: {'met' if t_mem <= p_mem else 'MISSED'})")
    print()


print(open(os.path.join(out, "env.txt")).read().strip())
if thermo and torch:
    mlp()
for net in ("mnist", "cifar", "stl"):
    cnn(net)
