import Foundation
import Testing
import TestSupport

/// `thermo train`, `thermo data verify` and `thermo data fetch` on CIFAR-10- and STL-10-format data, as a user runs
/// them: full-size synthetic files (sparse: zero except a few bytes), the built binary.
struct ColourDataCommandTests {
    let scratch = Scratch()

    /// The six CIFAR-10 files in `folder`: labels cycle 0…9 over the first 500 records of batch 1 (the rest are 0),
    /// pixels zero except a bright square whose channel says the class.
    func cifar(_ folder: URL) throws {
        for name in (1...5).map({ "data_batch_\($0).bin" }) + ["test_batch.bin"] {
            let path = folder.appendingPathComponent(name).path
            FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: 30_730_000)
            var head = Data(count: 500 * 3_073)
            for record in 0..<500 {
                let label = record % 10
                head[record * 3_073] = UInt8(label)
                for y in 4..<12 { for x in 4..<12 { head[record * 3_073 + 1 + (label % 3) * 1_024 + (y + label) * 32 + x] = 250 } }
            }
            try handle.seek(toOffset: 0)
            try handle.write(contentsOf: head)
            try handle.close()
        }
    }

    @Test func trainsOnColourImagesWithAugmentation() throws {
        let data = scratch.folder("cifar/cifar-10-batches-bin")
        try cifar(data)
        let run = try runThermo(["train", "--dataset", "cifar10", "--data", data.deletingLastPathComponent().path,
                                 "--layers", "3072,16,10", "--train-subset", "300", "--split-seed", "3", "--epochs", "2",
                                 "--batch-size", "50", "--lr", "0.01", "--augment", "paper-cifar", "--threads", "2"],
                                in: scratch.url)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("on cifar10") && run.stdout.contains("epoch 2/2"), "\(run.stdout)")
        // paper-stl's colour operations apply to 3-channel images.
        let stl = try runThermo(["train", "--dataset", "cifar10", "--data", data.path, "--layers", "3072,16,10",
                                 "--augment", "paper-stl", "--train-subset", "100", "--batch-size", "50", "--epochs", "1"],
                                in: scratch.url)
        #expect(stl.status == 0, "\(stl.stderr)")
    }

    @Test("A network SPEC trains on CIFAR-10's 3×32×32 images, with PLA on a convolution")
    func trainsConvolutionalNetworkOnColourImages() throws {
        let data = scratch.folder("cnn/cifar-10-batches-bin")
        try cifar(data)
        let run = try runThermo(["train", "--dataset", "cifar10", "--data", data.path, "--network", "conv4,pool,fc10",
                                 "--loss", "pla", "--smooth", "conv1", "--radius", "0.01", "--train-subset", "200",
                                 "--epochs", "1", "--batch-size", "50", "--lr", "0.01", "--threads", "2"], in: scratch.url)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("3×32×32") && run.stdout.contains("epoch 1/1"), "\(run.stdout)")
    }

    @Test("The §5 notebook runs in QUICK mode on CIFAR-10-format files (DATASET=cifar10): its CNN sweeps, table and figures",
          .enabled(if: GnuplotSupport.isInstalled, "gnuplot is not installed"))
    func convolutionalNotebookOnColourImages() throws {
        let root = scratch.folder("notebook-data")
        try cifar(scratch.folder("notebook-data/cifar10/cifar-10-batches-bin"))
        let out = scratch.folder("notebook-out")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", TestPaths.packageRoot.appendingPathComponent("notebooks-as-scripts/cnn-smoothing-weight-decay.sh").path]
        var env = ProcessInfo.processInfo.environment
        (env["QUICK"], env["DATASET"], env["OUT"]) = ("1", "cifar10", out.path)
        (env["THERMO"], env["THERMO_DATA"]) = (TestPaths.thermoBinary.path, root.path)
        process.environment = env
        let log = out.appendingPathComponent("notebook.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        (process.standardOutput, process.standardError, process.standardInput) = (handle, handle, FileHandle.nullDevice)
        try process.run()
        process.waitUntilExit()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(text.suffix(3000))")
        #expect(text.contains("pla U={conv3}") && text.contains("ce λ=0.01"), "\(text.suffix(3000))")
        let figures = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".png") }
        #expect(Set(figures).isSuperset(of: ["fig6-smoothing.png", "fig7-weight-decay.png"]), "\(figures)")
    }

    @Test(.enabled(if: GnuplotSupport.isInstalled, "gnuplot is not installed"))
    func plotAugmentDrawsOriginalsBesideAugmentedImages() throws {
        let data = scratch.folder("plot")
        try cifar(data)
        let run = try runThermo(["plot", "augment", "--dataset", "cifar10", "--data", data.path, "--augment", "paper-stl",
                                 "--images", "8", "-o", "augment.png"], in: scratch.url)
        #expect(run.status == 0, "\(run.stderr)")
        let table = try String(contentsOf: scratch.url.appendingPathComponent("augment.images.dat"), encoding: .utf8)
        #expect(table.contains("# index 15: image 7, augmented"), "16 blocks: 8 originals and 8 augmented")
        #expect(FileManager.default.fileExists(atPath: scratch.url.appendingPathComponent("augment.png").path))
        let grey = try runThermo(["plot", "augment", "--dataset", "cifar10", "--data", data.path, "--augment", "cifar",
                                  "-o", "x.png"], in: scratch.url)
        #expect(grey.status == 64 && grey.stderr.contains("'cifar' is not an augmentation recipe"), "\(grey.stderr)")
    }

    @Test func verifySaysWhatItCouldNotCheck() throws {
        let data = scratch.folder("verify")
        try cifar(data)
        let run = try runThermo(["data", "verify", "cifar10", "--data", data.path], in: scratch.url)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("data_batch_1.bin: ") && run.stdout.contains("size        30730000 bytes"), "\(run.stdout)")
        #expect(run.stdout.contains("train 0:47750 1:250 2:250") && run.stdout.contains("test  0:9550 1:50"), "\(run.stdout)")
        #expect(run.stdout.contains("NOT verified against a published checksum"), "\(run.stdout)")
    }

    @Test func fetchOfflineIsOneClearLine() throws {
        let target = scratch.url.appendingPathComponent("fetched")
        let run = try runThermo(["data", "fetch", "stl10", "--mirror", "http://127.0.0.1:9/", "--to", target.path],
                                in: scratch.url)
        #expect(run.status == 1)
        // The progress lines come first (stderr); then one error line.
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("error: ") }.count == 1
                && lines.last?.hasPrefix("error: cannot download stl10_binary.tar.gz for stl10") == true, "\(run.stderr)")
        #expect(run.stdout.isEmpty, "progress goes to stderr: \(run.stdout)")
        #expect(run.stderr.contains("http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz"))
        #expect(!FileManager.default.fileExists(atPath: target.path))
    }
}

