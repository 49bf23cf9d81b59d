import Foundation
import Testing
import TestSupport

/// Decodes the fields of a summary JSON that the tests look at.
struct SummaryFile: Decodable {
    struct Epoch: Decodable, Equatable {
        let epoch: Int
        let trainLoss: Double
        let trainAccuracy: Double
        let testLoss: Double
        let testAccuracy: Double
    }
    let status: String
    let bestTestAccuracy: Double?
    let finalTestAccuracy: Double?
    let epochs: [Epoch]
    let trainImages: Int
    let samplesPerSecond: Double

    init(_ path: URL) throws { self = try JSONDecoder().decode(SummaryFile.self, from: Data(contentsOf: path)) }
}

@Suite(.serialized) struct TrainCommandTests {
    let quick = ["train", "--train-subset", "2000", "--layers", "784,128,10", "--lr", "0.05", "--batch-size", "64",
                 "--threads", "1", "--seed", "3"]

    @Test("A 2,000-image run on real MNIST reaches 89% test accuracy and writes its summary",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist"))
    func endToEndOnRealMNIST() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = folder.appendingPathComponent("summary.json")
        let run = try runThermo(quick + ["--epochs", "5", "--summary", summary.path,
                                         "--data", TestPaths.sharedMNIST!.path])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        // Not a terminal: plain lines, one per epoch, no carriage returns.
        #expect(run.stdout.contains("epoch 5/5"))
        #expect(!run.stdout.contains("\r") && !run.stderr.contains("\r"))
        let s = try SummaryFile(summary)
        #expect(s.status == "completed")
        #expect(s.epochs.count == 5)
        #expect(s.trainImages == 2000)
        #expect(s.finalTestAccuracy! >= 0.89, "final test accuracy \(s.finalTestAccuracy!)")
        #expect(s.bestTestAccuracy! >= s.finalTestAccuracy!)
        #expect(s.samplesPerSecond > 0)
    }

