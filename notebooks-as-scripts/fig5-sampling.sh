#!/usr/bin/env bash
# %% [markdown]
# # Figure 5: y = 4 vs y = 8 samples
#
# Test accuracy against R for U = {2} on 784→784→784→10 with PLA, y = 4 and y = 8 (the paper finds y = 8 no
# better than y = 4). MNIST instead of Fashion-MNIST. Full mode: EPOCHS=20, 5 radii, one seed; QUICK=1: 1,000
# images, 2 epochs, 2 radii.

# %% Settings and the grid
source "$(dirname "$0")/sweep-common.sh"
if [ "${QUICK:-0}" = 1 ]; then
  cat > "$OUT/grid.txt" <<GRID
loss = pla
smooth = 2
samples = 4 | 8
radius = 0.001 | 0.1
fixed = --layers 784,32,32,10 --train-subset 1000 --epochs 2 --lr 0.05 --batch-size 50
GRID
else
  cat > "$OUT/grid.txt" <<GRID
loss = pla
smooth = 2
samples = 4 | 8
radius = 0.001 … 0.1 log ${RADII:-5}
seed = 1
fixed = --layers 784,784,784,10 --epochs ${EPOCHS:-20}
GRID
fi

# %% Run, summarise, draw
run_sweep
