import Foundation
import Studies
import Testing
import TestSupport
@testable import ThermoCLI

/// `thermo plot`, run as a user runs it: every figure from small inputs written by the test, checked as a PNG of
/// the requested size with a drawing in it, whose saved script re-renders with plain gnuplot.
@Suite(.serialized, .enabled(if: GnuplotSupport.isInstalled, "gnuplot is not installed"))
struct PlotCommandTests {
    /// 10 × 7 cm at 100 dpi.
    let small = ["--size", "10,7", "--dpi", "100"]

    /// A summary file in the format of `thermo train --summary`, with the fields the figures read.
    static func summary(loss: String = "ce", layers: [Int] = [], radius: Double = 0, samples: Int = 4, seed: Int = 1,
                        epochs: Int = 12, level: Double = 0.9, lr: Double = 1e-4) -> [String: Any] {
        let rows: [[String: Any]] = (1...epochs).map { e in
            let x = Double(e)
            return ["epoch": e, "steps": 10, "trainObjective": 0.5, "trainLoss": 0.05 + 0.6 * exp(-x / 4),
                    "trainAccuracy": level + 0.08 * (1 - exp(-x / 4)), "testLoss": 0.4,
                    "testAccuracy": level + 0.05 * (1 - exp(-x / 4)) + 0.002 * sin(x * Double(seed)),
                    "trainingSeconds": 1.0, "seconds": 1.2]
        }
        let accuracies = rows.map { $0["testAccuracy"] as! Double }
        return [
            "status": "completed", "thermoVersion": "0.1.0", "command": ["thermo", "train"],
            "configuration": [
                "dataset": "fashion-mnist", "seed": seed, "batchSize": 256, "epochs": epochs,
                "architecture": ["widths": [784, 784, 784, 10], "activation": "relu"],
                "optimizer": ["learningRate": lr, "momentum": 0.9, "nesterov": false, "weightDecay": 0],
                "loss": ["kind": loss, "layers": layers, "radius": radius, "samples": samples, "kernel": "uniform", "path": "shared"],
            ] as [String: Any],
            "dataDirectory": "data", "trainImages": 60000, "validationImages": 0, "testImages": 10000, "blasThreads": 1,
            "blas": "openblas", "epochs": rows, "bestTestAccuracy": accuracies.max()!, "bestEpoch": 1,
            "finalTestAccuracy": accuracies.last!, "wallSeconds": 1, "trainingSeconds": 1, "samplesPerSecond": 1, "finished": "now",
        ]
    }

