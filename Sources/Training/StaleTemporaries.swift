import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NumericCore

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
