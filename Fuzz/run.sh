#!/usr/bin/env bash
# Builds and runs one libFuzzer harness (see Fuzz/README.md).
#
#   Fuzz/run.sh TARGET SECONDS [libFuzzer flags…]     TARGET: idx, tar, csv, table, trace, grid, spec, cifar, stl
#   Fuzz/run.sh TARGET repro FILE…                     runs the harness once on each FILE (a crash reproducer)
#
# The library modules are built by SwiftPM into .build-fuzz with -sanitize=fuzzer,address (coverage and ASan,
# no executable linked, so the normal build is untouched); the harness is then compiled and linked against their
# objects with swiftc. The seed corpus Fuzz/corpus/TARGET is read, never written: new inputs go to
# .build-fuzz/corpus/TARGET, crashes to .build-fuzz/artifacts/TARGET/, the log to .build-fuzz/TARGET.log.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
target="${1:?usage: Fuzz/run.sh idx|tar|csv|table|trace|grid|spec|cifar|stl SECONDS|repro [args…]}"
mode="${2:?usage: Fuzz/run.sh TARGET SECONDS|repro [args…]}"
shift 2
harness="Fuzz/harnesses/$target.swift"
[[ -f "$harness" ]] || { echo "error: no harness $harness (targets: $(ls Fuzz/harnesses | sed 's/\.swift$//' | tr '\n' ' '))" >&2; exit 64; }

scratch="$root/.build-fuzz"
swift build --scratch-path "$scratch" --target ThermoCLI -Xswiftc -sanitize=fuzzer,address >&2
products="$scratch/x86_64-unknown-linux-gnu/debug"
[[ -d "$products" ]] || products="$scratch/debug"
modules=(NumericCore Augmentation Curvature Datasets Networks Settings Smoothing Training HDF5 Traces LayerStatistics Analysis Studies Figures Sweeps Benchmarks ThermoCLI
         ArgumentParser ArgumentParserToolInfo Crypto CryptoBoringWrapper CCryptoBoringSSL CCryptoBoringSSLShims CXKCP CXKCPShims)
objects=()
# swift-crypto's BoringSSL keeps its objects in subfolders, hence find.
for m in "${modules[@]}"; do while IFS= read -r o; do objects+=("$o"); done < <(find "$products/$m.build" -name '*.o' | sort); done
objects+=("$products/HDF5Shim.build"/*.o "$products/CNumberFormat.build"/*.o)
binary="$scratch/fuzz-$target"
swiftc -parse-as-library -sanitize=fuzzer,address -g -Onone -module-name "Fuzz_$target" \
  -I "$products/Modules" -I "$root/Sources/HDF5Shim/include" \
  -Xcc -fmodule-map-file="$products/HDF5Shim.build/module.modulemap" \
  -Xcc -fmodule-map-file="$products/CNumberFormat.build/module.modulemap" \
  -Xcc -fmodule-map-file="$root/Sources/CBLAS/module.modulemap" \
  -Xcc -fmodule-map-file="$root/Sources/CHDF5/module.modulemap" \
  -Xcc -fmodule-map-file="$root/Sources/CZlib/module.modulemap" \
  -Xcc -I -Xcc "$root/Sources/HDF5Shim/include" -Xcc -I -Xcc "$root/Sources/CNumberFormat/include" \
  $(pkg-config --cflags openblas hdf5-serial zlib | sed 's/-I/-Xcc -I/g') \
  "$harness" "${objects[@]}" \
  $(pkg-config --libs openblas hdf5-serial zlib) -lstdc++ -o "$binary" >&2

if [[ "$mode" == repro ]]; then
  SWIFT_BACKTRACE=enable=no exec "$binary" -runs=1 "$@"
fi
mkdir -p "$scratch/corpus/$target" "$scratch/artifacts/$target"
# One worker, on one core; ASan's leak check is off (HDF5 keeps its global state until exit).
# Swift's own backtracer is off: under ASan it reads the stack in ways ASan reports as an underflow, which hides
# the trap that set it off; libFuzzer then reports the trap itself (a deadly signal) with its stack.
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" "$binary" -max_total_time="$mode" -print_final_stats=1 -rss_limit_mb=4096 \
  -max_len=4096 -timeout=20 -artifact_prefix="$scratch/artifacts/$target/" "$@" \
  "$scratch/corpus/$target" "Fuzz/corpus/$target" 2>&1 | tee "$scratch/$target.log" | grep -E "^#[0-9]+.*(pulse|DONE)|^stat::|ERROR|SUMMARY|Test unit written|artifact" >&2
