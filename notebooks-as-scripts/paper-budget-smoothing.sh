#!/usr/bin/env bash
# Partial versus isotropic smoothing at the paper's budget (its Figure 3 protocol): 784→784→784→10 ReLU,
# lr 1e-4, momentum 0.9, batch 256, 120 epochs, y = 4, with paired seeds and error bars.
#
#   bash notebooks-as-scripts/paper-budget-smoothing.sh            # full budget (hours; resumable)
#   QUICK=1 bash notebooks-as-scripts/paper-budget-smoothing.sh    # a minute-long rehearsal in /tmp
#   PART=2 bash notebooks-as-scripts/paper-budget-smoothing.sh     # part 1, then part 2 (full training set)
#   PART=lr bash notebooks-as-scripts/paper-budget-smoothing.sh    # only the learning-rate slice (cell 5)
#   NSEEDS=2 bash notebooks-as-scripts/paper-budget-smoothing.sh    # fewer seeds first; more later (finished
#                                                                  # cells are kept when the seed list grows)
#
# Part 1: a 10,000-image training set, the same for every cell and seed (--split-seed 1 fixes the subset and
# the validation hold-out independently of --seed): --train-subset 15000 --validation 5000 trains on 10,000
# images and validates on the 5,000 others. PLA on U = {1}, {2}, {1,2} and PLEA on U = {2}, at
# R ∈ {0.003, 0.01, 0.03, 0.1}, and cross-entropy.
# Part 2 (PART=2): the full training set less the same kind of 5,000-image validation hold-out: cross-entropy
# against the best partial and the isotropic cell of part 1 at their radii (P2_SMOOTH and P2_RADIUS, default U = {2}
# at R = 0.01, and ISO_RADIUS; or --p2-smooth, --p2-radius, --iso-radius).
#
# Seeds are paired: for a seed s every cell has the same initial weights (stream (s, "init")) and the same data
# order (stream (s, "data", epoch)); the smoothing draws its displacements from its own stream
# (s, "perturbation", …), so it changes nothing else. Cell 1 below checks this on the first epoch.
# The sweep folders live in plots/paper-budget/sweeps/; their small files (manifest, summaries, attempts, logs)
# are committed as cells finish, never their checkpoints, so a fresh machine continues where this one stopped.

# %% Cell 0: budgets
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(dirname "$here")
. "$here/notebook-options.sh"; notebook_options "$0" "PART NSEEDS EPOCHS RADII JOBS OUT ISO_RADIUS SLICE_LR SLICE_RADIUS P2_SMOOTH P2_RADIUS" "$@"
. "$here/find-thermo.sh"; find_thermo "$root"
if [ "${QUICK:-0}" = 1 ]; then
  OUT=${OUT:-$(mktemp -d /tmp/thermo-paper-budget.XXXX)}
  NET="--layers 784,32,32,10"; EPOCHS=2; SUBSET="--train-subset 1500 --validation 500"; FULL="--train-subset 3000 --validation 500"
  RADII="0.01 | 0.1"
  LR=0.05; BATCH=50  # the paper's lr and batch would not leave chance level in 2 epochs: a rehearsal should learn
else
  OUT=${OUT:-$root/plots/paper-budget}
  NET="--layers 784,784,784,10"; EPOCHS=${EPOCHS:-120}; SUBSET="--train-subset 15000 --validation 5000"; FULL="--validation 5000"
  RADII=${RADII:-0.003 | 0.01 | 0.03 | 0.1}
  LR=1e-4; BATCH=256
fi
JOBS=${JOBS:-}; jobs_flag=(); [ -n "$JOBS" ] && jobs_flag=(--jobs "$JOBS")
REST="--momentum 0.9 --batch-size $BATCH --epochs $EPOCHS --samples 4 --split-seed 1"  # everything but the network and lr
COMMON="$NET --lr $LR $REST"
mkdir -p "$OUT/sweeps"

# %% Cell 1: pairing check: for seed 1, a PLA run with y = 0 displaced samples is the cross-entropy run bit for
# bit (same initial weights, same batches), so the cells of one seed differ only by their smoothing.
check=$(mktemp -d /tmp/thermo-pairing.XXXX)
"$THERMO" train $NET --lr $LR --batch-size $BATCH --epochs 1 --seed 1 --split-seed 1 $SUBSET --summary "$check/ce.json" --quiet
"$THERMO" train $NET --lr $LR --batch-size $BATCH --epochs 1 --seed 1 --split-seed 1 $SUBSET --loss pla --smooth 2 --radius 0.01 \
  --samples 0 --summary "$check/pla0.json" --quiet
