#!/usr/bin/env python3
"""The paper-budget study's results: one CSV row per run, a table per cell, paired differences, figures.

    python3 notebooks-as-scripts/paper-budget-table.py plots/paper-budget

Reads OUT/sweeps/*/cells/*/summary.json (thermo train's --summary of every cell; unfinished cells are skipped
and counted) and writes into OUT:
  runs.csv         one row per finished run: dataset,train_images,loss,smooth,radius,samples,seed,epochs,lr,
                   best_validation_epoch,test_acc_at_best_validation,final_test_acc,final_test_loss
  cells.csv        per cell (all settings but the seed): n, mean and sample sd of the test accuracy at the epoch
                   of best validation accuracy and of the final test accuracy, and the paired difference to
                   cross-entropy of the same data budget, learning rate and seed (mean, sd, seeds where smoothing
                   won), for both accuracies and for the final test loss (won: lower)
  *.dat, *.gp      the figures' data and gnuplot scripts; *.png when gnuplot is installed

Early stopping: the epoch chosen is the one of the highest validation accuracy (the earliest on ties), never
one chosen on the test set; the test accuracy reported for it is the test accuracy after that epoch.
Standard library only.
"""
import csv
import glob
import json
import math
import os
import shutil
import subprocess
import sys
from collections import defaultdict

COLUMNS = ["dataset", "train_images", "loss", "smooth", "radius", "samples", "seed", "epochs", "lr",
           "best_validation_epoch", "test_acc_at_best_validation", "final_test_acc", "final_test_loss"]


def run_row(summary):
    """One CSV row from a finished run's summary, or None when the run is not complete."""
    if summary.get("status") != "completed":
        return None
    c = summary["configuration"]
    epochs = summary["epochs"]
    if not epochs or any(e.get("validationAccuracy") is None for e in epochs):
        raise SystemExit("paper-budget-table: a run without validation accuracies: it needs --validation N")
    best = max(epochs, key=lambda e: (e["validationAccuracy"], -e["epoch"]))
    smoothing = c["loss"]["kind"] != "ce"
    return {
        "dataset": c["dataset"], "train_images": summary["trainImages"], "loss": c["loss"]["kind"],
        "smooth": "+".join(str(l) for l in c["loss"]["layers"]) if smoothing else "",
        "radius": repr(c["loss"]["radius"]) if smoothing else "",
        "samples": c["loss"]["samples"] if smoothing else "",
        "seed": c["seed"], "epochs": len(epochs), "lr": repr(c["optimizer"]["learningRate"]),
        "best_validation_epoch": best["epoch"],
        "test_acc_at_best_validation": best["testAccuracy"], "final_test_acc": epochs[-1]["testAccuracy"],
        "final_test_loss": epochs[-1]["testLoss"],
    }


def mean_sd(values):
    """Mean and sample standard deviation (nan for fewer than two values)."""
    n = len(values)
    m = sum(values) / n
    sd = math.sqrt(sum((v - m) ** 2 for v in values) / (n - 1)) if n > 1 else float("nan")
    return m, sd


def collect(out):
    rows, unfinished = [], 0
    for path in sorted(glob.glob(os.path.join(out, "sweeps", "*", "cells", "*", "summary.json"))):
        with open(path) as f:
            row = run_row(json.load(f))
        if row is None:
            unfinished += 1
        else:
            rows.append(row)
    cell_folders = glob.glob(os.path.join(out, "sweeps", "*", "cells", "*"))
    unfinished += len(cell_folders) - len(rows) - unfinished
    # A cell may appear in two sweeps (part 2 repeats part 1's settings on more images): keep each run once.
    unique = {}
    for r in rows:
        unique[tuple(r[k] for k in COLUMNS[:9])] = r
    return sorted(unique.values(), key=lambda r: (r["train_images"], r["loss"], r["smooth"], r["radius"], r["seed"])), unfinished


