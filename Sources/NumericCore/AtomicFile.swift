#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

// Atomic replacement of files: the one way thermo puts a finished file in place of an old one, and the clean-up
// of what writers killed mid-write leave behind.

/// Writes `bytes` to a temporary file next to `path`, fsyncs it, renames it over `path` and fsyncs the folder.
/// On failure the temporary file is removed and `path` is untouched.
public func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    try bytes.withUnsafeBytes { try writeAtomically(parts: [$0], to: path) }
}

/// `writeAtomically(_:to:)` for a file made of `parts` one after the other, written straight from memory (for
/// files such as checkpoints whose bulk already sits in a buffer).
public func writeAtomically(parts: [UnsafeRawBufferPointer], to path: String) throws {
    let temporary = "\(path).tmp-\(getpid())"
    removeStaleTemporaries(of: path, marker: ".tmp-")
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw FileWriteError(path: path, errno: errno) }
    var ok = true
    write: for raw in parts where raw.count > 0 {
        var done = 0
        while done < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 { if errno == EINTR { continue }; ok = false; break write }
            done += n
        }
    }
    let code = errno
    ok = ok && fsync(fd) == 0
    let code2 = errno
    close(fd)
    guard ok else {
        unlink(temporary)
        throw FileWriteError(path: path, errno: code != 0 ? code : code2)
    }
    if let e = publish(temporary, over: path) {
        unlink(temporary)
        throw FileWriteError(path: path, errno: e)
    }
}

/// Moves the complete file `temporary` over `path` in one step (rename(2)) and makes the rename durable by
/// fsyncing the folder: a reader sees the old file or the new one, never a part, also after a crash. Returns
/// the errno of a failed rename (the temporary file is then left for the caller to remove), or nil.
/// Every writer that replaces a file (`writeAtomically`, a new trace, a fetched data file, a rendered figure)
/// ends through here.
@discardableResult
public func publish(_ temporary: String, over path: String) -> Int32? {
    guard rename(temporary, path) == 0 else { return errno }
    let folder = folderOfPath(path)
    let dfd = open(folder.isEmpty ? "." : folder, O_RDONLY)
    if dfd >= 0 { fsync(dfd); close(dfd) }
    return nil
}

/// A file that could not be written; names the path and the system's reason.
public struct FileWriteError: Error, DescribedError {
    /// The file that could not be written.
    public let path: String
    /// The system's error number (`ENOSPC`, `EACCES`, …).
    public let errno: Int32
    /// "cannot write PATH: reason", with a hint for a full disk or an unwritable folder; nothing was replaced.
    public var description: String {
        let reason = String(cString: strerror(errno))
        let hint = errno == ENOSPC || errno == EFBIG ? " (free some space or write elsewhere)"
            : errno == EACCES || errno == EROFS ? " (choose a writable folder)" : ""
        return "cannot write \(path): \(reason)\(hint); nothing was replaced"
    }
}

/// Removes the temporary files that processes killed mid-write left beside `path`: names of the form
/// `BASENAME` + `marker` + `PID` (e.g. `run.json.tmp-4711`, `run.h5.partial-4711`) whose process no longer
/// exists. A live process's file is left alone (it may be writing it), and so is anything not of that exact
/// form. Nothing is read from these files: a write that did not finish was never renamed into place, so they
/// hold nothing a reader trusted. Returns the names removed.
@discardableResult
public func removeStaleTemporaries(of path: String, marker: String) -> [String] {
    let folder = folderOfPath(path)
    let base = (path as NSString).lastPathComponent
    let prefix = base + marker
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else { return [] }
    var removed: [String] = []
    for entry in entries where entry.hasPrefix(prefix) {
        let digits = entry.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              let pid = Int32(digits), pid > 0, pid != getpid() else { continue }
        // kill(pid, 0) fails with ESRCH only when no such process exists.
        guard kill(pid, 0) != 0 && errno == ESRCH else { continue }
        let stale = folder.isEmpty ? entry : (folder as NSString).appendingPathComponent(entry)
        if unlink(stale) == 0 { removed.append(entry) }
    }
    return removed
}
