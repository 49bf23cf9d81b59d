import Analysis
import Foundation
import HDF5
import Networks
import NumericCore
import Studies
import Testing
import TestSupport
@testable import ThermoCLI
import Traces

/// Traces and tables with known per-layer curves, written once for the analysis-command tests.
enum AnalysisFixtures {
    /// The fixtures' folder, removed when the test process exits.
    static let folder: URL = {
        let url = TestPaths.temporaryFolder("thermo-analysis-cli")
        atexit { try? FileManager.default.removeItem(at: AnalysisFixtures.folder) }
        return url
    }()

    /// Writes `trace` to `name` in the fixture folder.
    static func write(_ trace: SyntheticTrace, _ name: String) -> String {
        let path = folder.appendingPathComponent(name).path
        var trace = trace
        trace.thermoVersion = thermoVersion
        try! trace.write(to: path)
        return path
    }

    /// The truth of `cooling`: nested α = 0.9, β = 0.2 for every layer from the signal peak at epoch 4; SNR
    /// from 3 falling through 1 near epoch 7 to 0.7; 2% log-normal noise; 200 epochs of 16 steps.
    static let coolingTruth = (alpha: 0.9, beta: 0.2)
    static let cooling: String = write(SyntheticTrace.cooling(), "cooling.h5")

    /// A pure power law S ∝ e^−0.9 (the nested fit should find β ≈ 0, the stretched one has no interior optimum).
    static let power: String = write(SyntheticTrace.cooling(epochs: 150, model: .power, theta: [0.9], seed: 2), "power.h5")

    /// `cooling`'s curves recorded for a network with convolutions, conv 2 → conv 2 → fc 4 → fc 3 on 1×6×6
    /// images: its layers are named conv1, conv2, fc1, fc2.
    static let convolutional: String = {
        var trace = SyntheticTrace.cooling()
        trace.architecture = try! Architecture(input: TensorShape(channels: 1, height: 6, width: 6),
                                               stages: [.convolution(channels: 2, kernel: 3, padding: 0), .convolution(channels: 2, kernel: 3, padding: 0),
                                                        .dense(units: 4), .dense(units: 3)])
        return write(trace, "convolutional.h5")
    }()

    /// A second and third seed of `cooling`, for the bootstrap over traces.
    static let seeds: [String] = (2...3).map { write(SyntheticTrace.cooling(seed: UInt64(10 + $0)), "seed\($0).h5") }

    /// No regime at all: every layer decays from its first epoch with its own exponent (0.4, 0.8, 1.2, 1.6),
    /// SNR 3 throughout.
    static let noRegimes: String = {
        let epochs = 80
        let signal = (0..<4).map { l in (1...epochs).map { e in exp(-2 - Double(l)) * pow(Double(e), -0.4 * Double(l + 1)) } }
        return write(SyntheticTrace.table(signal: signal, noise: signal.map { $0.map { $0 / 3 } }), "no-regimes.h5")
    }()

    /// Early regimes over inside the first epoch: M = 100 steps per epoch, the step signal constant over blocks
    /// of 4 steps b = 0, 1, …: mean A_l·r(b) with r rising to its peak at block 2 (steps 9–12) and then decaying
    /// as ((b + 1)/3)^−0.7, relative spread n(b) = 0.3 + 1.2(1 − e^(−b/3)), so the SNR 1/n(b) falls through 1
    /// between blocks 2 and 3 (steps 12 and 16, epochs 0.12 and 0.16).
    static let early: String = {
        let M = 100
        let trace = SyntheticTrace(widths: [6, 5, 5, 3], epochs: 20, stepsPerEpoch: M, recording: .standard,
                                   stepSignal: { l, t in
                                       let b = (t - 1) / 4, k = (t - 1) % 4
                                       let x = Double(b + 1) / 3
                                       let r = b < 3 ? x : pow(x, -0.7)
                                       let mean = exp(-2 - Double(l)) * r
                                       let n = 0.3 + 1.2 * (1 - exp(-Double(b) / 3))
                                       return SyntheticTrace.groupStep(mean: mean, sd: n * mean, k: k, size: 4)
                                   })
        return write(trace, "early.h5")
    }()