def cell_table(rows):
    """Per cell: n, mean ± sd of both accuracies, and the paired difference to cross-entropy."""
    groups = defaultdict(list)
    for r in rows:
        groups[(r["train_images"], r["lr"], r["loss"], r["smooth"], r["radius"], r["samples"])].append(r)
    # The paired baseline: cross-entropy of the same data budget, learning rate and seed.
    base = lambda r: (r["train_images"], r["lr"], r["seed"])
    baseline = {base(r): r for r in rows if r["loss"] == "ce"}
    table = []
    for key, runs in sorted(groups.items(), key=lambda kv: (kv[0][0], float(kv[0][1]), kv[0][2] != "ce", kv[0][2], kv[0][3],
                                                           float(kv[0][4] or 0))):
        best = [r["test_acc_at_best_validation"] for r in runs]
        final = [r["final_test_acc"] for r in runs]
        entry = dict(zip(["train_images", "lr", "loss", "smooth", "radius", "samples"], key))
        entry["n"] = len(runs)
        entry["best_mean"], entry["best_sd"] = mean_sd(best)
        entry["final_mean"], entry["final_sd"] = mean_sd(final)
        diffs = [(r["test_acc_at_best_validation"] - baseline[base(r)]["test_acc_at_best_validation"],
                  r["final_test_acc"] - baseline[base(r)]["final_test_acc"])
                 for r in runs if base(r) in baseline]
        if key[2] != "ce" and diffs:
            entry["paired_n"] = len(diffs)
            entry["diff_best_mean"], entry["diff_best_sd"] = mean_sd([d[0] for d in diffs])
            entry["wins_best"] = sum(d[0] > 0 for d in diffs)
            entry["diff_final_mean"], entry["diff_final_sd"] = mean_sd([d[1] for d in diffs])
            entry["wins_final"] = sum(d[1] > 0 for d in diffs)
            # The final test cross-entropy: smoothing "wins" a seed when it ends lower than cross-entropy.
            loss = [r["final_test_loss"] - baseline[base(r)]["final_test_loss"] for r in runs if base(r) in baseline]
            entry["diff_test_loss_mean"], entry["diff_test_loss_sd"] = mean_sd(loss)
            entry["wins_test_loss"] = sum(d < 0 for d in loss)
        table.append(entry)
    return table


def write_csv(path, rows, columns):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})


def pct(m, sd, signed=False):
    """m ± sd in percent (points), or m alone when sd is undefined (fewer than two seeds)."""
    text = f"{100 * m:+.2f}" if signed else f"{100 * m:.2f}"
    return text if math.isnan(sd) else f"{text} ± {100 * sd:.2f}"


