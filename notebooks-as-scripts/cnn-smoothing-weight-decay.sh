#!/usr/bin/env bash
# The paper's §5 (Figures 6–8): a convolutional network with partial smoothing of one layer — U = none, {FC I},
# {FC II} and, for its conclusion 1, a convolutional layer — and weight decay against that smoothing (Figure 7).
#
#   bash notebooks-as-scripts/cnn-smoothing-weight-decay.sh                    # paper-mnist on MNIST (hours)
#   QUICK=1 bash notebooks-as-scripts/cnn-smoothing-weight-decay.sh            # a minute-long rehearsal in /tmp
#   bash notebooks-as-scripts/cnn-smoothing-weight-decay.sh --dataset cifar10  # eq. 24 at the paper's budget
#   bash notebooks-as-scripts/cnn-smoothing-weight-decay.sh --dataset stl10    # eq. 25 at the paper's budget
#
# Every setting below is an option (--epochs 5, --jobs 2, …) or the environment variable of the same name in
# capitals (EPOCHS=5); --help lists them.
#
# Every network is one of thermo's presets: paper-mnist (eq. 24's layout on 1×28×28), paper-cifar (eq. 24),
# paper-stl (eq. 25). Weight layers are numbered conv1…conv5, then fc1 = FC I, fc2 = FC II, fc3 = the output.
# Smoothing is PLA with y = 4 samples of a uniform hypercube of radius R = 0.01 (the paper's Figures 6–8).
#
# Budgets. CIFAR-10: lr 1e-4, momentum 0.9, batch 256, 360 epochs, augmentation paper-cifar. STL-10: lr 1e-5,
# batch 64, 960 epochs, augmentation paper-stl. Both hold 5,000 (CIFAR-10) or 500 (STL-10) training images
# out for validation (--split-seed 1: the same images for every cell), so that "early stopping" picks its
# epoch on them, never on the test set. MNIST (the default; these machines hold no CIFAR-10 or STL-10): the
# paper's lr, momentum and batch, on a 10,000-image training subset with 5,000 validation images, for EPOCHS
# (default 20) epochs: a few hours of one 2-core machine instead of the ~100 hours its 360 epochs on 60,000
# images would take (plots/README.md, section "cnn-mnist/", has the measured costs).
#
# The sweeps (smoothing and weight decay run side by side, JOBS cells of THREADS BLAS threads each; then the
# smoothing cells again with the seeds in MORE_SEEDS, default "2 | 3" on MNIST and none at the paper's budgets) are
# resumable: rerun the script and finished cells are kept, interrupted ones resume from their checkpoints.

# %% Cell 0: budgets
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(dirname "$here")
. "$here/notebook-options.sh"; notebook_options "$0" "DATASET EPOCHS SEED RADIUS JOBS THREADS MORE_SEEDS OUT ZOOM" "$@"
. "$here/find-thermo.sh"; find_thermo "$root"
DATASET=${DATASET:-mnist}
case "$DATASET" in
  mnist)   NET=paper-mnist; LR=1e-4; BATCH=256; EPOCHS=${EPOCHS:-20}; DATA="--train-subset 15000 --validation 5000"
           AUGMENT=none; ZOOM=${ZOOM:-10:$EPOCHS} ;;
  cifar10) NET=paper-cifar; LR=1e-4; BATCH=256; EPOCHS=${EPOCHS:-360}; DATA="--validation 5000"
           AUGMENT=paper-cifar; ZOOM=${ZOOM:-200:$EPOCHS} ;;
  stl10)   NET=paper-stl; LR=1e-5; BATCH=64; EPOCHS=${EPOCHS:-960}; DATA="--validation 500"
           AUGMENT=paper-stl; ZOOM=${ZOOM:-500:$EPOCHS} ;;
  *) echo "error: DATASET must be mnist, cifar10 or stl10 (got '$DATASET')" >&2; exit 64 ;;
esac
if [ "${QUICK:-0}" = 1 ]; then
  OUT=${OUT:-$(mktemp -d /tmp/thermo-cnn.XXXX)}
  NET=conv4,conv4,pool,conv4,conv4,conv4,pool,fc16,fc16,fc10; EPOCHS=2; DATA="--train-subset 700 --validation 200"
  LR=0.01; BATCH=32; ZOOM=1:2  # batch 256 would take 3 steps an epoch and stay at chance level
else
  OUT=${OUT:-$root/plots/cnn-$DATASET}
fi
SEED=${SEED:-1}; RADIUS=${RADIUS:-0.01}; JOBS=${JOBS:-1}; THREADS=${THREADS:-1}
# More seeds of the smoothing grid, to measure the seed scatter of each paired difference (a third sweep; set
# MORE_SEEDS= to skip it). MNIST's default is two more; the paper's CIFAR-10/STL-10 budgets default to none.
case "$DATASET" in mnist) MORE_SEEDS=${MORE_SEEDS-2 | 3} ;; *) MORE_SEEDS=${MORE_SEEDS-} ;; esac
[ "${QUICK:-0}" = 1 ] && MORE_SEEDS=${MORE_SEEDS:-2}
COMMON="--dataset $DATASET --network $NET --lr $LR --momentum 0.9 --batch-size $BATCH --epochs $EPOCHS $DATA \
--split-seed 1 --augment $AUGMENT"
mkdir -p "$OUT/sweeps"

