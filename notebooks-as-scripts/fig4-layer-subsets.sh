#!/usr/bin/env bash
# %% [markdown]
# # Figure 4 (right): every non-empty layer set U ⊂ {1,2,3} on 784→784→784→784→10
#
# Best test accuracy against R for the seven sets, coloured in the paper's RGB nomenclature (red = layer 1,
# green = 2, blue = 3, mixtures for sets), PLA with y = 4, on MNIST. Full mode: EPOCHS=20 (paper: 120) over
# 4 radii, one seed (28 cells); QUICK=1: 1,000 images, 2 epochs, 2 radii, three of the sets.

# %% Settings and the grid
source "$(dirname "$0")/sweep-common.sh"
if [ "${QUICK:-0}" = 1 ]; then
  cat > "$OUT/grid.txt" <<GRID
loss = pla
smooth = 1 | 3 | 1,2,3
radius = 0.001 | 0.1
fixed = --layers 784,32,32,32,10 --train-subset 1000 --epochs 2 --lr 0.05 --batch-size 50
GRID
else
  cat > "$OUT/grid.txt" <<GRID
loss = pla
smooth = 1 | 2 | 3 | 1,2 | 1,3 | 2,3 | 1,2,3
radius = 0.001 … 0.1 log ${RADII:-4}
samples = 4
seed = 1
fixed = --layers 784,784,784,784,10 --epochs ${EPOCHS:-20}
GRID
fi

# %% Run, summarise, draw
run_sweep
