// libFuzzer harness: the long-table input of `thermo plot signal|temperature|cooling` — the Analysis module's
// LongTable read with no value column required, then turned into figure runs by the Studies module's loader
// (`RunSeries.runs(of:path:request: .figure)`) — on arbitrary bytes; then the run selection every figure does.
// Errors are expected; traps are bugs.
import Analysis
import Studies

/// The libFuzzer entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLayerTable(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let table = try? LongTable(bytes: UnsafeBufferPointer(start: data, count: size), path: "fuzz.csv", requiring: []),
          let runs = try? RunSeries.runs(of: table, path: "fuzz.csv", request: .figure) else { return 0 }
    for run in runs {
        for layer in run.layers {
            precondition(layer.signal.map { $0.count == layer.positions.count } ?? true, "signal and epochs differ in length")
            precondition(layer.quantiles.allSatisfy { $0.count == layer.positions.count }, "quantiles and epochs differ in length")
            precondition(zip(layer.positions, layer.positions.dropFirst()).allSatisfy { $0 < $1 }, "epochs not increasing")
        }
    }
    _ = try? RunSeries.select(runs, named: nil)
    return 0
}
