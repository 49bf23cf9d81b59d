#!/usr/bin/env bash
# Regenerates every figure in plots/ with the budgets stated in plots/README.md, one script after another
# (one heavy job at a time on a 2-core machine), and prints each script's wall time.
#
#   bash plots/reproduce.sh                 # all of them, about 90 minutes on 2 cores
#   bash plots/reproduce.sh fig5-sampling   # just one
#
# Runs go to runs/NAME/ (not committed); re-running continues interrupted sweeps and runs where they stopped.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
declare -A budget=(
  [quickstart]=""
  [fig1-cooling]="EPOCHS=100"
  [fig5-sampling]="EPOCHS=10 RADII=3"
  [fig3-partial-vs-isotropic]="EPOCHS=10 RADII=3"
  [fig4-layer-subsets]="EPOCHS=5 RADII=3"
)
order=(quickstart fig1-cooling fig5-sampling fig3-partial-vs-isotropic fig4-layer-subsets)
[ $# -gt 0 ] && order=("$@")
for name in "${order[@]}"; do
  [ -n "${budget[$name]+set}" ] || { echo "reproduce: no script $name (one of: ${!budget[*]})" >&2; exit 64; }
  mkdir -p "runs/$name"
  start=$(date +%s)
  echo "== $name (${budget[$name]:-full budget}) started $(date -u +%FT%TZ)"
  status=0
  env ${budget[$name]} bash "notebooks-as-scripts/$name.sh" 2>&1 | tee "runs/$name/notebook.log" || status=$?
  if [ "$status" != 0 ]; then
    echo "== $name FAILED (status $status) after $(( $(date +%s) - start )) s; its log: runs/$name/notebook.log" >&2
    exit 1
  fi
  echo "== $name took $(( $(date +%s) - start )) s"
done
