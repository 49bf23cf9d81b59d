import Foundation
import Testing
import TestSupport

/// How `thermo train` ends when it does not complete: a divergence with non-finite metrics, a stop while an
/// old trace is being replaced, a stop during start-up.
@Suite(.serialized) struct TrainEndingsTests {
    /// A started `thermo train` with `arguments` in `folder`, its standard output and error going to files there.
    func start(_ arguments: [String], in folder: URL) throws -> (process: Process, err: URL) {
        let out = folder.appendingPathComponent("out.txt"), err = folder.appendingPathComponent("err.txt")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = TestPaths.thermoBinary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try launch(process)
        return (process, err)
    }

    /// Waits (up to a minute) until a file whose name satisfies `matches` is in `folder`.
    func waitFor(in folder: URL, _ matches: (String) -> Bool) {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).contains(where: matches) {
            usleep(2_000)
        }
    }

    @Test("An infinite test loss is data: the run ends as diverged (status 3) with its summary, checkpoints and trace saying where",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist"))
    func infiniteTestLoss() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try runThermo(["train", "--layers", "784,64,10", "--train-subset", "3000", "--epochs", "3", "--threads", "1",
                                 "--lr", "1000", "--summary", "a.json", "--trace", "a.h5", "--checkpoint", "c.ckpt",
                                 "--checkpoint-every", "1", "--data", TestPaths.sharedMNIST!.path], in: folder)
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stdout.contains("test loss inf"), "\(run.stdout)")
        let errors = run.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
        #expect(errors.count == 1 && errors[0].contains("training diverged: the loss is nan at epoch 2"), "\(run.stderr)")
        #expect(!run.stderr.contains("-nan") && !run.stderr.contains("EncodingError"))
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("a.json"))) as? [String: Any]
        #expect(summary?["status"] as? String == "diverged")
        #expect((summary?["epochs"] as? [[String: Any]])?.first?["testLoss"] as? String == "inf")
        // The checkpoint with the infinite test loss in its history reads back: a resume gets as far as the flags.
        let resume = try runThermo(["train", "--resume", "c.ckpt", "--epochs", "2", "--lr", "1", "--data", TestPaths.sharedMNIST!.path], in: folder)
        #expect(resume.status == 64 && resume.stderr.contains("--lr"), "\(resume.stderr)")
        let inspect = try runThermo(["inspect", "a.h5"], in: folder)
        #expect(inspect.stdout.contains("status         diverged at epoch 2, step"), "\(inspect.stdout)")
    }

    @Test("--force replaces an old trace only at the new run's first epoch: a stop before it leaves the old one as it was",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist"))
    func forceKeepsTheOldTraceUntilAnEpoch() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = ["--data", TestPaths.sharedMNIST!.path, "--threads", "1"]
        let first = try runThermo(["train", "--layers", "784,16,10", "--train-subset", "1000", "--epochs", "1", "--trace", "old.h5", "--quiet"] + data,
                                  in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        let old = try Data(contentsOf: folder.appendingPathComponent("old.h5"))
        let (process, err) = try start(["train", "--layers", "784,256,10", "--train-subset", "8000", "--batch-size", "8", "--epochs", "2",
                                        "--lr", "0.01", "--seed", "7", "--trace", "old.h5", "--force"] + data, in: folder)
        waitFor(in: folder) { $0.hasPrefix("old.h5.partial-") }
        usleep(200_000)
        process.terminate()
        process.waitUntilExit()
        let stderr = try String(contentsOf: err, encoding: .utf8)
        #expect(process.terminationStatus == 143, "\(stderr)")
        #expect(stderr.contains("before the first epoch was complete; old.h5 was left as it was") && stderr.contains("Start again with: "), "\(stderr)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("old.h5")) == old)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!names.contains { $0.contains(".partial-") || $0.hasSuffix(".thermo-lock") }, "\(names)")
    }

    @Test("A stop signal during start-up releases the claims and says there is nothing to continue",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist"))
    func stopDuringStartUp() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (process, err) = try start(["train", "--layers", "784,256,10", "--epochs", "3", "--threads", "1", "--trace", "e.h5",
                                        "--summary", "e.json", "--data", TestPaths.sharedMNIST!.path], in: folder)
        waitFor(in: folder) { $0 == ".e.json.thermo-lock" }
        process.terminate()
        process.waitUntilExit()
        let stderr = try String(contentsOf: err, encoding: .utf8)
        #expect(process.terminationStatus == 143, "\(stderr)")
        #expect(stderr.contains("stopped by SIGTERM before the first step; nothing to continue"), "\(stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!names.contains { $0.hasSuffix(".thermo-lock") }, "\(names)")
    }

    @Test("Counts are singular for one: 1 epoch, 1 BLAS thread",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist"))
    func singularCounts() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try runThermo(["train", "--layers", "784,16,10", "--train-subset", "500", "--epochs", "1", "--threads", "1",
                                 "--data", TestPaths.sharedMNIST!.path], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains(", 1 epoch, seed 1, 1 BLAS thread,") && run.stdout.contains("; 1 epoch in "), "\(run.stdout)")
    }
}
