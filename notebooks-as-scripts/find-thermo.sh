# Sourced by the notebooks: sets THERMO to the thermo binary to run. THERMO as given (a path or a command on
# PATH; refused when it is neither), else this checkout's release build, its debug build, or `thermo` on PATH.
find_thermo() {
  local root=$1 found
  if [ -n "${THERMO:-}" ]; then
    if found=$(command -v -- "$THERMO" 2>/dev/null) && [ -x "$found" ]; then THERMO=$found; return 0; fi
    echo "error: THERMO=$THERMO is not an executable thermo binary; point THERMO at one, or unset it to use this checkout's build or 'thermo' on PATH" >&2
    exit 2
  fi
  for found in "$root/.build/release/thermo" "$root/.build/debug/thermo"; do
    if [ -x "$found" ]; then THERMO=$found; return 0; fi
  done
  if found=$(command -v thermo 2>/dev/null); then THERMO=$found; return 0; fi
  echo "error: no thermo binary: build it in $root (bash scripts/setup), put it on PATH, or set THERMO=/path/to/thermo" >&2
  exit 2
}
