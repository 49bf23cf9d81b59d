import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct TraceCommandTests {
    @Test("Bad recording flags are refused before any work, saying what is accepted",
          arguments: [(["--record", "layers"], "--record needs --trace"),
                      (["--trace", "x.h5", "--record", "everything"], "not a recording level"),
                      (["--trace", "x.h5", "--record", "per-weight:every=0"], "every=K with K ≥ 1"),
                      (["--trace", "x.h5", "--record", "batch-variance", "--loss", "pla", "--smooth", "1", "--radius", "0.01"],
                       "needs plain cross-entropy")])
    func badRecordingFlags(_ flags: [String], _ message: String) throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try runThermo(["train", "--epochs", "1", "--data", folder.appendingPathComponent("nowhere").path] + flags,
                                in: folder)
        #expect(run.status != 0)
        #expect(run.stderr.contains(message), "stderr: \(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.h5").path))
    }

    @Test("inspect and recover refuse what is not a trace, saying so")
    func notATrace() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notes = folder.appendingPathComponent("notes.h5")
        try Data("hello".utf8).write(to: notes)
        for command in ["inspect", "recover"] {
            let run = try runThermo([command, notes.path])
            #expect(run.status != 0)
            #expect(run.stderr.contains("not an HDF5 file"), "\(command): \(run.stderr)")
            let missing = try runThermo([command, folder.appendingPathComponent("absent.h5").path])
            #expect(missing.status != 0 && missing.stderr.contains("does not exist"))
        }
        #expect(try String(contentsOf: notes, encoding: .utf8) == "hello")
    }

    @Test("A run with --trace writes the trace, names it in the summary, and inspect --format json reads it",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist"))
    func traceAndSummary() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trace = folder.appendingPathComponent("run.h5").path
        let summary = folder.appendingPathComponent("summary.json").path
        let run = try runThermo(["train", "--train-subset", "500", "--layers", "784,16,10", "--lr", "0.05", "--batch-size", "50",
                                 "--epochs", "2", "--threads", "1", "--quiet", "--data", TestPaths.sharedMNIST!.path,
                                 "--trace", trace, "--record", "layers", "--summary", summary])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary))) as? [String: Any]
        #expect(json?["trace"] as? String == trace)
        let inspect = try runThermo(["inspect", "--format", "json", trace])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let view = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any]
        #expect(view?["completedEpochs"] as? Int == 2 && view?["status"] as? String == "completed")
        #expect(view?["recording"] as? [String] == ["layers"])
        // Running again onto the same trace is refused without --force; with it, the trace is replaced.
        let again = try runThermo(["train", "--train-subset", "500", "--layers", "784,16,10", "--epochs", "1", "--threads", "1",
                                   "--quiet", "--data", TestPaths.sharedMNIST!.path, "--trace", trace])
        #expect(again.status != 0 && again.stderr.contains("--force"))
    }

    @Test("recover cuts a completed trace cut short to the epochs that read back, after which every command reads it",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist"))
    func recoverKeepsReadableEpochs() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try runThermo(["train", "--train-subset", "500", "--layers", "784,16,10", "--lr", "0.05", "--batch-size", "50",
                                 "--epochs", "40", "--threads", "1", "--quiet", "--data", TestPaths.sharedMNIST!.path,
                                 "--trace", "run.h5", "--checkpoint", "run.ckpt", "--checkpoint-every", "40"], in: folder)
        try #require(run.status == 0, "\(run.stderr)")
        let url = folder.appendingPathComponent("run.h5")
        let full = try Data(contentsOf: url)
        // The last chunk written holds epochs 33…40 of /epochs/weight_temperature_histogram (16 epochs a chunk).
        let cut = full.prefix(full.count - 300)
        try cut.write(to: url)
        // A resume from epoch 40 would keep the 8 epochs that do not read back: refused, the trace left as it was.
        let resume = try runThermo(["train", "--resume", "run.ckpt", "--epochs", "41", "--trace", "run.h5", "--threads", "1",
                                    "--quiet", "--data", TestPaths.sharedMNIST!.path], in: folder)
        #expect(resume.status != 0 && resume.stderr.contains("holds data that cannot be read (/epochs/weight_temperature_histogram from row 32")
                && resume.stderr.contains("keeps the 32 epochs that read back"), "\(resume.stderr)")
        #expect(try Data(contentsOf: url) == cut)
        // As a recovery that did not read the data back left a trace cut deeper (into the chunks of every epoch):
        // the missing tail as zeros. Readers say what to do, in one line.
        let deeper = full.count / 20
        try (full.prefix(full.count - deeper) + Data(count: deeper)).write(to: folder.appendingPathComponent("padded.h5"))
        for command in [["inspect"], ["temperature"], ["regimes"]] {
            let read = try runThermo(command + ["padded.h5"], in: folder)
            let lines = read.stderr.split(separator: "\n")
            #expect(read.status == 1 && lines.count == 1, "\(command): \(read.stderr)")
            #expect(read.stderr.hasPrefix("error: trace padded.h5 holds data that cannot be read (read dataset \"/")
                    && read.stderr.contains("run 'thermo recover padded.h5'"), "\(command): \(read.stderr)")
        }
        let recover = try runThermo(["recover", "run.h5"], in: folder)
        #expect(recover.status == 0, "\(recover.stderr)")
        #expect(recover.stdout.contains("kept 32 complete epochs, 320 steps; cut the last 8 complete epochs, whose data no longer reads back (/epochs/weight_temperature_histogram from row 32")
                && recover.stdout.contains("status completed → recovered"), "\(recover.stdout)")
        let inspect = try runThermo(["inspect", "--format", "json", "run.h5"], in: folder)
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let view = try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any]
        #expect(view?["completedEpochs"] as? Int == 32 && view?["status"] as? String == "recovered")
        let temperature = try runThermo(["temperature", "--format", "csv", "run.h5"], in: folder)
        #expect(temperature.status == 0 && temperature.stdout.contains("\n32,"), "\(temperature.stderr)")
        #expect(!temperature.stdout.contains("\n33,"))
        let regimes = try runThermo(["regimes", "run.h5"], in: folder)
        #expect(regimes.status == 0, "\(regimes.stderr)")
    }
}
