import Foundation
import Testing
import TestSupport
@testable import Training
import NumericCore

/// `writeAtomically`: the old file or the new one, never a part; and the leftovers of killed writers cleaned.
@Suite struct AtomicWriteTests {
    /// The pid of a process that has exited (and been reaped).
    func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test("A write removes the temporary files of dead writers of the same file, and nothing else")
    func staleTemporariesRemoved() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("run.json").path
        let dead = try deadPID()
        let names = [
            "run.json.tmp-\(dead)",          // a killed writer of run.json: removed
            "run.json.tmp-\(getppid())",     // a live process's: kept (it may be writing)
            "run.json.tmp-12ab",             // not a pid: kept
            "other.json.tmp-\(dead)",        // another file's: kept
            "run.json.tmp-",                 // no pid: kept
        ]
        for name in names { try Data("partial".utf8).write(to: folder.appendingPathComponent(name)) }

        try writeAtomically(Array("{\"done\": true}".utf8), to: target)

        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(left == Set(names.dropFirst() + ["run.json"]))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "{\"done\": true}")
    }

    @Test("removeStaleTemporaries reports what it removed and ignores a missing folder")
    func report() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let dead = try deadPID()
        try Data().write(to: folder.appendingPathComponent("t.h5.partial-\(dead)"))
        #expect(removeStaleTemporaries(of: folder.appendingPathComponent("t.h5").path, marker: ".partial-") == ["t.h5.partial-\(dead)"])
        #expect(removeStaleTemporaries(of: "/nonexistent/folder/t.h5", marker: ".partial-").isEmpty)
    }
}