def print_table(table):
    print("| images | lr | loss | U | R | n | test at best val. % | final test % | paired Δ best (pts) | wins | paired Δ final (pts) | wins |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for e in table:
        d = (f"{pct(e['diff_best_mean'], e['diff_best_sd'], True)} | {e['wins_best']}/{e['paired_n']} | "
             f"{pct(e['diff_final_mean'], e['diff_final_sd'], True)} | {e['wins_final']}/{e['paired_n']}"
             if "paired_n" in e else " | | | ")
        print(f"| {e['train_images']} | {e['lr']} | {e['loss']} | {e['smooth'] or '—'} | {e['radius'] or '—'} | {e['n']} | "
              f"{pct(e['best_mean'], e['best_sd'])} | {pct(e['final_mean'], e['final_sd'])} | {d} |")


def figures(out, table):
    """Accuracy against R per U (PLA and PLEA panels, cross-entropy as a band) and the paired differences."""
    images = sorted({e["train_images"] for e in table})
    if not images:
        return
    n_images = images[0]  # the figures show part 1, the smaller data budget, at its learning rate (the most runs)
    rates = defaultdict(int)
    for e in table:
        if e["train_images"] == n_images:
            rates[e["lr"]] += e["n"]
    lr = max(rates, key=rates.get)
    part = [e for e in table if e["train_images"] == n_images and e["lr"] == lr]
    ce = next((e for e in part if e["loss"] == "ce"), None)
    series = defaultdict(list)
    for e in part:
        if e["loss"] != "ce":
            series[(e["loss"], e["smooth"])].append(e)
    files = []
    for (loss, smooth), entries in sorted(series.items()):
        name = f"paper-budget.{loss}.U{smooth}.dat"
        with open(os.path.join(out, name), "w") as f:
            f.write("# R  best_mean best_sd final_mean final_sd diff_best_mean diff_best_sd wins n (accuracies in %)\n")
            for e in sorted(entries, key=lambda e: float(e["radius"])):
                sd = lambda v: 0.0 if math.isnan(v) else v
                f.write(f"{e['radius']} {100 * e['best_mean']:.4f} {100 * sd(e['best_sd']):.4f} {100 * e['final_mean']:.4f} "
                        f"{100 * sd(e['final_sd']):.4f} {100 * e.get('diff_best_mean', float('nan')):.4f} "
                        f"{100 * sd(e.get('diff_best_sd', float('nan'))):.4f} {e.get('wins_best', 0)} {e['n']}\n")
        files.append((loss, smooth, name))
    ce_m = 100 * ce["best_mean"] if ce else float("nan")
    ce_sd = 100 * (0.0 if not ce or math.isnan(ce["best_sd"]) else ce["best_sd"])
    # thermo's sweep figures' styles (its Palette): the paper's RGB naming of layer sets on Okabe-Ito colours,
    # one marker per set, filled for PLA and open for PLEA.
    colors = {"1": "#D55E00", "2": "#009E73", "3": "#0072B2", "1+2": "#E69F00", "1+3": "#CC79A7", "2+3": "#56B4E9",
              "1+2+3": "#000000"}
    points = {"1": 7, "2": 5, "3": 9, "1+2": 13, "1+3": 11, "2+3": 15, "1+2+3": 7}
    def label(s):
        return "U = \\{" + s.replace("+", ",") + "\\}"
    def plots(loss):
        lines = [f"'{name}' using 1:2:3 with yerrorlines lw 2 pt {points.get(s, 7)} lc rgb '{colors.get(s, '#000000')}' title '{label(s)}'"
                 for l, s, name in files if l == loss]
        return ", \\\n     ".join(lines)
    paired = ", \\\n     ".join(
        f"'{name}' using 1:6:7 with yerrorlines lw 2 pt {points.get(s, 7) - (0 if l == 'pla' else 1)} dt {1 if l == 'pla' else 2} "
        f"lc rgb '{colors.get(s, '#000000')}' title '{l.upper()} {label(s)}'" for l, s, name in files)
    band = "'+' using 1:(ce-cesd):(ce+cesd) with filledcurves lc rgb '#999999' title 'CE ± sd', ce lc rgb '#555555' dt 2 notitle"
    gp = f"""# The paper-budget study, part 1 ({n_images} training images, lr {lr}): written by paper-budget-table.py
set terminal pngcairo size 1400,560 font 'Liberation Sans,12'
set output 'paper-budget-accuracy.png'
set multiplot layout 1,2 title 'Test accuracy at the epoch of best validation accuracy (mean ± sd over seeds); band: cross-entropy'
set logscale x; set xlabel 'R'; set ylabel 'test accuracy (%)'; set grid; set key bottom left
set style fill transparent solid 0.2 noborder
ce = {ce_m:.4f}; cesd = {ce_sd:.4f}
set title 'PLA'
plot [0.002:0.15] {band}{", " + chr(92) + chr(10) + "     " + plots('pla') if plots('pla') else ""}
set title 'PLEA'
plot [0.002:0.15] {band}{", " + chr(92) + chr(10) + "     " + plots('plea') if plots('plea') else ""}
unset multiplot
set terminal pngcairo size 900,560 font 'Liberation Sans,12'
set output 'paper-budget-paired.png'
set title 'Paired difference to cross-entropy (same seed): test accuracy at best validation'
set ylabel 'Δ accuracy (points)'; set key bottom left
plot [0.002:0.15] 0 lc rgb '#555555' dt 2 notitle, \\
     {paired}
"""
    with open(os.path.join(out, "paper-budget.gp"), "w") as f:
        f.write(gp)
    if shutil.which("gnuplot") and files:
        subprocess.run(["gnuplot", "paper-budget.gp"], cwd=out, check=True)


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: paper-budget-table.py OUT  (the folder that holds sweeps/)")
    out = sys.argv[1]
    if not os.path.isdir(os.path.join(out, "sweeps")):
        raise SystemExit(f"paper-budget-table: {out}/sweeps does not exist; run paper-budget-smoothing.sh first")
    rows, unfinished = collect(out)
    write_csv(os.path.join(out, "runs.csv"), rows, COLUMNS)
    table = cell_table(rows)
    write_csv(os.path.join(out, "cells.csv"), table,
              ["train_images", "lr", "loss", "smooth", "radius", "samples", "n", "best_mean", "best_sd", "final_mean", "final_sd",
               "paired_n", "diff_best_mean", "diff_best_sd", "wins_best", "diff_final_mean", "diff_final_sd", "wins_final",
               "diff_test_loss_mean", "diff_test_loss_sd", "wins_test_loss"])
    print(f"{len(rows)} finished runs ({unfinished} cells not finished); runs.csv and cells.csv in {out}")
    print_table(table)
    figures(out, table)


if __name__ == "__main__":
    main()
