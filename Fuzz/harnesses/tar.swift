// libFuzzer harness: the gzip-compressed tar reader (TarArchive) that unpacks CIFAR-10's and STL-10's tarballs, on
// arbitrary bytes. Every input is written to a scratch file and unpacked, asking for the members a data set's
// tarball holds; a crash, a trap, a hang or unbounded memory is a bug; a TarError or IDXError (a damaged gzip stream)
// is the expected outcome, and members that are extracted must have the size their header declared.
#if canImport(Glibc)
import Glibc
#endif
import Datasets

nonisolated(unsafe) private var scratchPath = "/tmp/thermo-fuzz-tar-\(getpid())"

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

/// The size of the file at `path` (−1 if it is missing).
private func fileSize(_ path: String) -> Int {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : -1
}

/// The libFuzzer entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTar(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    writeScratch(data, size)
    let members = ["a.bin": scratchPath + ".a", "dir/b.bin": scratchPath + ".b"]
    if let sizes = try? TarArchive.extract(gzipPath: scratchPath, members: members) {
        for (name, bytes) in sizes { precondition(fileSize(members[name]!) == bytes, "\(name): size differs from its header") }
    }
    for path in members.values { unlink(path) }
    return 0
}
