// libFuzzer harness: the sweep grid parser (Sweeps' GridParser), on arbitrary text read as a grid file and as
// one --grid flag.
import Sweeps

/// The libFuzzer entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGrid(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var file = GridParser()
    if (try? file.addFile(text, name: "fuzz.grid")) != nil {
        let grid = file.grid()
        _ = grid.variedNames
        _ = grid.settings.map(\.values.count)
    }
    var flag = GridParser()
    if (try? flag.addFlag(text, index: 1)) != nil { _ = flag.grid().variedNames }
    return 0
}
