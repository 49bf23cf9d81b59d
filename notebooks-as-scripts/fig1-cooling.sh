#!/usr/bin/env bash
# %% [markdown]
# # Figure 1: the common sub-exponential cooling of all layers, ReLU and tanh
#
# Two long runs of a 4-weight-layer network (784→784→784→784→10) on MNIST without weight decay, one with ReLU
# and one with tanh, each recording a gradient trace; then the regimes, the common cooling fit (all models,
# commonality test, window scan) and the paper's Figure 1 with both runs side by side.
#
# Budget: the paper trains "long"; a reference PyTorch run went 600 epochs. Full mode here trains EPOCHS=200
# epochs per run at lr 0.01 (about 15 minutes per run on 2 cores); QUICK=1 trains 2,000 images for 8 epochs.
#
#   QUICK=1 bash notebooks-as-scripts/fig1-cooling.sh
#   EPOCHS=600 bash notebooks-as-scripts/fig1-cooling.sh
#   LR=1e-4 EPOCHS=120 bash notebooks-as-scripts/fig1-cooling.sh   # the paper's learning rate (about 15 min per run
#                                                                   # on one core): runs in runs/fig1-lr1e-4, figures
#                                                                   # plots/fig1-lr1e-4-*.png, with the per-weight
#                                                                   # moments and the layer curvature (every=log)

# %% Settings
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(dirname "$here")
. "$here/notebook-options.sh"; notebook_options "$0" "EPOCHS LR THREADS OUT FIGURES PREFIX" "$@"
. "$here/find-thermo.sh"; find_thermo "$root"
if [ "${QUICK:-0}" = 1 ]; then
  OUT=${OUT:-$(mktemp -d /tmp/thermo-fig1.XXXX)}; FIGURES=$OUT
  train=(--train-subset 2000 --layers 784,64,64,64,10 --lr 0.05 --batch-size 64 --epochs "${EPOCHS:-8}")
else
  LR=${LR:-0.01}
  TAG=$([ "$LR" = 0.01 ] && echo "" || echo "-lr$LR")
  OUT=${OUT:-$root/runs/fig1$TAG}; FIGURES=${FIGURES:-$root/plots}
  train=(--layers 784,784,784,784,10 --lr "$LR" --epochs "${EPOCHS:-200}" --checkpoint-every 10 --threads "${THREADS:-2}")
  # At the paper's learning rate: the default per-weight moments (for the per-weight SNR) and the layer curvature on
  # a logarithmic schedule (about 20 measurements in 120 epochs).
  [ "$LR" = 0.01 ] || train+=(--record moments,curvature:every=log)
fi
PREFIX=${PREFIX:-fig1${TAG:-}}
mkdir -p "$OUT" "$FIGURES"

# %% Train ReLU and tanh (resumable: a run stopped by Ctrl-C or a time limit continues from its checkpoint)
for act in relu tanh; do
  if [ -f "$OUT/$act.ckpt" ] && [ ! -f "$OUT/$act.json" ]; then
    "$THERMO" train --resume "$OUT/$act.ckpt" --trace "$OUT/$act.h5" --summary "$OUT/$act.json" --checkpoint-every 10
  elif [ ! -f "$OUT/$act.json" ] || [ "${QUICK:-0}" = 1 ]; then
    "$THERMO" train "${train[@]}" --activation "$act" --trace "$OUT/$act.h5" --summary "$OUT/$act.json" \
      --checkpoint "$OUT/$act.ckpt" --force
  fi
done

# %% Regimes of each run (signal peak, SNR = 1 crossings on both SNR definitions, onset e* of the common regime)
for act in relu tanh; do "$THERMO" regimes "$OUT/$act.h5"; done
# At the paper's learning rate the early regimes last a few hundred steps: read them per window of 10 steps too.
if [ "${LR:-0.01}" != 0.01 ]; then for act in relu tanh; do "$THERMO" regimes "$OUT/$act.h5" --window 10; done; fi

# %% The common cooling fit over the late regime (from the onset e*), with a window scan; JSON keeps every number.
# A short run (QUICK) has no located late regime: there the fit takes the fixed window below instead.
epochs=$(python3 -c "import json; print(len(json.load(open('$OUT/relu.json'))['epochs']))")
from=$(( epochs * 3 / 10 ))
for act in relu tanh; do
  window=()
  "$THERMO" regimes "$OUT/$act.h5" --format json > /dev/null 2>&1 && \
    "$THERMO" fit-cooling "$OUT/$act.h5" > /dev/null 2>&1 || window=(--from "$from")
  "$THERMO" fit-cooling "$OUT/$act.h5" "${window[@]}" --scan
  "$THERMO" fit-cooling "$OUT/$act.h5" "${window[@]}" --format json > "$OUT/$act-fit.json"
done

# %% The same fit over a fixed late window, the last 70% of the run: the onset test needs a long run (in a
# 100-epoch run it puts e* near the end, which leaves too few epochs for a two-parameter decay)
for act in relu tanh; do
  "$THERMO" fit-cooling "$OUT/$act.h5" --from "$from" --bootstrap 200 || echo "fig1: no fit for $act from $from"
done

# %% Figure 1: signal (solid) and noise (dashed) per layer, ReLU and tanh side by side; and the cooling panels
"$THERMO" plot signal "$OUT/relu.h5" "$OUT/tanh.h5" -o "$FIGURES/$PREFIX-signal.png" --force
for act in relu tanh; do
  "$THERMO" plot cooling "$OUT/$act.h5" --from "$from" -o "$FIGURES/$PREFIX-cooling-$act.png" --force || true
done
"$THERMO" plot temperature "$OUT/relu.h5" -o "$FIGURES/$PREFIX-temperature-relu.png" --force
for act in relu tanh; do  # the layer curvature, when the runs recorded it
  "$THERMO" curvature "$OUT/$act.h5" > /dev/null 2>&1 && \
    "$THERMO" plot curvature "$OUT/$act.h5" -o "$FIGURES/$PREFIX-curvature-$act.png" --force
done
echo "fig1: figures in $FIGURES"