    static func write(_ object: [String: Any], to url: URL) throws {
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]).write(to: url)
    }

    /// A long table of three layers: peak at epoch 4, then S ∝ e^−0.8, noise above, temperature, quantiles.
    static func layerTable(epochs: Int = 60, run: String? = nil, shift: Double = 0) -> String {
        var lines = [(run == nil ? "" : "run,") + "epoch,layer,signal,noise,temperature,q5,q25,q50,q75,q95"]
        for l in 1...3 {
            for e in 1...epochs {
                let x = Double(e), a = exp(-4 + 0.4 * Double(l) + shift)
                let s = (x <= 4 ? a * (0.4 + 0.15 * x) : a * pow(x / 4, -0.8)) * exp(0.03 * sin(Double(e * l)))
                let n = s * (e < 4 ? 0.5 : 1.5), t = n * n
                let cells = ["\(e)", "\(l)"] + [s, n, t, 2 * t, 10 * t, 30 * t, 80 * t, 400 * t].map { "\($0)" }
                lines.append((run.map { "\($0)," } ?? "") + cells.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func expectFigure(_ run: ThermoRun, _ png: URL, width: Int = 394, height: Int = 276, reRender: Bool = true, colours: Bool = true) throws {
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let data = try Data(contentsOf: png)
        #expect(Array(data.prefix(8)) == PNGImage.signature)
        let size = PNGImage.size(of: data)
        #expect(size?.width == width && size?.height == height, "\(String(describing: size))")
        let image = try PNGImage(data: data)
        #expect(image.nonBackgroundPixels > image.width * image.height / 50)
        if colours { #expect(image.colouredPixels() > image.width * image.height / 500) }
        if reRender {
            let script = png.deletingPathExtension().appendingPathExtension("gp")
            try FileManager.default.removeItem(at: png)
            let again = try GnuplotSupport.run(script: script.lastPathComponent, in: png.deletingLastPathComponent())
            #expect(again.status == 0, "\(again.stderr)")
            #expect(PNGImage.size(of: try Data(contentsOf: png))?.width == width)
        }
    }

    @Test("thermo plot kernel")
    func kernel() throws {
        let folder = TestPaths.temporaryFolder("plot")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try runThermo(["plot", "kernel", "-o", "kernel.png"] + small, in: folder)
        try expectFigure(run, folder.appendingPathComponent("kernel.png"))
        #expect(run.stdout.contains("wrote kernel.png"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("kernel.kernel.dat").path))
    }

    @Test("thermo plot curvature: a PLA run's recorded curvature, with its predicted and measured loss rise")
    func curvature() throws {
        let folder = TestPaths.temporaryFolder("plot")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Fixtures.shared.data, to: folder.appendingPathComponent("data"))
        let train = try runThermo(["train", "--data", "data", "--layers", "784,4,10", "--epochs", "3", "--batch-size", "10",
                                   "--threads", "1", "--quiet", "--loss", "pla", "--smooth", "2", "--radius", "0.05",
                                   "--trace", "run.h5", "--record", "layers,curvature:every=1:probes=4"], in: folder)
        #expect(train.status == 0, "\(train.stderr)")
        let run = try runThermo(["plot", "curvature", "run.h5", "-o", "curvature.png"] + small, in: folder)
        try expectFigure(run, folder.appendingPathComponent("curvature.png"))
        let network = try String(contentsOf: folder.appendingPathComponent("curvature.network.dat"), encoding: .utf8)
        let rows = network.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(rows.count == 3, "\(network)")
        for row in rows {
            // epoch, full λ_max, predicted (≥ 0: the output layer's block is positive semi-definite under
            // cross-entropy), measured (finite; a random displacement may lower the loss of a batch)
            let v = row.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) }
            #expect(v.count == 4 && v[1] > 0 && v[2] >= 0 && v[3].isFinite, "\(row)")
        }
    }

    @Test("thermo plot curves from summary files, with labels and a zoom")
    func curves() throws {
        let folder = TestPaths.temporaryFolder("plot")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.write(Self.summary(), to: folder.appendingPathComponent("ce.json"))
        try Self.write(Self.summary(loss: "pla", layers: [1], radius: 0.01, level: 0.91), to: folder.appendingPathComponent("pla1.json"))
        try Self.write(Self.summary(loss: "pla", layers: [2], radius: 0.01, level: 0.92), to: folder.appendingPathComponent("pla2.json"))
        let run = try runThermo(["plot", "curves", "ce.json", "pla1.json", "pla2.json", "--label", "none", "--label", "I",
                                 "--label", "II", "--zoom", "6:12", "-o", "curves.png"] + small, in: folder)
        try expectFigure(run, folder.appendingPathComponent("curves.png"))
        let wrongLabels = try runThermo(["plot", "curves", "ce.json", "pla1.json", "--label", "one", "-o", "c2.png"], in: folder)
        #expect(wrongLabels.status != 0)
        #expect(wrongLabels.stderr.contains("--label was given 1 time for 2 runs"))
    }

    @Test("A copy of a run under another name is refused in curves and sweep; a rerun with other results and a negative --xrange start are drawn")
    func copiesOfARun() throws {
        let folder = TestPaths.temporaryFolder("plot")
        defer { try? FileManager.default.removeItem(at: folder) }
        let runs = folder.appendingPathComponent("P")
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        for seed in 1...2 {
            try Self.write(Self.summary(loss: "pla", layers: [1], radius: 0.01, seed: seed), to: runs.appendingPathComponent("pla-\(seed).json"))
        }
        try FileManager.default.copyItem(at: runs, to: folder.appendingPathComponent("Pc"))
        let sweep = try runThermo(["plot", "sweep", "P", "Pc", "-o", "s.png"] + small, in: folder)
        #expect(sweep.status == 64, "\(sweep.stderr)")
        #expect(sweep.stderr.contains("P/pla-1.json and Pc/pla-1.json hold the same run (identical configuration and per-epoch results): one is a copy of the other, and it would count twice; give each run once"), "\(sweep.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("s.png").path))
        let curves = try runThermo(["plot", "curves", "P/pla-2.json", "Pc/pla-2.json", "-o", "c.png"] + small, in: folder)
        #expect(curves.status == 64 && curves.stderr.contains("P/pla-2.json and Pc/pla-2.json hold the same run"), "\(curves.stderr)")
        // The same configuration with other per-epoch results (a rerun on other hardware) is a run of its own.
        try Self.write(Self.summary(loss: "pla", layers: [1], radius: 0.01, seed: 1, level: 0.91), to: folder.appendingPathComponent("rerun.json"))
        let rerun = try runThermo(["plot", "curves", "P/pla-1.json", "rerun.json", "--xrange", "-5:6", "-o", "r.png"] + small, in: folder)
        try expectFigure(rerun, folder.appendingPathComponent("r.png"), colours: false)
        let sweepOnce = try runThermo(["plot", "sweep", "P", "-o", "s.png"] + small, in: folder)
        try expectFigure(sweepOnce, folder.appendingPathComponent("s.png"), colours: false)
    }

    @Test("thermo plot sweep from a folder of summaries")
    func sweep() throws {
        let folder = TestPaths.temporaryFolder("plot")
        defer { try? FileManager.default.removeItem(at: folder) }
        let runs = folder.appendingPathComponent("runs")
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        for seed in 1...2 {
            try Self.write(Self.summary(seed: seed), to: runs.appendingPathComponent("ce-\(seed).json"))
            for set in [[1], [2], [1, 2]] {
                for (k, r) in [0.001, 0.01, 0.1].enumerated() {
                    for y in [4, 8] {
                        let level = 0.9 + 0.005 * Double(k) * (set.count == 1 ? 1 : -1)
                        try Self.write(Self.summary(loss: "pla", layers: set, radius: r, samples: y, seed: seed, level: level),
                                       to: runs.appendingPathComponent("pla-\(set.map(String.init).joined())-\(r)-\(y)-\(seed).json"))
                    }
                }
            }
        }
        let run = try runThermo(["plot", "sweep", "runs", "-o", "sweep.png"] + small, in: folder)
        try expectFigure(run, folder.appendingPathComponent("sweep.png"))
        let notSummary = folder.appendingPathComponent("bad.json")
        try Data("{\"hello\": 1}".utf8).write(to: notSummary)
        let bad = try runThermo(["plot", "sweep", "bad.json", "-o", "bad.png"], in: folder)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("not a thermo run summary"))
    }

    @Test("thermo plot sweep averages only runs that differ in the seed alone: another setting gets its own lines, named")
    func sweepKeepsSettingsApart() throws {
        let folder = TestPaths.temporaryFolder("plot")
        defer { try? FileManager.default.removeItem(at: folder) }
        for lr in [0.01, 0.1] {
            for seed in 1...2 {
                try Self.write(Self.summary(seed: seed, level: 0.8 + lr, lr: lr), to: folder.appendingPathComponent("ce-\(lr)-\(seed).json"))
                for r in [0.001, 0.1] {
                    try Self.write(Self.summary(loss: "pla", layers: [1], radius: r, seed: seed, level: 0.8 + lr, lr: lr),
                                   to: folder.appendingPathComponent("pla-\(lr)-\(r)-\(seed).json"))
                }
            }
        }
        let run = try runThermo(["plot", "sweep", ".", "-o", "s.png"] + small, in: folder)
        try expectFigure(run, folder.appendingPathComponent("s.png"))
        #expect(run.stderr.contains("note: the runs differ in --lr besides the seed"), "\(run.stderr)")
        let table = try String(contentsOf: folder.appendingPathComponent("s.pla.dat"), encoding: .utf8)
        #expect(table.contains("# index 0: U = {1}, y = 4, lr = 0.01") && table.contains("# index 1: U = {1}, y = 4, lr = 0.1"), "\(table)")
        let counts = table.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ")[1] }
        #expect(counts == ["2", "2", "2", "2"], "each point averages the two seeds of one lr: \(table)")
        let baseline = try String(contentsOf: folder.appendingPathComponent("s.baseline.dat"), encoding: .utf8)
        #expect(baseline.contains("cross-entropy, lr = 0.01") && baseline.contains("cross-entropy, lr = 0.1"))
    }

    @Test("thermo plot curves reads a sweep cell's folder as its summary, and names runs of one label apart by their seeds")
    func curvesOfCellsAndSeeds() throws {
        let folder = TestPaths.temporaryFolder("plot")
        defer { try? FileManager.default.removeItem(at: folder) }
        for seed in 1...2 {
            let cell = folder.appendingPathComponent("cells/cell-000\(seed - 1)-seed=\(seed)")
            try FileManager.default.createDirectory(at: cell, withIntermediateDirectories: true)
            try Self.write(Self.summary(seed: seed), to: cell.appendingPathComponent("summary.json"))
            try Self.write(["number": 1, "started": "now", "host": "h", "pid": 1, "threads": 1, "resumedAfterEpoch": 0,
                            "arguments": ["thermo"], "ended": "now", "exitStatus": 0], to: cell.appendingPathComponent("attempt.json"))
        }
        let run = try runThermo(["plot", "curves", "cells/cell-0000-seed=1", "cells/cell-0001-seed=2", "-o", "c.png"] + small, in: folder)
        try expectFigure(run, folder.appendingPathComponent("c.png"))
        let script = try String(contentsOf: folder.appendingPathComponent("c.gp"), encoding: .utf8)
        #expect(script.contains("title 'ce seed 1'") && script.contains("title 'ce seed 2'"), "\(script)")
        let attempt = try runThermo(["plot", "curves", "cells/cell-0000-seed=1/attempt.json", "-o", "a.png"], in: folder)
        #expect(attempt.status == 64 && attempt.stderr.contains("give the cell's summary.json"), "\(attempt.stderr)")
    }

    @Test("thermo plot signal from two tables, side by side")
    func signal() throws {
        let folder = TestPaths.temporaryFolder("plot")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.layerTable().write(to: folder.appendingPathComponent("relu.csv"), atomically: true, encoding: .utf8)
        try Self.layerTable(shift: 0.3).replacingOccurrences(of: ",", with: "\t").write(to: folder.appendingPathComponent("tanh.tsv"), atomically: true, encoding: .utf8)
        let run = try runThermo(["plot", "signal", "relu.csv", "tanh.tsv", "--label", "ReLU", "--label", "tanh", "-o", "signal.png"] + small, in: folder)
        try expectFigure(run, folder.appendingPathComponent("signal.png"))
        #expect(run.stderr.contains("signal peaks at"), "the regime notes: \(run.stderr)")
        let script = try String(contentsOf: folder.appendingPathComponent("signal.gp"), encoding: .utf8)
        #expect(script.contains("'S peak'"))
    }

    @Test("thermo plot temperature with quantile bands")
    func temperature() throws {
        let folder = TestPaths.temporaryFolder("plot")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.layerTable().write(to: folder.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        let run = try runThermo(["plot", "temperature", "t.csv", "--logx", "-o", "temperature.png"] + small, in: folder)
        try expectFigure(run, folder.appendingPathComponent("temperature.png"))
        let data = try String(contentsOf: folder.appendingPathComponent("temperature.layer-1.dat"), encoding: .utf8)
        #expect(data.contains("columns: epoch temperature q5 q95 q25 q75 median"))
    }

    @Test("thermo plot cooling from a table with a run column")
    func cooling() throws {
        let folder = TestPaths.temporaryFolder("plot")
        defer { try? FileManager.default.removeItem(at: folder) }
        let table = Self.layerTable(epochs: 100, run: "a") + Self.layerTable(epochs: 100, run: "b", shift: 0.1).split(separator: "\n").dropFirst().joined(separator: "\n")
        try table.write(to: folder.appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)
        let ambiguous = try runThermo(["plot", "cooling", "c.csv", "-o", "cooling.png"], in: folder)
        #expect(ambiguous.status != 0)
        #expect(ambiguous.stderr.contains("choose one with --run"))
        let run = try runThermo(["plot", "cooling", "c.csv", "--run", "b", "--from", "8", "-o", "cooling.png"] + small, in: folder)
        try expectFigure(run, folder.appendingPathComponent("cooling.png"))
        #expect(run.stdout.contains("nested decay on [8, 100]: α = 0.7"), "\(run.stdout)")
    }

    @Test("thermo plot cooling says when its window does not determine the decay, and not otherwise")
    func undeterminedCooling() throws {
        let folder = TestPaths.temporaryFolder("plot")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Two layers decaying as e^−1.2 with 5% log-normal scatter (a fixed pseudo-random sequence).
        var state: UInt64 = 12345
        func gaussian() -> Double {
            func unit() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11 + 1) / Double(1 << 53) }
            return (-2 * Foundation.log(unit())).squareRoot() * Foundation.cos(2 * Double.pi * unit())
        }
        var rows = ["epoch,layer,signal,noise"]
        for e in 1...40 { for l in 1...2 { rows.append("\(e),\(l),\(Double(l) * Foundation.exp(-1.2 * Foundation.log(Double(e)) + 0.05 * gaussian())),\(0.1 / Double(e))") } }
        try (rows.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("n.csv"), atomically: true, encoding: .utf8)

        let short = try runThermo(["plot", "cooling", "n.csv", "--from", "37", "-o", "short.png"] + small, in: folder)
        #expect(short.status == 0, "\(short.stderr)")
        #expect(short.stderr.contains("note: the window [37, 40] does not determine"), "\(short.stderr)")
        let long = try runThermo(["plot", "cooling", "n.csv", "--from", "5", "-o", "long.png"] + small, in: folder)
        #expect(long.status == 0, "\(long.stderr)")
        #expect(!long.stderr.contains("does not determine"), "\(long.stderr)")
    }

    @Test("thermo plot signal, temperature and cooling read thermo traces directly")
    func fromTraces() throws {
        let folder = TestPaths.temporaryFolder("plot-trace")
        defer { try? FileManager.default.removeItem(at: folder) }
        let trace = AnalysisFixtures.cooling
        // Signal: the boundaries of the regimes analysis (peak at 4, e*).
        let signal = try runThermo(["plot", "signal", trace, "-o", "signal.png"] + small, in: folder)
        try expectFigure(signal, folder.appendingPathComponent("signal.png"))
        #expect(signal.stderr.contains("signal peaks at layer 1: 4, layer 2: 4"), "\(signal.stderr)")
        #expect(signal.stderr.contains("late common regime: common decay from"), "\(signal.stderr)")
        let script = try String(contentsOf: folder.appendingPathComponent("signal.gp"), encoding: .utf8)
        #expect(script.contains("'S peak'") && script.contains("e* = "))
        // Temperature: T_l and the bands of the per-weight temperature quantiles from the trace.
        let temperature = try runThermo(["plot", "temperature", trace, "-o", "temperature.png"] + small, in: folder)
        try expectFigure(temperature, folder.appendingPathComponent("temperature.png"))
        let data = try String(contentsOf: folder.appendingPathComponent("temperature.layer-1.dat"), encoding: .utf8)
        #expect(data.contains("columns: epoch temperature q5 q95 q25 q75 median"), "\(data.prefix(400))")
        // Cooling: fit-cooling's window (from e*) and fit.
        let cooling = try runThermo(["plot", "cooling", trace, "-o", "cooling.png"] + small, in: folder)
        try expectFigure(cooling, folder.appendingPathComponent("cooling.png"))
        let fit = try runThermo(["fit-cooling", trace, "--format", "json"])
        let from = try #require(number(try jsonObject(fit), "window", "from"))
        #expect(cooling.stderr.contains("the fit starts at e* = \(formatNumber(from))"), "\(cooling.stderr)")
        #expect(cooling.stdout.contains("nested decay on [\(formatNumber(from)), 200]: α = 0.89"), "\(cooling.stdout)")
    }

    @Test("Without gnuplot the message names the Debian package")
    func gnuplotMissing() throws {
        let folder = TestPaths.temporaryFolder("plot")
        let empty = TestPaths.temporaryFolder("plot-empty-path")
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? FileManager.default.removeItem(at: empty)
        }
        let run = try runThermo(["plot", "kernel", "-o", "k.png"], in: folder, environment: ["PATH": empty.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("gnuplot-nox"), "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("A gnuplot error is quoted; existing outputs need --force")
    func errorsAndForce() throws {
        let folder = TestPaths.temporaryFolder("plot")
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = try runThermo(["plot", "kernel", "-o", "k.png", "--gnuplot", "set nosuchthing"], in: folder)
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("gnuplot failed on k.gp") && broken.stderr.contains("line"), "\(broken.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        #expect(try runThermo(["plot", "kernel", "-o", "k.png"] + small, in: folder).status == 0)
        let again = try runThermo(["plot", "kernel", "-o", "k.png"] + small, in: folder)
        #expect(again.status != 0)
        #expect(again.stderr.contains("--force"))
        #expect(try runThermo(["plot", "kernel", "-o", "k.png", "--force"] + small, in: folder).status == 0)
        let format = try runThermo(["plot", "kernel", "-o", "k.jpg"], in: folder)
        #expect(format.status != 0 && format.stderr.contains(".pdf, .png, .svg, .tex"))
    }

    @Test("A hostile title runs nothing")
    func hostileTitle() throws {
        let folder = TestPaths.temporaryFolder("plot")
        defer { try? FileManager.default.removeItem(at: folder) }
        let marker = "/tmp/pwned-\(UUID().uuidString.prefix(8))"
        let title = "a' `touch \(marker)-1` system(\"touch \(marker)-2\") ; set output '\(marker)-3' \\\n`touch \(marker)-4`"
        let run = try runThermo(["plot", "kernel", "--title", title, "-o", "k.png"] + small, in: folder)
        try expectFigure(run, folder.appendingPathComponent("k.png"))
        for k in 1...4 { #expect(!FileManager.default.fileExists(atPath: "\(marker)-\(k)")) }
    }

    @Test("A real summary from thermo train plots as curves and sweep",
          .enabled(if: TestPaths.sharedMNIST != nil, "real MNIST is not in ../shared/data/mnist"))
    func realSummary() throws {
        let folder = TestPaths.temporaryFolder("plot")
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = try runThermo(["train", "--train-subset", "600", "--layers", "784,16,10", "--lr", "0.05", "--batch-size", "100",
                                   "--epochs", "2", "--threads", "1", "--quiet", "--data", TestPaths.sharedMNIST!.path,
                                   "--loss", "pla", "--smooth", "1", "--radius", "0.01", "--samples", "1", "--summary", "run.json"], in: folder)
        #expect(train.status == 0, "\(train.stderr)")
        try expectFigure(try runThermo(["plot", "curves", "run.json", "-o", "curves.png"] + small, in: folder),
                         folder.appendingPathComponent("curves.png"), reRender: false, colours: false)
        try expectFigure(try runThermo(["plot", "sweep", "run.json", "-o", "sweep.png"] + small, in: folder),
                         folder.appendingPathComponent("sweep.png"), reRender: false, colours: false)
    }
}
