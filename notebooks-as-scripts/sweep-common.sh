# Shared by the sweep notebooks (sourced): paths, the thermo binary, QUICK vs full budgets.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(dirname "$here")
. "$here/notebook-options.sh"; notebook_options "$0" "EPOCHS RADII OUT FIGURES" "$@"
. "$here/find-thermo.sh"; find_thermo "$root"
name=$(basename "$0" .sh)
if [ "${QUICK:-0}" = 1 ]; then
  OUT=${OUT:-$(mktemp -d "/tmp/thermo-$name.XXXX")}; FIGURES=$OUT
else
  OUT=${OUT:-$root/runs/$name}; FIGURES=${FIGURES:-$root/plots}
fi
mkdir -p "$OUT" "$FIGURES"
# Run the grid (re-running continues where it stopped), print the table, draw the figure.
run_sweep() {
  "$THERMO" sweep "$OUT/grid.txt" -o "$OUT/sweep"
  "$THERMO" sweep --summary "$OUT/sweep"
  "$THERMO" plot sweep "$OUT/sweep" -o "$FIGURES/$name.png" --force
  echo "$name: figure $FIGURES/$name.png"
}
