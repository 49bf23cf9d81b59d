// libFuzzer harness: the CSV/TSV long-table reader of the Analysis module (LongTable), on arbitrary bytes
// (invalid UTF-8 included). A table that parses must give curves without trapping; a LongTableError is the
// expected outcome otherwise.
import Analysis

/// The libFuzzer entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLongTable(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let table = try? LongTable(bytes: UnsafeBufferPointer(start: data, count: size), path: nil) else { return 0 }
    for selection in [CurveSelection.signal, .noise, .both] {
        _ = try? table.curves(selection)
    }
    return 0
}