# %% Cell 1: the grids. Smoothing: cross-entropy (U = none) and PLA on FC I, FC II and conv3. Weight decay: the
# three nonzero λ of Figure 7 (λ = 0 is the cross-entropy cell of the smoothing sweep).
smoothing_grid() {  # $1: the seeds
  cat <<GRID
seed    = $1
loss    = ce | pla
smooth  = fc1 | fc2 | conv3
radius  = $RADIUS
samples = 4
fixed   = $COMMON
GRID
}
smoothing_grid "$SEED" > "$OUT/sweeps/smoothing.grid"
[ -z "$MORE_SEEDS" ] || smoothing_grid "$MORE_SEEDS" > "$OUT/sweeps/smoothing-seeds.grid"
cat > "$OUT/sweeps/weight-decay.grid" <<GRID
seed         = $SEED
weight-decay = 1e-4 | 1e-3 | 1e-2
fixed        = $COMMON
GRID

# %% Cell 2: run both sweeps side by side, then the further seeds with both sweeps' cells at once (each sweep is
# resumable; see the header).
"$THERMO" sweep "$OUT/sweeps/smoothing.grid" -o "$OUT/sweeps/smoothing" --jobs "$JOBS" --threads "$THREADS" & smoothing=$!
"$THERMO" sweep "$OUT/sweeps/weight-decay.grid" -o "$OUT/sweeps/weight-decay" --jobs "$JOBS" --threads "$THREADS" & decay=$!
status=0; wait $smoothing || status=$?; wait $decay || status=$?
[ $status = 0 ] || { echo "error: a sweep stopped (status $status); rerun this script to continue" >&2; exit $status; }
if [ -n "$MORE_SEEDS" ]; then
  cores=$(nproc); seed_jobs=$(( 2 * JOBS * THREADS <= cores ? 2 * JOBS : JOBS ))
  "$THERMO" sweep "$OUT/sweeps/smoothing-seeds.grid" -o "$OUT/sweeps/smoothing-seeds" --jobs "$seed_jobs" \
    --threads "$THREADS" || { status=$?; echo "error: the seeds sweep stopped (status $status); rerun this script to continue" >&2; exit $status; }
fi

# %% Cell 3: one row per run (runs.csv): the test accuracy at the epoch of best validation accuracy ("early
# stopping"), the final test accuracy, the final train accuracy, the run time. Then one row per setting (cells.csv):
# mean and sample sd over seeds, and the paired difference to cross-entropy (λ = 0) of the same seed, with the
# number of seeds where the setting won.
python3 - "$OUT" <<'PY'
import csv, glob, json, math, os, sys
out = sys.argv[1]
def layer_names(architecture):
    """Weight layer l → its label: conv1…convK, then fc1, fc2, … (thermo's numbering and names)."""
    tokens = [t for t in architecture.get("network", "").split(",") if t and t != "pool"]
    dense = 0; names = {}
    for l, t in enumerate(tokens, 1):
        if t.startswith("fc"):
            dense += 1; names[l] = f"fc{dense}"
        else:
            names[l] = f"conv{l}"
    return names
rows = []
for path in sorted(glob.glob(os.path.join(out, "sweeps", "*", "cells", "*", "summary.json"))):
    s = json.load(open(path))
    if s.get("status") != "completed":
        continue
    c, epochs = s["configuration"], s["epochs"]
    best = max(epochs, key=lambda e: (e["validationAccuracy"], -e["epoch"]))
    smoothing = c["loss"]["kind"] != "ce"
    rows.append({
        "dataset": c["dataset"], "network": c["architecture"].get("network", ""), "train_images": s["trainImages"],
        "loss": c["loss"]["kind"],
        "smooth": "+".join(layer_names(c["architecture"]).get(l, str(l)) for l in c["loss"]["layers"]) if smoothing else "",
        "radius": c["loss"]["radius"] if smoothing else "", "weight_decay": c["optimizer"]["weightDecay"],
        "seed": c["seed"], "epochs": len(epochs), "lr": c["optimizer"]["learningRate"],
        "best_validation_epoch": best["epoch"], "test_acc_at_best_validation": best["testAccuracy"],
        "final_test_acc": epochs[-1]["testAccuracy"], "final_train_acc": epochs[-1]["trainAccuracy"],
        "final_train_loss": epochs[-1]["trainLoss"], "training_seconds": round(s["trainingSeconds"], 1),
        "summary": os.path.relpath(path, out)})
