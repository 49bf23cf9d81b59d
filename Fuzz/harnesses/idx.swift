// libFuzzer harness: the IDX reader (raw and gzip) on arbitrary bytes.
// Every input is written to a scratch file and read as an image file (3 dimensions) and as a label file
// (1 dimension), with a 1 MiB data limit so that the fuzzer explores headers, not allocations. A crash, a trap or
// an allocation larger than the file justifies is a bug; an IDXError is the expected outcome.
#if canImport(Glibc)
import Glibc
#endif
import Datasets

/// The scratch file this process writes each input to.
nonisolated(unsafe) private var scratchPath = "/tmp/thermo-fuzz-idx-\(getpid())"

/// Writes `size` bytes at `data` to the scratch file.
private func writeScratch(_ data: UnsafePointer<UInt8>, _ size: Int) {
    let fd = open(scratchPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot create \(scratchPath)")
    var done = 0
    while done < size {
        let n = write(fd, data + done, size - done)
        precondition(n > 0, "cannot write \(scratchPath)")
        done += n
    }
    close(fd)
}

/// The libFuzzer entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    writeScratch(data, size)
    for dimensions in [3, 1] {
        if let file = try? IDXFile(reading: scratchPath, dimensionCount: dimensions, maximumDataBytes: 1 << 20) {
            // A file that reads must be self-consistent.
            precondition(file.dimensions.reduce(1, *) == file.data.count, "data size does not match the dimensions")
            precondition(file.dimensions.count == dimensions, "wrong dimension count accepted")
            _ = file.sha256()
        }
    }
    return 0
}
