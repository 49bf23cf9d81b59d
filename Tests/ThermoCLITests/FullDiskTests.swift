import Foundation
import Testing
import TestSupport

/// A disk that fills up in the middle of a run (RLIMIT_FSIZE standing in for it): the run stops with a message
/// that says what is kept and how to continue, and following that advice ends where an uninterrupted run ends.
@Suite("Full disk", .serialized, .disabled(if: TestBuild.threadSanitizer, "ThreadSanitizer's runtime cannot run under a file size limit"))
struct FullDiskTests {
    @Test("A trace that fills the disk mid-run keeps its complete epochs; recover, then resume, ends like a straight run")
    func fullDiskMidRun() throws {
        let folder = TestPaths.temporaryFolder("thermo-full-disk")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Fixtures.shared.data, to: folder.appendingPathComponent("data"))
        let run = ["train", "--data", "data", "--layers", "784,4,10", "--epochs", "30", "--batch-size", "10", "--threads", "1",
                   "--quiet", "--record", "per-weight:every=1", "--checkpoint-every", "1"]
        // 128 KiB: room for the trace's layout and a few epochs, not for 30.
        let limited = Process()
        limited.executableURL = URL(fileURLWithPath: "/bin/bash")
        limited.arguments = ["-c", "ulimit -f 128 && exec \"$@\"", "thermo-limited", TestPaths.thermoBinary.path]
            + run + ["--trace", "run.h5", "--checkpoint", "run.ckpt", "--summary", "run.json"]
        limited.currentDirectoryURL = folder
        let err = Pipe()
        limited.standardOutput = FileHandle.nullDevice
        limited.standardError = err
        try launch(limited)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        limited.waitUntilExit()
        #expect(limited.terminationStatus == 1, "\(message)")
        #expect(message.hasPrefix("error: the trace run.h5 could not be written") && message.contains("file too large"), "\(message)")
        #expect(message.contains("its complete epochs are kept. Free some space, then run 'thermo recover run.h5' and continue with 'thermo train --resume run.ckpt --trace run.h5'"), "\(message)")
        try #require(FileManager.default.fileExists(atPath: folder.appendingPathComponent("run.ckpt").path), "no checkpoint was written before the disk filled up")

        // Following the advice: recover (which extends the file cut short), then resume.
        let recover = try runThermo(["recover", "run.h5"], in: folder)
        #expect(recover.status == 0, "\(recover.stderr)")
        let inspect = try runThermo(["inspect", "run.h5"], in: folder)
        #expect(inspect.status == 0 && inspect.stdout.contains("status         failed"), "\(inspect.stdout) \(inspect.stderr)")
        let resume = try runThermo(["train", "--resume", "run.ckpt", "--trace", "run.h5", "--summary", "run.json", "--data", "data",
                                    "--threads", "1", "--quiet"], in: folder)
        #expect(resume.status == 0, "\(resume.stderr)")
        let straight = try runThermo(run + ["--trace", "straight.h5", "--checkpoint", "straight.ckpt", "--summary", "straight.json"], in: folder)
        #expect(straight.status == 0, "\(straight.stderr)")

        // The same epochs, bit for bit, in the summaries and in the traces' last epoch.
        func epochs(_ name: String) throws -> [[UInt64]] {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(name))) as? [String: Any]
            return (json?["epochs"] as? [[String: Any]] ?? []).map { e in
                ["trainLoss", "trainAccuracy", "testLoss", "testAccuracy"].map { (e[$0] as? Double ?? .nan).bitPattern }
            }
        }
        #expect(try epochs("run.json").count == 30 && epochs("run.json") == epochs("straight.json"))
        func lastEpoch(_ name: String) throws -> String {
            let run = try runThermo(["inspect", "--format", "json", name], in: folder)
            let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
            let data = try JSONSerialization.data(withJSONObject: json?["lastEpoch"] ?? [:], options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self) + " \(json?["completedEpochs"] ?? "?")"
        }
        #expect(try lastEpoch("run.h5") == lastEpoch("straight.h5"))
    }
}