    @Test("Resuming from a checkpoint ends where an uninterrupted run ends",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist"))
    func resumeFromTheCommandLine() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = ["--data", TestPaths.sharedMNIST!.path, "--quiet"]
        let straight = folder.appendingPathComponent("straight.json")
        #expect(try runThermo(quick + data + ["--epochs", "3", "--summary", straight.path]).status == 0)
        let ckpt = folder.appendingPathComponent("run.ckpt")
        let first = try runThermo(quick + data + ["--epochs", "2", "--checkpoint", ckpt.path, "--checkpoint-every", "1"])
        #expect(first.status == 0, "\(first.stderr)")
        let resumed = folder.appendingPathComponent("resumed.json")
        let second = try runThermo(["train", "--resume", ckpt.path, "--epochs", "3", "--threads", "1", "--summary", resumed.path] + data)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try SummaryFile(resumed).epochs == SummaryFile(straight).epochs)
        // Changing a hyper-parameter on resume is refused, naming it.
        let changed = try runThermo(["train", "--resume", ckpt.path, "--lr", "0.1", "--threads", "1"] + data)
        #expect(changed.status != 0)
        #expect(changed.stderr.contains("--lr"))
    }

    @Test("--network from the command line: a CNN trains, resumes exactly, and refuses a changed network on resume",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist"))
    func convolutionalNetworkFromTheCommandLine() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cnn = ["train", "--train-subset", "600", "--network", "conv4,pool,fc16,fc10", "--lr", "0.05", "--batch-size", "50",
                   "--threads", "1", "--seed", "3", "--data", TestPaths.sharedMNIST!.path, "--quiet"]
        let straight = folder.appendingPathComponent("straight.json")
        let run = try runThermo(cnn + ["--epochs", "2", "--summary", straight.path])
        #expect(run.status == 0, "\(run.stderr)")
        let ckpt = folder.appendingPathComponent("run.ckpt")
        #expect(try runThermo(cnn + ["--epochs", "1", "--checkpoint", ckpt.path, "--checkpoint-every", "1"]).status == 0)
        let resumed = folder.appendingPathComponent("resumed.json")
        let second = try runThermo(["train", "--resume", ckpt.path, "--epochs", "2", "--threads", "1", "--quiet",
                                    "--summary", resumed.path, "--data", TestPaths.sharedMNIST!.path])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try SummaryFile(resumed).epochs == SummaryFile(straight).epochs)
        let changed = try runThermo(["train", "--resume", ckpt.path, "--network", "conv8,pool,fc16,fc10", "--threads", "1",
                                     "--data", TestPaths.sharedMNIST!.path])
        #expect(changed.status == 64 && changed.stderr.contains("--network"), "\(changed.stderr)")
    }

    @Test("Augmentation part flags are the SPEC's parts: the same run either way, recorded in canonical form, refused changed on resume",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist"))
    func augmentationPartFlags() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cnn = ["train", "--train-subset", "300", "--network", "conv4,pool,fc10", "--lr", "0.05", "--batch-size", "50",
                   "--threads", "1", "--seed", "3", "--epochs", "1", "--data", TestPaths.sharedMNIST!.path, "--quiet"]
        func run(_ flags: [String], _ name: String) throws -> SummaryFile {
            let url = folder.appendingPathComponent(name + ".json")
            let result = try runThermo(cnn + flags + ["--summary", url.path])
            #expect(result.status == 0, "\(result.stderr)")
            return try SummaryFile(url)
        }
        let flags = try run(["--augment", "paper-cifar", "--rotation", "15", "--flip", "0.5"], "flags")
        let spec = try run(["--augment", "paper-cifar,rotate=15,flip=0.50"], "spec")
        let plain = try run(["--augment", "paper-cifar"], "plain")
        #expect(flags.epochs == spec.epochs && flags.epochs != plain.epochs)
        let recorded = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("spec.json"))) as? [String: Any]
        #expect((recorded?["configuration"] as? [String: Any])?["augment"] as? String == "paper-cifar,flip=0.5,rotate=15")
        let ckpt = folder.appendingPathComponent("run.ckpt")
        #expect(try runThermo(cnn + ["--flip", "0.5", "--checkpoint", ckpt.path, "--checkpoint-every", "1"]).status == 0)
        let same = try runThermo(["train", "--resume", ckpt.path, "--epochs", "2", "--flip", "0.5", "--threads", "1", "--quiet",
                                  "--data", TestPaths.sharedMNIST!.path])
        #expect(same.status == 0, "\(same.stderr)")
        let changed = try runThermo(["train", "--resume", ckpt.path, "--epochs", "2", "--flip", "0.3", "--threads", "1",
                                     "--data", TestPaths.sharedMNIST!.path])
        #expect(changed.status == 64 && changed.stderr.contains("--augment"), "\(changed.stderr)")
    }

    @Test("Invalid flags are refused before any work, naming the flag",
          arguments: [(["--lr", "-1"], "--lr"), (["--batch-size", "0"], "--batch-size"),
                      (["--layers", "784,10,7"], "--layers"), (["--layers", "100,10"], "--layers"),
                      (["--layers", "784,x,10"], "--layers"), (["--momentum", "1"], "--momentum"),
                      (["--epochs", "0"], "--epochs"), (["--activation", "sigmoid"], "--activation"),
                      (["--threads", "0"], "--threads")])
    func invalidFlags(_ flags: [String], _ name: String) throws {
        let run = try runThermo(["train"] + flags + ["--data", TestPaths.sharedMNIST?.path ?? "/nonexistent"])
        #expect(run.status != 0)
        #expect(run.stderr.contains(name), "stderr: \(run.stderr)")
    }

    @Test("An existing output is never overwritten without --force")
    func noSilentOverwrite() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = folder.appendingPathComponent("summary.json")
        try Data("precious".utf8).write(to: summary)
        let run = try runThermo(quick + ["--epochs", "1", "--summary", summary.path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("--force"))
        #expect(try String(contentsOf: summary, encoding: .utf8) == "precious")
    }

    @Test("A missing data set names where it looked")
    func missingData() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try runThermo(quick + ["--epochs", "1", "--data", folder.appendingPathComponent("nowhere").path])
        #expect(run.status != 0)
        #expect(run.stderr.contains("nowhere"))
    }

    @Test("A diverging run stops with a hint, a non-zero status, and its summary",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist"))
    func divergence() throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let summary = folder.appendingPathComponent("summary.json")
        let run = try runThermo(["train", "--train-subset", "2000", "--layers", "784,64,10", "--lr", "1e9", "--epochs", "2",
                                 "--threads", "1", "--summary", summary.path, "--data", TestPaths.sharedMNIST!.path])
        #expect(run.status == 3)
        #expect(run.stderr.contains("diverged") && run.stderr.contains("epoch 1") && run.stderr.contains("--lr"))
        #expect(try SummaryFile(summary).status == "diverged")
    }
}