    /// A long table of three layers following S = e^a_l·e^−0.9 (power law) with 2% noise and a noise column.
    static func powerTable(epochs: Int = 120, runs: [String]? = nil, zeroAt: (layer: Int, epoch: Int)? = nil) -> String {
        var lines = [(runs == nil ? "" : "run,") + "epoch,layer,signal,noise"]
        var stream = SplitMix(seed: 9)
        for run in runs ?? [""] {
            for l in 1...3 {
                for e in 1...epochs {
                    var s = exp(-2 - Double(l) - 0.9 * log(Double(e)) + 0.02 * stream.gaussian())
                    if let zeroAt, zeroAt.layer == l, zeroAt.epoch == e { s = 0 }
                    lines.append((runs == nil ? "" : "\(run),") + "\(e),\(l),\(s),\(s / 2)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A small seeded generator for the tables (independent of the library's streams).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func gaussian() -> Double { (-2 * log(1 - uniform())).squareRoot() * cos(2 * .pi * uniform()) }
}

/// The JSON object printed by a command.
func jsonObject(_ run: ThermoRun) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
    return try #require(object as? [String: Any], "not a JSON object: \(run.stdout.prefix(300))")
}

/// `object[a][b]…` through dictionaries (keys) and arrays (integer indices).
func value(_ object: Any?, _ path: Any...) -> Any? {
    var current = object
    for key in path {
        if let k = key as? String { current = (current as? [String: Any])?[k] }
        else if let i = key as? Int { current = (current as? [Any]).flatMap { i < $0.count ? $0[i] : nil } }
    }
    return current
}

func number(_ object: Any?, _ path: Any...) -> Double? {
    var current = object
    for key in path {
        if let k = key as? String { current = (current as? [String: Any])?[k] }
        else if let i = key as? Int { current = (current as? [Any]).flatMap { i < $0.count ? $0[i] : nil } }
    }
    return (current as? NSNumber)?.doubleValue
}

@Suite("thermo fit-cooling, regimes and temperature", .serialized)
struct AnalysisCommandTests {
    // MARK: fit-cooling end to end

    @Test("fit-cooling recovers the nested parameters of a synthetic trace; JSON holds every number")
    func nestedRecovery() throws {
        let run = try runThermo(["fit-cooling", AnalysisFixtures.cooling, "--bootstrap", "200", "--scan", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try jsonObject(run)
        // The window starts at e* of the regimes analysis.
        #expect((value(report, "window", "source") as? String)?.hasPrefix("regimes: e*") == true)
        let from = try #require(number(report, "window", "from"))
        #expect(from >= 4 && from <= 40, "e* = \(from)")
        #expect(number(report, "regimes", "onset", "onset") == from)
        // Parameters recovered, with errors and intervals that cover the truth.
        let truth = AnalysisFixtures.coolingTruth
        let alpha = try #require(number(report, "analysis", "fit", "parameters", 0, "value"))
        let beta = try #require(number(report, "analysis", "fit", "parameters", 1, "value"))
        let seBeta = try #require(number(report, "analysis", "fit", "parameters", 1, "standardError"))
        #expect(abs(alpha - truth.alpha) < 0.05, "α = \(alpha)")
        #expect(abs(beta - truth.beta) < max(4 * seBeta, 0.02), "β = \(beta) ± \(seBeta)")
        let lower = try #require(number(report, "analysis", "blockBootstrap", "parameters", 1, "interval", "lower"))
        let upper = try #require(number(report, "analysis", "blockBootstrap", "parameters", 1, "interval", "upper"))
        #expect(lower < truth.beta && truth.beta < upper, "bootstrap β interval [\(lower), \(upper)]")
        // Every number: fit statistics, each model's criteria, commonality, bootstrap, scan, effective exponents.
        for key in ["reducedChiSquare", "aic", "bic", "logLikelihood", "residualSumOfSquares", "pointCount", "degreesOfFreedom", "iterations"] {
            #expect(number(report, "analysis", "fit", key) != nil, "fit.\(key)")
        }
        for k in 0..<2 {
            for key in ["value", "standardError"] { #expect(number(report, "analysis", "fit", "parameters", k, key) != nil) }
            #expect(number(report, "analysis", "fit", "parameters", k, "interval", "lower") != nil)
            #expect(number(report, "analysis", "blockBootstrap", "parameters", k, "standardError") != nil)
        }
        #expect((value(report, "analysis", "fit", "amplitudes") as? [Any])?.count == 4)
        #expect(number(report, "analysis", "fit", "amplitudes", 3, "standardError") != nil)
        let entries = try #require(value(report, "analysis", "comparison", "entries") as? [[String: Any]])
        #expect(Set(entries.compactMap { $0["model"] as? String }) == ["nested", "power", "exponential", "stretched"])
        for entry in entries { #expect(entry["deltaAIC"] is NSNumber && entry["deltaBIC"] is NSNumber && entry["akaikeWeight"] is NSNumber) }
        #expect(value(report, "analysis", "comparison", "preferredByAIC") as? String == "nested")
        for key in ["deltaAIC", "deltaBIC", "fStatistic", "pValue"] { #expect(number(report, "analysis", "commonality", key) != nil) }
        #expect(value(report, "analysis", "commonality", "sharedPreferredByAIC") as? Bool == true)
        #expect((value(report, "scan", "points") as? [Any])?.isEmpty == false)
        #expect(number(report, "scan", "points", 0, "parameters", 1, "value") != nil)
        #expect((value(report, "effectiveExponents") as? [Any])?.count == 4)
        #expect(number(report, "effectiveExponents", 0, "points", 0, "exponent") != nil)
        #expect(value(report, "analysis", "reportedInterval") as? String == IntervalMethod.blockBootstrapPercentile.rawValue)
        #expect((value(report, "intervalShown") as? String)?.contains("block bootstrap over epochs") == true)
        let summary = try #require(value(report, "summary") as? String)
        #expect(summary.hasPrefix("late decay [\(formatNumber(from)), 200], 4 signal curves: nested α = "), "\(summary)")
        #expect(summary.contains("(block bootstrap 95%)") && summary.contains("power-law α = "))
        #expect(summary.contains("exponential rejected by ΔAIC = "))
        #expect(summary.contains("shared decay preferred over per-curve decays by ΔAIC = "), "\(summary)")
    }

    @Test("fit-cooling's table ends with the closing sentence and says which interval it shows")
    func closingLine() throws {
        let run = try runThermo(["fit-cooling", AnalysisFixtures.cooling, "--from", "10", "--to", "180", "--scan"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        let last = try #require(lines.last.map(String.init))
        #expect(last.hasPrefix("late decay [10, 180], 4 signal curves: nested α = "), "\(last)")
        #expect(last.contains("(Jacobian 95%)"))
        #expect(run.stdout.contains("window [10, 180] (--from/--to)"))
        #expect(run.stdout.contains("interval in the closing sentence: Jacobian"))
        #expect(run.stdout.contains("window-start scan: nested fitted on [s, 180]"))
        #expect(run.stdout.contains("effective exponent α_eff(e)"))
        #expect(run.stdout.contains("commonality (nested)"))
    }

    @Test("On a pure power law the nested fit finds β ≈ 0 and the stretched form is reported at its bound")
    func powerLawAndBounds() throws {
        let nested = try runThermo(["fit-cooling", AnalysisFixtures.power, "--from", "5", "--format", "json"])
        #expect(nested.status == 0, "\(nested.stderr)")
        let report = try jsonObject(nested)
        let beta = try #require(number(report, "analysis", "fit", "parameters", 1, "value"))
        #expect(abs(beta) < 0.05, "β = \(beta)")
        let power = try #require((value(report, "analysis", "fits") as? [[String: Any]])?.first { $0["model"] as? String == "power" })
        #expect(abs((number(power, "fit", "parameters", 0, "value") ?? 0) - 0.9) < 0.01)
        // The stretched form as the chosen model: a warning with the reason, in the output and on stderr.
        let stretched = try runThermo(["fit-cooling", AnalysisFixtures.power, "--from", "5", "--model", "stretched"])
        #expect(stretched.status == 0, "\(stretched.stderr)")
        #expect(stretched.stderr.contains("warning: stretched exponential: "), "\(stretched.stderr)")
        #expect(stretched.stderr.contains("bound") && stretched.stderr.contains("no optimum inside its bounds"))
        #expect(stretched.stdout.contains("AT LOWER BOUND") || stretched.stdout.contains("AT UPPER BOUND"), "\(stretched.stdout)")
        #expect(stretched.stdout.split(separator: "\n").last?.contains("at its") == true)
        // A bound given by the user that the optimum runs into.
        let boxed = try runThermo(["fit-cooling", AnalysisFixtures.cooling, "--from", "10", "--bound", "beta=-1:0.1"])
        #expect(boxed.status == 0 && boxed.stderr.contains("β = 0.1 is at its upper bound 0.1"), "\(boxed.stderr)")
    }

    @Test("Several traces: the bootstrap over traces, and the sentence says so")
    func traceBootstrap() throws {
        let run = try runThermo(["fit-cooling", AnalysisFixtures.cooling] + AnalysisFixtures.seeds
                                + ["--from", "10", "--bootstrap", "100", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try jsonObject(run)
        #expect(number(report, "analysis", "runs") == 3)
        #expect(value(report, "analysis", "reportedInterval") as? String == IntervalMethod.traceBootstrapPercentile.rawValue)
        #expect(value(report, "analysis", "blockBootstrap") == nil)
        #expect(number(report, "analysis", "traceBootstrap", "parameters", 1, "interval", "lower") != nil)
        #expect((value(report, "summary") as? String)?.contains("from 3 runs") == true)
        #expect((value(report, "summary") as? String)?.contains("(trace bootstrap 95%)") == true)
        #expect(run.stderr.contains("only 3 traces"), "\(run.stderr)")
    }

    // MARK: CSV input

    @Test("A CSV long table is fitted like a trace; temperature's CSV reads back into fit-cooling with the same result")
    func csvInput() throws {
        let folder = TestPaths.temporaryFolder("analysis-csv")
        defer { try? FileManager.default.removeItem(at: folder) }
        let table = folder.appendingPathComponent("pytorch.csv")
        try AnalysisFixtures.powerTable().write(to: table, atomically: true, encoding: .utf8)
        let run = try runThermo(["fit-cooling", table.path, "--model", "power", "--from", "3", "--curves", "both", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try jsonObject(run)
        #expect(abs((number(report, "analysis", "fit", "parameters", 0, "value") ?? 0) - 0.9) < 0.01)
        #expect((value(report, "analysis", "fit", "curves") as? [String])?.count == 6)
        // TSV with a run column: three runs.
        let tsv = folder.appendingPathComponent("runs.tsv")
        try AnalysisFixtures.powerTable(runs: ["a", "b", "c"]).replacingOccurrences(of: ",", with: "\t").write(to: tsv, atomically: true, encoding: .utf8)
        let runs = try runThermo(["fit-cooling", tsv.path, "--model", "power", "--from", "3", "--format", "json"])
        #expect(runs.status == 0, "\(runs.stderr)")
        #expect(number(try jsonObject(runs), "analysis", "runs") == 3)
        // The trace and its CSV export give the same fit.
        let csv = try runThermo(["temperature", AnalysisFixtures.cooling, "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let exported = folder.appendingPathComponent("cooling.csv")
        try csv.stdout.write(to: exported, atomically: true, encoding: .utf8)
        let a = try jsonObject(try runThermo(["fit-cooling", AnalysisFixtures.cooling, "--from", "10", "--format", "json"]))
        let b = try jsonObject(try runThermo(["fit-cooling", exported.path, "--from", "10", "--format", "json"]))
        let betaA = try #require(number(a, "analysis", "fit", "parameters", 1, "value"))
        let betaB = try #require(number(b, "analysis", "fit", "parameters", 1, "value"))
        #expect(abs(betaA - betaB) < 1e-9, "trace β = \(betaA), CSV β = \(betaB)")
    }

    @Test("temperature's CSV of a network with convolutions reads back: numbered layers, their names in a label column")
    func convolutionalCSVRoundTrip() throws {
        let folder = TestPaths.temporaryFolder("analysis-cnn-csv")
        defer { try? FileManager.default.removeItem(at: folder) }
        let trace = AnalysisFixtures.convolutional
        let csv = try runThermo(["temperature", trace, "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("epoch,step,steps,layer,label,signal,noise,temperature,snr,") == true, "\(lines.first ?? "")")
        #expect(lines.dropFirst().prefix(4).map { $0.split(separator: ",")[3...4].joined(separator: ",") } == ["1,conv1", "2,conv2", "3,fc1", "4,fc2"])
        let table = folder.appendingPathComponent("r.csv").path
        try csv.stdout.write(toFile: table, atomically: true, encoding: .utf8)

        // regimes and fit-cooling read it back, with the layers named as in the trace, and find what they find there.
        let regimes = try runThermo(["regimes", table, "--format", "json"])
        #expect(regimes.status == 0, "\(regimes.stderr)")
        let layers = try #require(value(try jsonObject(regimes), "analysis", "layers") as? [[String: Any]])
        #expect(layers.compactMap { value($0, "regimes", "layer") as? String } == ["conv1", "conv2", "fc1", "fc2"], "\(layers)")
        let fromTrace = try jsonObject(try runThermo(["fit-cooling", trace, "--from", "10", "--format", "json"]))
        let fit = try runThermo(["fit-cooling", table, "--from", "10", "--format", "json"])
        #expect(fit.status == 0, "\(fit.stderr)")
        let fromTable = try jsonObject(fit)
        #expect(value(fromTable, "analysis", "fit", "curves") as? [String] == value(fromTrace, "analysis", "fit", "curves") as? [String])
        #expect((value(fromTable, "analysis", "fit", "curves") as? [String])?.first?.contains("conv1") == true)
        let betaTrace = try #require(number(fromTrace, "analysis", "fit", "parameters", 1, "value"))
        let betaTable = try #require(number(fromTable, "analysis", "fit", "parameters", 1, "value"))
        #expect(abs(betaTrace - betaTable) < 1e-9, "trace β = \(betaTrace), CSV β = \(betaTable)")

        // --layers by name or number works on the table as on the trace; one layer under both is refused.
        for layers in ["fc1,conv2", "3,2"] {
            let chosen = try runThermo(["fit-cooling", table, "--layers", layers, "--from", "10", "--format", "json"])
            #expect(chosen.status == 0, "\(chosen.stderr)")
            let curves = value(try jsonObject(chosen), "analysis", "fit", "curves") as? [String] ?? []
            #expect(curves.count == 2 && curves[0].contains("conv2") && curves[1].contains("fc1"), "\(layers): \(curves)")
        }
        for input in [trace, table] {
            let twice = try runThermo(["temperature", input, "--layers", "1,conv1"])
            #expect(twice.status == 64 && twice.stderr.contains("names layer 1 (conv1) more than once (1 and conv1)"), "\(twice.stderr)")
        }
        let unknown = try runThermo(["temperature", table, "--layers", "conv9"])
        #expect(unknown.status == 1 && unknown.stderr.contains("--layers conv9: \(table) has layers 1, 2, 3, 4 (conv1, conv2, fc1, fc2)"), "\(unknown.stderr)")
        // The table's own CSV is the trace's: the labels survive a second round.
        #expect(try runThermo(["temperature", table, "--format", "csv"]).stdout.split(separator: "\n").first?.hasPrefix("epoch,layer,label,signal") == true)
        // An MLP's CSV has no label column (its layers are their numbers), as before.
        #expect(try runThermo(["temperature", AnalysisFixtures.cooling, "--format", "csv"]).stdout.hasPrefix("epoch,step,steps,layer,signal,"))
    }

    // MARK: Failure modes

    @Test("Each failure mode exits non-zero with a message that says what is wrong and what to do")
    func failureModes() throws {
        let folder = TestPaths.temporaryFolder("analysis-failures")
        defer { try? FileManager.default.removeItem(at: folder) }
        let trace = AnalysisFixtures.cooling
        func expectFailure(_ arguments: [String], status: Int32 = 1, _ phrases: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
            let run = try runThermo(arguments)
            #expect(run.status == status, "\(arguments): status \(run.status), \(run.stderr)", sourceLocation: sourceLocation)
            if status == 1 {
                #expect(run.stderr.hasPrefix("error: "), "\(run.stderr)", sourceLocation: sourceLocation)
                #expect(run.stderr.split(separator: "\n").count == 1, "one line: \(run.stderr)", sourceLocation: sourceLocation)
            }
            for phrase in phrases { #expect(run.stderr.contains(phrase), "\(arguments): '\(phrase)' not in \(run.stderr)", sourceLocation: sourceLocation) }
        }
        // Too few epochs for the model: 8 points (enough for 4 amplitudes + 2 shared + 1) on two epochs, but
        // three distinct ones are needed: the message gives that count, not the points'.
        try expectFailure(["fit-cooling", trace, "--from", "199", "--to", "200"],
                          ["too few distinct epochs for the nested model: 2 in the window [199, 200], at least 3 needed", "widen the window"])
        // Too few points: one layer, one epoch (2 + 1 needed for the power law's 1 amplitude + 1 shared + 1).
        try expectFailure(["fit-cooling", trace, "--layers", "1", "--from", "200", "--model", "power"],
                          ["too few points for the power-law model: 1 in the window, at least 3 needed (1 amplitude + 1 shared parameter + 1)"])
        // A bootstrap block as long as the window: refused (not clamped to a zero-width interval), naming the
        // window's length and the largest block allowed.
        try expectFailure(["fit-cooling", trace, "--from", "10", "--bootstrap", "50", "--block-length", "191"],
                          ["a bootstrap block of 191 epochs is not shorter than the 191 epochs in the window [10, 200]",
                           "the largest block is 190", "give --block-length 190 or less"])
        #expect(try runThermo(["fit-cooling", trace, "--from", "10", "--bootstrap", "20", "--block-length", "190"]).status == 0)
        // An empty window.
        try expectFailure(["fit-cooling", trace, "--from", "500", "--to", "600"], ["has no epoch in the window [500, 600]", "inside the recorded epochs"])
        // Non-convergence: after how many iterations, with the last step.
        try expectFailure(["fit-cooling", trace, "--from", "10", "--max-iterations", "1"],
                          ["did not converge", "after 1 iterations", "last step (", "--max-iterations"])
        // Non-positive values.
        let zero = folder.appendingPathComponent("zero.csv")
        try AnalysisFixtures.powerTable(zeroAt: (2, 50)).write(to: zero, atomically: true, encoding: .utf8)
        try expectFailure(["fit-cooling", zero.path, "--from", "3"],
                          ["layer 2 signal is 0 at epoch 50", "logarithm of a non-positive value", "start the window after it"])
        // The same table, with the window after the zero, fits.
        #expect(try runThermo(["fit-cooling", zero.path, "--from", "51", "--model", "power"]).status == 0)
        // A table without the noise column that --curves both needs.
        let signalOnly = folder.appendingPathComponent("signal.csv")
        try "epoch,layer,signal\n1,1,0.5\n2,1,0.4\n".write(to: signalOnly, atomically: true, encoding: .utf8)
        try expectFailure(["fit-cooling", signalOnly.path, "--curves", "both", "--from", "1"], ["no noise column"])
        // A trace without the datasets its recording needs.
        let damaged = folder.appendingPathComponent("damaged.h5").path
        try SyntheticTrace.cooling(epochs: 12, recording: .layers).write(to: damaged)
        do {
            let file = try File.open(damaged, mode: .readWrite)
            try file.setAttribute("recording", ["layers", "moments"])
            try file.close()
        }
        for command in ["fit-cooling", "regimes", "temperature"] {
            try expectFailure([command, damaged], ["lacks the dataset /epochs/", "damaged or incomplete"])
        }
        // Not a trace, and a missing file.
        let text = folder.appendingPathComponent("notes.h5")
        try Data("hello".utf8).write(to: text)
        try expectFailure(["fit-cooling", text.path], ["not an HDF5 file"])
        try expectFailure(["temperature", folder.appendingPathComponent("absent.h5").path], ["does not exist"])
        // No window and no common regime found.
        try expectFailure(["fit-cooling", AnalysisFixtures.noRegimes], ["no late common regime", "--from EPOCH"])
        // Usage errors are found before any work: status 64.
        try expectFailure(["fit-cooling", trace, "--from", "10", "--to", "5"], status: 64, ["--from 10 is after --to 5"])
        try expectFailure(["fit-cooling", trace, "--model", "cubic"], status: 64, ["cubic"])
        try expectFailure(["fit-cooling", trace, "--bound", "gamma=0:1"], status: 64, ["alpha, beta"])
        try expectFailure(["temperature", trace, "--window", "0"], status: 64, ["--window"])
        try expectFailure(["temperature", trace, "--epochs", "9:3"], status: 64, ["--epochs"])
        try expectFailure(["temperature", trace, "--layers", "7"], ["--layers 7", "layers 1…4"])
        try expectFailure(["temperature", trace, "--epochs", "300:400"], ["no epoch in --epochs [300, 400]", "1 … 200"])
    }

    @Test("The analysis commands explain themselves; bench --analysis flags are checked before any work")
    func helpAndBenchFlags() throws {
        for (command, phrases) in [("fit-cooling", ["nested", "--bootstrap", "--scan", "Levenberg–Marquardt"]),
                                   ("regimes", ["ΔAIC", "--threshold", "not found"]),
                                   ("temperature", ["--window", "spread", "csv"])] {
            let help = try runThermo(["help", command])
            #expect(help.status == 0, "\(help.stderr)")
            for phrase in phrases { #expect(help.stdout.contains(phrase), "\(command) help lacks \(phrase)") }
        }
        let keep = try runThermo(["bench", "--keep-trace", "x.h5"])
        #expect(keep.status == 64 && keep.stderr.contains("--keep-trace goes with --analysis"), "\(keep.stderr)")
        let both = try runThermo(["bench", "--analysis", "--recording"])
        #expect(both.status == 64 && both.stderr.contains("cannot be combined"), "\(both.stderr)")
        let alone = try runThermo(["bench", "--augment", "paper-cifar"])
        #expect(alone.status == 64 && alone.stderr.contains("--augment goes with --network"), "\(alone.stderr)")
        let grey = try runThermo(["bench", "--network", "conv2,pool,fc10", "--augment", "paper-stl"])
        #expect(grey.status == 64 && grey.stderr.contains("changes colours"), "\(grey.stderr)")
        // The augmentation's cost is measured as training gathers a batch, beside the plain step.
        let timed = try runThermo(["bench", "--network", "conv2,pool,fc10", "--augment", "paper-cifar,flip=0.5", "--batch-size", "8",
                                   "--steps", "2", "--reps", "2", "--threads", "1", "--json"])
        #expect(timed.status == 0, "\(timed.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(timed.stdout.utf8)) as? [String: Any]
        let cost = report?["augmentation"] as? [String: Any]
        #expect(cost?["recipe"] as? String == "paper-cifar,flip=0.5", "\(timed.stdout)")
        let plain = cost?["gatherMilliseconds"] as? Double ?? -1, augmented = cost?["augmentedGatherMilliseconds"] as? Double ?? -1
        // Both are timed (not compared: which is faster on a loaded machine is for the benchmark to say, not a test).
        #expect(plain > 0 && plain.isFinite && augmented > 0 && augmented.isFinite, "both gathers timed: \(timed.stdout)")
    }

    @Test("A layer or an input given twice is refused, not counted as another curve or seed")
    func repeatedLayersAndInputs() throws {
        let trace = AnalysisFixtures.cooling
        // A repeated layer, wherever --layers is read: a usage error before any work.
        for arguments in [["fit-cooling", trace, "--layers", "1,1,1", "--from", "4"], ["regimes", trace, "--layers", "2,2"],
                          ["temperature", trace, "--layers", "1,1"]] {
            let run = try runThermo(arguments)
            #expect(run.status == 64 && run.stdout.isEmpty, "\(arguments): status \(run.status)")
            #expect(run.stderr.contains("names layer \(arguments[3].prefix(1)) more than once; give each layer once"), "\(run.stderr)")
        }
        // Distinct layers still fit.
        #expect(try runThermo(["fit-cooling", trace, "--layers", "1,2", "--from", "10"]).status == 0)

        // The same file under two names (./, a symbolic link): a usage error naming both arguments.
        let folder = TestPaths.temporaryFolder("analysis-repeated")
        defer { try? FileManager.default.removeItem(at: folder) }
        let dotted = (trace as NSString).deletingLastPathComponent + "/./" + (trace as NSString).lastPathComponent
        let link = folder.appendingPathComponent("link.h5").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: trace)
        for (second, command) in [(dotted, ["fit-cooling", "--from", "4", "--bootstrap", "50"]), (link, ["regimes"]),
                                  (trace, ["plot", "signal", "-o", folder.appendingPathComponent("s.png").path])] {
            let run = try runThermo(command + [trace, second])
            #expect(run.status == 64, "\(command) \(second): status \(run.status), \(run.stderr)")
            #expect(run.stderr.contains("\(trace) and \(second) are the same file: its run would count twice; give each run once"), "\(run.stderr)")
        }
        // A copy of a trace holds the same run (its run_id): refused, naming both files.
        let copy = folder.appendingPathComponent("copy.h5").path
        try FileManager.default.copyItem(atPath: trace, toPath: copy)
        let copied = try runThermo(["fit-cooling", trace, copy, "--from", "10", "--bootstrap", "50"])
        #expect(copied.status == 1 && copied.stderr.hasPrefix("error: "), "status \(copied.status), \(copied.stderr)")
        #expect(copied.stderr.contains("\(trace) and \(copy) hold the same run (run_id "), "\(copied.stderr)")
        // Different runs of the same shape are still several seeds.
        #expect(try runThermo(["fit-cooling", trace] + AnalysisFixtures.seeds + ["--from", "10"]).status == 0)
    }

    @Test("regimes and fit-cooling list only the formats they write (table, json); temperature also csv")
    func reportFormats() throws {
        for (command, values) in [("regimes", "table, json"), ("fit-cooling", "table, json"), ("temperature", "table, csv, json")] {
            let help = try runThermo(["help", command])
            #expect(help.status == 0, "\(help.stderr)")
            let flat = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(flat.contains("(values: \(values);"), "\(command) --format help: \(flat)")
        }
        for command in ["regimes", "fit-cooling"] {
            let csv = try runThermo([command, AnalysisFixtures.cooling, "--format", "csv"])
            #expect(csv.status == 64, "\(command) --format csv: status \(csv.status)")
            #expect(csv.stderr.contains("'csv' is invalid for '--format") && csv.stderr.contains("'table' and 'json'"), "\(csv.stderr)")
        }
    }

    // MARK: temperature

    @Test("temperature per epoch: the recorded S, σ, T, both SNRs and per-weight quantiles")
    func temperaturePerEpoch() throws {
        let run = try runThermo(["temperature", AnalysisFixtures.cooling, "--layers", "1,4", "--epochs", "3:5", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try jsonObject(run)
        let layers = try #require(value(report, "runs", 0, "layers") as? [[String: Any]])
        #expect(layers.map { $0["layer"] as? String } == ["1", "4"])
        #expect(value(layers[0], "epoch") as? [Double] == [3, 4, 5])
        let S = try #require(value(layers[0], "signal") as? [Double]), sigma = try #require(value(layers[0], "noise") as? [Double])
        let T = try #require(value(layers[0], "temperature") as? [Double]), snr = try #require(value(layers[0], "signalToNoise") as? [Double])
        for i in 0..<3 {
            #expect(abs(T[i] - sigma[i] * sigma[i]) <= 1e-15 * T[i] && abs(snr[i] - S[i] / sigma[i]) <= 1e-12 * snr[i])
        }
        // The known curves (Float32 gradients: relative 1e-6): SNR(e) = 0.7 + 2.3 e^−(e−1)/3 up to the 2% noise.
        for (i, e) in [3.0, 4, 5].enumerated() {
            let truth = 0.7 + 2.3 * exp(-(e - 1) / 3)
            #expect(abs(snr[i] / truth - 1) < 0.1, "SNR(\(e)) = \(snr[i]), truth \(truth)")
        }
        let weightSNR = try #require(value(layers[0], "weightSignalToNoise") as? [Double])
        #expect(zip(weightSNR, snr).allSatisfy { $0 < $1 }, "per-weight SNR below the layer-mean one")
        let q = try #require(value(layers[0], "weightTemperatureQuantiles") as? [String: [Double]])
        #expect(Set(q.keys) == ["q5", "q25", "q50", "q75", "q95"])
        #expect((value(layers[0], "spreadDecades") as? [Double])?.allSatisfy { $0 > 2 && $0 < 6 } == true)
        // The table and CSV forms.
        let table = try runThermo(["temperature", AnalysisFixtures.cooling, "--epochs", ":2"])
        #expect(table.status == 0 && table.stdout.contains("SNR_w") && table.stdout.contains("2 epochs (1 … 2), 4 layers"), "\(table.stdout)")
        let csv = try runThermo(["temperature", AnalysisFixtures.cooling, "--epochs", ":2", "--format", "csv"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first == "epoch,step,steps,layer,signal,noise,temperature,snr,weight_snr,mean_gradient_norm,gradient_std_norm,weight_temperature_mean,q5,q25,q50,q75,q95,spread_decades")
        #expect(lines.count == 1 + 2 * 4)
        // A trace recorded at the layers level has no per-weight quantities: a note says so.
        let folder = TestPaths.temporaryFolder("analysis-layers")
        defer { try? FileManager.default.removeItem(at: folder) }
        let layersOnly = folder.appendingPathComponent("layers.h5").path
        try SyntheticTrace.cooling(epochs: 6, recording: .layers).write(to: layersOnly)
        let plain = try runThermo(["temperature", layersOnly])
        #expect(plain.status == 0 && !plain.stdout.contains("SNR_w"))
        #expect(plain.stderr.contains("need the 'moments' recording level"), "\(plain.stderr)")
    }

    @Test("temperature --window N aggregates the per-step record exactly")
    func temperatureWindows() throws {
        let trace = AnalysisFixtures.cooling
        let epochs = try jsonObject(try runThermo(["temperature", trace, "--epochs", "1:3", "--format", "json"]))
        let full = try jsonObject(try runThermo(["temperature", trace, "--epochs", "1:3", "--window", "16", "--format", "json"]))
        #expect(value(full, "runs", 0, "resolution") as? String == "per window of 16 steps")
        #expect(value(full, "runs", 0, "windowSteps") as? Int == 16)
        // Windows of one epoch's 16 steps are the epochs.
        for l in 0..<4 {
            let a = try #require(value(epochs, "runs", 0, "layers", l) as? [String: Any])
            let b = try #require(value(full, "runs", 0, "layers", l) as? [String: Any])
            #expect(value(b, "epoch") as? [Double] == [1, 2, 3])
            #expect(value(b, "lastStep") as? [Int] == [16, 32, 48])
            for key in ["signal", "noise"] {
                let x = try #require(value(a, key) as? [Double]), y = try #require(value(b, key) as? [Double])
                #expect(zip(x, y).allSatisfy { abs($0 - $1) <= 1e-12 * abs($0) }, "\(key): \(x) vs \(y)")
            }
        }
        // Half-epoch windows: the first half holds the epoch's large step, the second half none (σ = 0).
        let half = try jsonObject(try runThermo(["temperature", trace, "--epochs", "2:2", "--window", "8", "--layers", "1", "--format", "json"]))
        let layer = try #require(value(half, "runs", 0, "layers", 0) as? [String: Any])
        #expect(value(layer, "epoch") as? [Double] == [1.5, 2])
        let S = try #require(number(epochs, "runs", 0, "layers", 0, "signal", 1))
        let sigma = try #require(number(epochs, "runs", 0, "layers", 0, "noise", 1))
        let steps = (0..<8).map { SyntheticTrace.groupStep(mean: S, sd: sigma, k: $0, size: 16) }
        let mean = steps.reduce(0, +) / 8
        let sd = (steps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 8).squareRoot()
        let windowSignal = try #require(value(layer, "signal") as? [Double]), windowNoise = try #require(value(layer, "noise") as? [Double])
        #expect(abs(windowSignal[0] / mean - 1) < 1e-5 && abs(windowNoise[0] / sd - 1) < 1e-5, "\(windowSignal[0]) vs \(mean), \(windowNoise[0]) vs \(sd)")
        #expect(abs(windowSignal[1] / SyntheticTrace.groupStep(mean: S, sd: sigma, k: 1, size: 16) - 1) < 1e-5)
        #expect(windowNoise[1] < 1e-6 * windowSignal[1])
        // A window that does not divide the steps: the rest is left out, and a note says so.
        let odd = try runThermo(["temperature", trace, "--epochs", "1:2", "--window", "12"])
        #expect(odd.status == 0 && odd.stderr.contains("the last 8 steps do not fill a window of 12"), "\(odd.stderr)")
        #expect(odd.stderr.contains("per-epoch records; not available for windows"))
        // --window on a table is refused, saying why.
        let csv = AnalysisFixtures.folder.appendingPathComponent("table-for-window.csv")
        try AnalysisFixtures.powerTable(epochs: 5).write(to: csv, atomically: true, encoding: .utf8)
        let refused = try runThermo(["temperature", csv.path, "--window", "4"])
        #expect(refused.status == 1 && refused.stderr.contains("per-step record of a trace"), "\(refused.stderr)")
    }

    // MARK: regimes

    @Test("regimes finds the signal peak, the SNR = 1 crossing and e*, with the evidence")
    func regimesFound() throws {
        let run = try runThermo(["regimes", AnalysisFixtures.cooling, "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try jsonObject(run)
        let layers = try #require(value(report, "analysis", "layers") as? [[String: Any]])
        #expect(layers.count == 4)
        for layer in layers {
            #expect(number(layer, "regimes", "signalPeak", "position") == 4)
            let crossing = try #require(value(layer, "regimes", "crossings", 0) as? [String: Any])
            #expect(crossing["found"] as? Bool == true && crossing["kind"] as? String == SNRKind.layerMean.rawValue)
            let position = try #require(number(crossing, "position"))
            #expect(position > 6 && position < 8.5, "SNR = 1 at \(position); truth ≈ 7.1")
            #expect(value(layer, "regimes", "crossings", 1, "kind") as? String == SNRKind.perWeight.rawValue)
        }
        let onset = try #require(number(report, "analysis", "onset", "onset"))
        #expect(onset >= 4 && onset <= 40)
        #expect((value(report, "analysis", "onset", "candidates") as? [Any])?.isEmpty == false)
        #expect(number(report, "analysis", "onset", "threshold") == 2)
        let table = try runThermo(["regimes", AnalysisFixtures.cooling])
        #expect(table.status == 0)
        #expect(table.stdout.contains("e* = \(formatNumber(onset)): common decay from \(formatNumber(onset))"), "\(table.stdout)")
        #expect(table.stdout.contains("criterion: earliest window start s at which the shared nested decay"))
        #expect(table.stdout.contains("the signal peaks at 4") && table.stdout.contains("falls to 1 between 7 and 8"))
    }

    @Test("regimes says when a regime is not found at the resolution available")
    func regimesNotFound() throws {
        let run = try runThermo(["regimes", AnalysisFixtures.noRegimes])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("the early regime is shorter than this resolution"), "\(run.stdout)")
        #expect(run.stdout.contains("not found at this resolution: layer-mean S/σ stays above 1"))
        #expect(run.stdout.contains("e* not found: no common regime found: per-curve decays are preferred at every start"))
        // Too few epochs after the peak for the onset test.
        let short = try runThermo(["regimes", AnalysisFixtures.cooling, "--epochs", ":12"])
        #expect(short.stdout.contains("e* not found: late common regime not located at this resolution: fewer than"), "\(short.stdout)")
    }

    @Test("regimes --window N finds, inside the first epoch, what per-epoch statistics cannot resolve")
    func regimesPerWindow() throws {
        let perEpoch = try jsonObject(try runThermo(["regimes", AnalysisFixtures.early, "--format", "json"]))
        #expect(value(perEpoch, "analysis", "layers", 0, "regimes", "signalPeak", "atFirstPoint") as? Bool == true)
        let epochNote = try #require(value(perEpoch, "analysis", "layers", 0, "regimes", "crossings", 0, "note") as? String)
        #expect(epochNote.contains("not found at this resolution"), "\(epochNote)")
        let run = try runThermo(["regimes", AnalysisFixtures.early, "--window", "4", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try jsonObject(run)
        #expect(value(report, "resolution") as? String == "per window of 4 steps")
        for l in 0..<3 {
            let layer = try #require(value(report, "analysis", "layers", l, "regimes") as? [String: Any])
            #expect(number(layer, "signalPeak", "position") == 0.12, "peak at step 12 = epoch 0.12")
            #expect(value(layer, "crossings", 0, "found") as? Bool == true)
            let position = try #require(number(layer, "crossings", 0, "position"))
            #expect(position > 0.12 && position < 0.16, "SNR = 1 between steps 12 and 16: \(position)")
            #expect((value(layer, "crossings") as? [Any])?.count == 1, "no per-weight SNR per window")
        }
        #expect(number(report, "analysis", "onset", "onset") != nil, "the common late regime is found per window")
    }
}
