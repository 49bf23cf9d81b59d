#!/usr/bin/env bash
# %% [markdown]
# # Quickstart: a real MNIST run, its trace, its temperatures, its cooling, its figure
#
# The README's main job, end to end through the command line. `QUICK=1` (what CI runs) trains a small network
# on 2,000 images for a few epochs in seconds; the full mode trains the paper's 4-weight-layer network on all of
# MNIST for 30 epochs (about 3 minutes on 2 cores) and writes its figures into plots/.
#
#   QUICK=1 bash notebooks-as-scripts/quickstart.sh          # seconds; writes into $OUT (a temporary folder)
#   bash notebooks-as-scripts/quickstart.sh                  # minutes; writes the figures into plots/

# %% Settings
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
. "$here/notebook-options.sh"; notebook_options "$0" "OUT FIGURES" "$@"
. "$here/find-thermo.sh"; find_thermo "$root"
if [ "${QUICK:-0}" = 1 ]; then
  OUT=${OUT:-$(mktemp -d /tmp/thermo-quickstart.XXXX)}
  FIGURES=$OUT
  train=(--train-subset 2000 --layers 784,64,64,64,10 --lr 0.05 --epochs 6 --batch-size 64)
else
  OUT=${OUT:-$root/runs/quickstart}
  FIGURES=${FIGURES:-$root/plots}
  train=(--layers 784,784,784,784,10 --lr 0.01 --epochs 30)
fi
mkdir -p "$OUT" "$FIGURES"
echo "quickstart: thermo $("$THERMO" --version), writing into $OUT"

# %% Train with a gradient trace (per-step and per-epoch layer statistics, per-weight epoch moments)
"$THERMO" train "${train[@]}" --trace "$OUT/run.h5" --summary "$OUT/run.json" --force

# %% What the trace holds
"$THERMO" inspect "$OUT/run.h5"

# %% Layer temperatures: S, σ, T = σ², both SNRs and the spread of per-weight temperatures, per layer and epoch
"$THERMO" temperature "$OUT/run.h5" --epochs :5    # the first five epochs; drop --epochs for all

# %% The dynamical regimes: signal peak, SNR = 1 crossings, onset of the common late regime
"$THERMO" regimes "$OUT/run.h5"

# %% The common cooling of all layers over the second half of the run (nested model, Jacobian intervals)
epochs=$(python3 -c "import json; print(len(json.load(open('$OUT/run.json'))['epochs']))")
"$THERMO" fit-cooling "$OUT/run.h5" --from $((epochs / 2)) || echo "quickstart: the fit failed (see above); a short run may not reach a late regime"

# %% The paper's Figure 1 for this run: signal (solid) and noise (dashed) per layer, regimes marked
"$THERMO" plot signal "$OUT/run.h5" -o "$FIGURES/quickstart-signal.png" --force
"$THERMO" plot curves "$OUT/run.json" -o "$FIGURES/quickstart-curves.png" --force
echo "quickstart: figures in $FIGURES"
