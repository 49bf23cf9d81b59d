// libFuzzer harness: the long-table input of `thermo plot signal|temperature|cooling` — the Analysis module's
// LongTable read with no value column required, then turned into figure runs by ThermoCLI's LongTableSource —
// on arbitrary bytes; then the run selection every figure does. Errors are expected; traps are bugs.
import Analysis
@testable import ThermoCLI

/// The libFuzzer entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLayerTable(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let table = try? LongTable(bytes: UnsafeBufferPointer(start: data, count: size), path: "fuzz.csv", requiring: []) else { return 0 }
    let runs = LongTableSource.runs(of: table, path: "fuzz.csv")
    for run in runs {
        for layer in run.layers {
            precondition(layer.signal.map { $0.count == layer.epochs.count } ?? true, "signal and epochs differ in length")
            precondition(layer.quantiles.allSatisfy { $0.values.count == layer.epochs.count }, "quantiles and epochs differ in length")
            precondition(zip(layer.epochs, layer.epochs.dropFirst()).allSatisfy { $0 < $1 }, "epochs not increasing")
        }
    }
    _ = try? selectRun(runs, named: nil)
    return 0
}
