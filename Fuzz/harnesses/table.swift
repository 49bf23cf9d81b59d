// libFuzzer harness: the long-table reader of `thermo plot signal|temperature|cooling` (ThermoCLI's
// LongTableSource), on arbitrary text; then the run selection every figure does. Errors are expected; traps
// are bugs.
@testable import ThermoCLI

/// The libFuzzer entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLayerTable(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let runs = try? LongTableSource.parse(text, path: "fuzz.csv") else { return 0 }
    for run in runs {
        for layer in run.layers {
            precondition(layer.signal.map { $0.count == layer.epochs.count } ?? true, "signal and epochs differ in length")
            precondition(layer.quantiles.allSatisfy { $0.values.count == layer.epochs.count }, "quantiles and epochs differ in length")
        }
    }
    _ = try? selectRun(runs, named: nil)
    return 0
}
