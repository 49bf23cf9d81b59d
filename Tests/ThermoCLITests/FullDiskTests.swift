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
        let (status, message) = try runLimited(kib: 128, run + ["--trace", "run.h5", "--checkpoint", "run.ckpt", "--summary", "run.json"], in: folder)
        #expect(status == 1, "\(message)")
        #expect(message.hasPrefix("error: the trace run.h5 could not be written") && message.contains("file too large"), "\(message)")
        // The advice is the command a stop signal prints: every flag that the checkpoint does not hold, so that
        // following it ends bit-identical to a straight run (the threads that ran included).
        let binary = TestPaths.thermoBinary.path
        #expect(message.contains("its complete epochs are kept. Free some space, then run '\(binary) recover run.h5' and continue with "
            + "'\(binary) train --resume run.ckpt --epochs 30 --threads 1 --data data --trace run.h5 --summary run.json --checkpoint-every 1 --quiet'"),
                "\(message)")
        try #require(FileManager.default.fileExists(atPath: folder.appendingPathComponent("run.ckpt").path), "no checkpoint was written before the disk filled up")

        // Following the advice word for word: recover (which extends the file cut short), then resume.
        let recover = try runThermo(["recover", "run.h5"], in: folder)
        #expect(recover.status == 0, "\(recover.stderr)")
        let inspect = try runThermo(["inspect", "run.h5"], in: folder)
        #expect(inspect.status == 0 && inspect.stdout.contains("status         failed"), "\(inspect.stdout) \(inspect.stderr)")
        let advice = try #require(message.components(separatedBy: "continue with '").last?.prefix { $0 != "'" })
        let resume = try runThermo(Array(advice.split(separator: " ").map(String.init).dropFirst()), in: folder)
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

    /// Runs thermo with `arguments` in `folder` under a file size limit of `kib` KiB; its status and standard error.
    func runLimited(kib: Int, _ arguments: [String], in folder: URL) throws -> (status: Int32, stderr: String) {
        let limited = Process()
        limited.executableURL = URL(fileURLWithPath: "/bin/bash")
        limited.arguments = ["-c", "ulimit -f \(kib) && exec \"$@\"", "thermo-limited", TestPaths.thermoBinary.path] + arguments
        limited.currentDirectoryURL = folder
        let err = Pipe()
        limited.standardOutput = FileHandle.nullDevice
        limited.standardError = err
        try launch(limited)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        limited.waitUntilExit()
        return (limited.terminationStatus, message)
    }

    /// A run of `layers` for `epochs` epochs recording per-weight snapshots into fd.h5, with fd.ckpt every 10
    /// epochs, under a file size limit of `kib` KiB, in a new folder with the fixture data.
    func perWeightRun(_ name: String, layers: String, epochs: Int, kib: Int) throws -> (folder: URL, status: Int32, stderr: String) {
        let folder = TestPaths.temporaryFolder(name)
        try FileManager.default.copyItem(at: Fixtures.shared.data, to: folder.appendingPathComponent("data"))
        let run = ["train", "--data", "data", "--layers", layers, "--epochs", String(epochs), "--batch-size", "10", "--threads", "1",
                   "--quiet", "--record", "per-weight:every=1", "--trace", "fd.h5", "--checkpoint", "fd.ckpt", "--checkpoint-every", "10"]
        let (status, message) = try runLimited(kib: kib, run, in: folder)
        return (folder, status, message)
    }

    @Test("A trace write that fails before the first --checkpoint-every checkpoint writes the last epoch's checkpoint and names it")
    func failureBeforeTheFirstCheckpoint() throws {
        // 400 KiB: a checkpoint of 784→32→10 (200 KB) fits, a few epochs of its per-weight snapshots do; 10 do not.
        let (folder, status, message) = try perWeightRun("thermo-full-disk-early", layers: "784,32,10", epochs: 12, kib: 400)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(status == 1, "\(message)")
        let advice = try #require(message.firstRange(of: "continue with '\(TestPaths.thermoBinary.path) train --resume fd.ckpt --epochs 12 --threads 1 "
                                                         + "--data data --trace fd.h5 --checkpoint-every 10 --quiet' (the checkpoint after epoch "),
                                  "\(message)")
        let epoch = Int(message[advice.upperBound...].prefix { $0.isNumber }) ?? 0
        #expect(epoch >= 1 && epoch < 10, "\(message)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("fd.ckpt").path), "\(message)")

        // The advice works: recover, then resume to the end.
        let recover = try runThermo(["recover", "fd.h5"], in: folder)
        #expect(recover.status == 0 && recover.stdout.contains("kept \(epoch) complete epoch"), "\(recover.stdout) \(recover.stderr)")
        let resume = try runThermo(["train", "--resume", "fd.ckpt", "--trace", "fd.h5", "--data", "data", "--threads", "1", "--quiet"], in: folder)
        #expect(resume.status == 0, "\(resume.stderr)")
        let inspect = try runThermo(["inspect", "fd.h5"], in: folder)
        #expect(inspect.stdout.contains("status         completed") && inspect.stdout.contains("12 complete epochs"), "\(inspect.stdout)")
    }

    @Test("A trace write that fails where no checkpoint fits either says to train again, naming no checkpoint")
    func failureWithNoRoomForACheckpoint() throws {
        // 400 KiB: the trace's layout fits, not the first epoch's snapshots of 784→128→10, nor its 814 KB checkpoint.
        let (folder, status, message) = try perWeightRun("thermo-full-disk-no-checkpoint", layers: "784,128,10", epochs: 3, kib: 400)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(status == 1, "\(message)")
        #expect(message.hasPrefix("error: the trace fd.h5 could not be written") && message.contains("file too large"), "\(message)")
        #expect(message.contains("no checkpoint to continue from could be written, so train again (with --force to replace the trace)"), "\(message)")
        #expect(!message.contains("--resume"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("fd.ckpt").path))
    }
}