rows.sort(key=lambda r: (r["weight_decay"], r["loss"], r["smooth"], r["seed"]))
with open(os.path.join(out, "runs.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["summary"])
    w.writeheader(); w.writerows(rows)
def name(r):
    text = "ce" if r["loss"] == "ce" else f"{r['loss']} U={{{r['smooth']}}} R={r['radius']}"
    return text + (f" λ={r['weight_decay']:g}" if r["weight_decay"] else "")
print(f"{'run':28} {'seed':>4} {'best val ep':>11} {'test@best':>9} {'final test':>10} {'final train':>11} {'seconds':>8}")
for r in rows:
    print(f"{name(r):28} {r['seed']:>4} {r['best_validation_epoch']:>11} {100*r['test_acc_at_best_validation']:>8.2f}% "
          f"{100*r['final_test_acc']:>9.2f}% {100*r['final_train_acc']:>10.2f}% {r['training_seconds']:>8}")

def mean_sd(values):
    """Mean and sample standard deviation (sd is nan for one value)."""
    m = sum(values) / len(values)
    sd = math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else float("nan")
    return m, sd
settings = {}  # (loss, smooth, radius, weight decay) → {seed: run}
for r in rows:
    settings.setdefault((r["loss"], r["smooth"], r["radius"], r["weight_decay"]), {})[r["seed"]] = r
baseline_key = ("ce", "", "", 0)
baseline = settings.get(baseline_key, {})
metrics = {"test_acc_at_best_validation": "test@best", "final_test_acc": "final test"}
cells = []
for key, runs in settings.items():
    seeds = sorted(runs)
    cell = {"loss": key[0], "smooth": key[1], "radius": key[2], "weight_decay": key[3], "n": len(seeds),
            "seeds": " ".join(map(str, seeds)), "name": name(runs[seeds[0]])}
    for metric in metrics:
        cell[f"{metric}_mean"], cell[f"{metric}_sd"] = mean_sd([runs[s][metric] for s in seeds])
        paired = [runs[s][metric] - baseline[s][metric] for s in seeds if s in baseline] if key != baseline_key else []
        cell[f"{metric}_diff_n"] = len(paired)
        cell[f"{metric}_diff_mean"], cell[f"{metric}_diff_sd"] = mean_sd(paired) if paired else ("", "")
        cell[f"{metric}_wins"] = sum(d > 0 for d in paired) if paired else ""
    cells.append(cell)
with open(os.path.join(out, "cells.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=[k for k in cells[0] if k != "name"] if cells else ["loss"], extrasaction="ignore")
    w.writeheader(); w.writerows(cells)
def pm(mean, sd, scale=100):
    return "" if mean == "" else f"{scale*mean:.2f}" + ("" if math.isnan(sd) else f" ± {scale*sd:.2f}")
print(f"\n{'setting (over seeds, %)':28} {'n':>2} {'test@best':>14} {'final test':>14}   "
      f"{'paired Δ test@best':>18} {'wins':>4} {'paired Δ final':>15} {'wins':>4}")
for c in cells:
    b, f_ = "test_acc_at_best_validation", "final_test_acc"
    print(f"{c['name']:28} {c['n']:>2} {pm(c[b+'_mean'], c[b+'_sd']):>14} {pm(c[f_+'_mean'], c[f_+'_sd']):>14}   "
          f"{pm(c[b+'_diff_mean'], c[b+'_diff_sd']):>18} {c[b+'_wins']!s:>4} "
          f"{pm(c[f_+'_diff_mean'], c[f_+'_diff_sd']):>15} {c[f_+'_wins']!s:>4}")
PY

# %% Cell 4: the figures: train loss and test accuracy against the epoch (train accuracy paler), with a zoom on
# the late part; Figure 6/8: U = none, {FC I}, {FC II}, {conv3}; Figure 7: weight decay against PLA on FC I/II.
cell() { ls -d "$OUT"/sweeps/$1/cells/*"$2"*/summary.json | head -1; }
figure=$([ "$DATASET" = stl10 ] && echo fig8 || echo fig6)
"$THERMO" plot curves "$(cell smoothing loss=ce)" "$(cell smoothing smooth=fc1)" "$(cell smoothing smooth=fc2)" \
  "$(cell smoothing smooth=conv3)" --label "U = none" --label "PLA U = {FC I}" --label "PLA U = {FC II}" \
  --label "PLA U = {conv3}" --zoom "$ZOOM" --title "$NET on $DATASET: partial smoothing, R = $RADIUS, y = 4" \
  -o "$OUT/$figure-smoothing.png" --force --quiet
"$THERMO" plot curves "$(cell smoothing loss=ce)" "$(cell weight-decay =1e-4)" "$(cell weight-decay =1e-3)" \
  "$(cell weight-decay =1e-2)" "$(cell smoothing smooth=fc1)" "$(cell smoothing smooth=fc2)" \
  --label "λ = 0" --label "λ = 1e-4" --label "λ = 1e-3" --label "λ = 1e-2" --label "PLA U = {FC I}" \
  --label "PLA U = {FC II}" --zoom "$ZOOM" --title "$NET on $DATASET: weight decay against partial smoothing" \
  -o "$OUT/fig7-weight-decay.png" --force --quiet
echo "cnn: results in $OUT (runs.csv, cells.csv, $figure-smoothing.png, fig7-weight-decay.png)"
