import Foundation
import Testing
import TestSupport
@testable import Training

/// `OutputClaim`: one holder per path, named in the refusal; the lock file goes with the claim.
@Suite struct OutputClaimTests {
    @Test("A second claim of a path is refused, naming the holder's pid, until the first is released")
    func exclusive() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("run.h5").path
        let first = try OutputClaim(path)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(".run.h5.thermo-lock").path))
        #expect(OutputClaim.holder(of: path) == (true, getpid()))
        #expect(throws: OutputClaim.Held.self) { try OutputClaim(path) }
        do { _ = try OutputClaim(path) } catch let held as OutputClaim.Held {
            #expect(held.holder == getpid())
            #expect(held.description.contains("run.h5 is being written by thermo process \(getpid())"))
        }
        // The claim never touches the output itself.
        #expect(!FileManager.default.fileExists(atPath: path))
        first.release()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        #expect(OutputClaim.holder(of: path).held == false)
        let second = try OutputClaim(path)
        second.release()
    }

    @Test("A lock file left by a killed run is taken over; a file of that name that is no lock file is never overwritten")
    func leftovers() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("s.json").path
        let lock = folder.appendingPathComponent(".s.json.thermo-lock")
        try Data("thermo 999999\n".utf8).write(to: lock)
        let claim = try OutputClaim(path)
        #expect(try String(contentsOf: lock, encoding: .utf8) == "thermo \(getpid())\n")
        claim.release()
        try Data("my own notes, not a lock".utf8).write(to: lock)
        #expect(throws: OutputClaim.Failure.self) { try OutputClaim(path) }
        #expect(try String(contentsOf: lock, encoding: .utf8) == "my own notes, not a lock")
    }

    @Test("A symbolic link and its target share one claim")
    func links() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("a.json").path
        try Data("{}".utf8).write(to: URL(fileURLWithPath: target))
        let link = folder.appendingPathComponent("link.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "a.json")
        let claim = try OutputClaim(target)
        #expect(throws: OutputClaim.Held.self) { try OutputClaim(link) }
        claim.release()
    }
}