python3 - "$check/ce.json" "$check/pla0.json" <<'PY'
import json, sys
a, b = (json.load(open(p))["epochs"][0] for p in sys.argv[1:])
keys = ("trainLoss", "testLoss", "validationLoss")
assert all(a[k] == b[k] for k in keys), f"pairing check failed: {[(k, a[k], b[k]) for k in keys]}"
print(f"pairing check: seed 1, epoch 1: train loss {a['trainLoss']!r} in both runs (bit-identical)")
PY
rm -rf "$check"

# %% Cell 2: part 1 grids, written for the first n seeds
NSEEDS=${NSEEDS:-3}; [ "${QUICK:-0}" = 1 ] && NSEEDS=2
part1_grids() {  # $1 = seed list
  cat > "$OUT/sweeps/part1-pla.grid" <<GRID
seed   = $1
loss   = ce | pla
smooth = 1 | 2 | 1,2
radius = $RADII
fixed  = $COMMON $SUBSET
GRID
  cat > "$OUT/sweeps/part1-plea.grid" <<GRID
seed   = $1
loss   = plea
smooth = 2
radius = $RADII
fixed  = $COMMON $SUBSET
GRID
}

# %% Cell 3: run part 1 a seed at a time (seed 1 of every cell, then seed 2, …). Re-running continues where it
# stopped; growing the seed list with --force keeps every finished cell. A rerun starts from the seed list the
# sweep already holds: shrinking it would move that sweep's later-seed cells to discarded/.
seeds_held() {  # number of seeds in an existing sweep's manifest (1 when there is none)
  python3 - "$1/manifest.json" <<'PY'
import json, sys
try:
    grid = json.load(open(sys.argv[1]))["grid"]["settings"]
    print(max([1] + [len(s["values"]) for s in grid if s["name"] == "seed"]))
except FileNotFoundError:
    print(1)
PY
}
PART=${PART:-1}
if [ "$PART" != lr ]; then
  for n in $(seq "$(seeds_held "$OUT/sweeps/part1-pla")" "$NSEEDS"); do
    part1_grids "1…$n"
    for part in part1-pla part1-plea; do
      "$THERMO" sweep "$OUT/sweeps/$part.grid" -o "$OUT/sweeps/$part" --force "${jobs_flag[@]}"
    done
  done
fi

# %% Cell 4: part 2 on the full training set (less the 5,000 validation images): cross-entropy, the best
# partial cell of part 1 and the isotropic cell U = {1,2}, each at the radius part 1 chose for it.
if [ "$PART" = 2 ] || [ "${QUICK:-0}" = 1 ]; then
  P2_SMOOTH=${P2_SMOOTH:-2}; P2_RADIUS=${P2_RADIUS:-0.01}; ISO_RADIUS=${ISO_RADIUS:-0.01}
  cat > "$OUT/sweeps/part2.grid" <<GRID
seed   = 1…$NSEEDS
loss   = ce | pla
smooth = $P2_SMOOTH
radius = $P2_RADIUS
fixed  = $COMMON $FULL
GRID
  cat > "$OUT/sweeps/part2-isotropic.grid" <<GRID
seed   = 1…$NSEEDS
loss   = pla
smooth = 1,2
radius = $ISO_RADIUS
fixed  = $COMMON $FULL
GRID
  for part in part2 part2-isotropic; do
    "$THERMO" sweep "$OUT/sweeps/$part.grid" -o "$OUT/sweeps/$part" --force "${jobs_flag[@]}"
  done
fi

# %% Cell 5: one slice of the learning rate (PART=lr runs it alone): does the answer change where the network
# overfits? The same 10,000 images and seeds at lr SLICE_LR (default 1e-3, ten times the paper's): cross-entropy
# against PLA on the partial set U = {2} and the isotropic U = {1,2}, at R = SLICE_RADIUS (default 0.01 | 0.03 | 0.1).
if [ "$PART" = lr ] || [ "${QUICK:-0}" = 1 ]; then
  SLICE_LR=${SLICE_LR:-1e-3}
  cat > "$OUT/sweeps/slice-lr.grid" <<GRID
seed   = 1…$NSEEDS
loss   = ce | pla
smooth = 2 | 1,2
radius = ${SLICE_RADIUS:-0.01 | 0.03 | 0.1}
fixed  = $NET --lr $SLICE_LR $REST $SUBSET
GRID
  "$THERMO" sweep "$OUT/sweeps/slice-lr.grid" -o "$OUT/sweeps/slice-lr" --force "${jobs_flag[@]}"
fi

# %% Cell 6: one CSV row per run, the per-cell table and the paired differences, the figures
python3 "$here/paper-budget-table.py" "$OUT"
echo "paper-budget: results in $OUT"
