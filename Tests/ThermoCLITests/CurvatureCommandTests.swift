import Foundation
import Testing
import TestSupport

/// `thermo curvature --checkpoint`: the report's rows, its agreement with the dense block, determinism.
@Suite("thermo curvature")
struct CurvatureCommandTests {
    struct Report: Decodable {
        struct Row: Decodable {
            let layer: Int, weights: Int
            let lambdaMax: Double, trace: Double, traceStandardError: Double
            let lambdaMaxExact: Double?, traceExact: Double?, predictedLossIncrease: Double?
        }
        let layers: [Row]
        let fullLambdaMax: Double?
        let probeBatch: Int
    }

    @Test("At a checkpoint, λ_max and tr of a layer block agree with its dense block, and the JSON has one row per layer")
    func agreesWithExact() throws {
        let fixtures = Fixtures.shared
        let arguments = ["curvature", "--checkpoint", fixtures.checkpoint.path, "--data", fixtures.data.path, "--layers", "2",
                         "--exact", "--lanczos-steps", "40", "--probes", "300", "--radius", "0.01", "--format", "json",
                         "--threads", "1"]
        let run = try runThermo(arguments)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try JSONDecoder().decode(Report.self, from: Data(run.stdout.utf8))
        #expect(report.layers.map(\.layer) == [2] && report.layers[0].weights == 40 && report.probeBatch == 100)
        let row = report.layers[0]
        let exactMax = try #require(row.lambdaMaxExact), exactTrace = try #require(row.traceExact)
        #expect(abs(row.lambdaMax - exactMax) <= 1e-3 * max(abs(exactMax), 1e-3), "\(row.lambdaMax) vs \(exactMax)")
        #expect(abs(row.trace - exactTrace) <= 4 * row.traceStandardError + 1e-6, "\(row.trace) ± \(row.traceStandardError) vs \(exactTrace)")
        #expect(abs(try #require(row.predictedLossIncrease) - 0.5 * 0.01 * 0.01 / 3 * row.trace) < 1e-12)
        #expect(try #require(report.fullLambdaMax) >= exactMax - 1e-3 * abs(exactMax))
        let again = try runThermo(arguments)
        #expect(again.stdout == run.stdout, "two measurements of the same checkpoint differ")
    }

    @Test("The table names every layer and the full H")
    func table() throws {
        let fixtures = Fixtures.shared
        let run = try runThermo(["curvature", "--checkpoint", fixtures.checkpoint.path, "--data", fixtures.data.path,
                                 "--threads", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("curvature at ") && $0.contains("(epoch 2)") })
        // An MLP's layers by number, as every analysis of its trace labels them (a CNN's by name: conv3, fc1).
        #expect(lines.filter { $0.hasPrefix("1 ") || $0.hasPrefix("2 ") }.count == 2, "\(run.stdout)")
        let named = try runThermo(["curvature", "--checkpoint", fixtures.checkpoint.path, "--data", fixtures.data.path,
                                   "--threads", "1", "--layers", "fc2", "--no-full", "--format", "csv"])
        #expect(named.status == 0, "\(named.stderr)")
        #expect(named.stdout.hasSuffix(",2\n") && named.stdout.split(separator: "\n").count == 2, "\(named.stdout)")
        #expect(lines.last?.hasPrefix("full H (every weight): λ_max ") == true)
    }

    @Test("Recorded curvature: measured on schedule, identical after a resume, equal to a checkpoint's measurement")
    func recordingResumesExactly() throws {
        let folder = TestPaths.temporaryFolder("thermo-curvature-recording")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Fixtures.shared.data, to: folder.appendingPathComponent("data"))
        let run = ["train", "--data", "data", "--layers", "784,4,10", "--batch-size", "10", "--threads", "1", "--quiet",
                   "--record", "layers,curvature:every=2:probes=3"]
        let straight = try runThermo(run + ["--epochs", "4", "--trace", "a.h5", "--checkpoint", "a.ckpt", "--checkpoint-every", "4"], in: folder)
        #expect(straight.status == 0, "\(straight.stderr)")
        let first = try runThermo(run + ["--epochs", "2", "--trace", "b.h5", "--checkpoint", "b.ckpt", "--checkpoint-every", "2"], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        let resumed = try runThermo(["train", "--resume", "b.ckpt", "--epochs", "4", "--trace", "b.h5", "--data", "data",
                                     "--threads", "1", "--quiet"], in: folder)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let a = try runThermo(["curvature", "a.h5", "--format", "csv"], in: folder)
        let b = try runThermo(["curvature", "b.h5", "--format", "csv"], in: folder)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr) \(b.stderr)")
        #expect(a.stdout == b.stdout, "resumed: \(b.stdout)\nstraight: \(a.stdout)")
        let epochs = a.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        #expect(epochs == ["2", "2", "4", "4"], "\(a.stdout)")
        // The checkpoint of epoch 4 measured now gives the recorded numbers of epoch 4.
        let now = try runThermo(["curvature", "--checkpoint", "a.ckpt", "--data", "data", "--probes", "3", "--threads", "1",
                                 "--format", "csv"], in: folder)
        #expect(now.status == 0, "\(now.stderr)")
        let recorded = a.stdout.split(separator: "\n").filter { $0.hasPrefix("4,") }.map { $0.split(separator: ",").prefix(6).joined(separator: ",") }
        let measured = now.stdout.split(separator: "\n").dropFirst().map { line -> String in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            return ([f[0], f[1], f[3], f[4], f[5], f[6]]).joined(separator: ",")  // epoch, layer, λ_max, residual, tr, se
        }
        #expect(recorded == measured, "recorded \(recorded), measured \(measured)")
    }

    @Test("A trace without curvature is refused with what to do")
    func traceWithoutCurvature() throws {
        let run = try runThermo(["curvature", Fixtures.shared.trace.path])
        #expect(run.status == 1 && run.stderr.contains("holds no curvature; record it with"), "\(run.stderr)")
    }

    @Test("A network with a convolution and a pooling: curvature recorded during training equals a checkpoint's measurement")
    func convolutionalNetwork() throws {
        let folder = TestPaths.temporaryFolder("thermo-curvature-cnn")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Fixtures.shared.data, to: folder.appendingPathComponent("data"))
        let train = try runThermo(["train", "--data", "data", "--network", "conv2,pool,fc10", "--batch-size", "10",
                                   "--epochs", "2", "--threads", "1", "--quiet", "--trace", "run.h5",
                                   "--record", "layers,curvature:every=1:probes=2", "--checkpoint", "run.ckpt",
                                   "--checkpoint-every", "2"], in: folder)
        #expect(train.status == 0, "\(train.stderr)")
        let recorded = try runThermo(["curvature", "run.h5", "--format", "csv"], in: folder)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let rows = recorded.stdout.split(separator: "\n").dropFirst()
        #expect(rows.map { $0.split(separator: ",").prefix(2).joined(separator: ",") } == ["1,1", "1,2", "2,1", "2,2"], "\(recorded.stdout)")
        let now = try runThermo(["curvature", "--checkpoint", "run.ckpt", "--data", "data", "--probes", "2", "--threads", "1",
                                 "--format", "csv"], in: folder)
        #expect(now.status == 0, "\(now.stderr)")
        let lastEpoch = rows.filter { $0.hasPrefix("2,") }.map { $0.split(separator: ",").prefix(6).joined(separator: ",") }
        let measured = now.stdout.split(separator: "\n").dropFirst().map { line -> String in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            return [f[0], f[1], f[3], f[4], f[5], f[6]].joined(separator: ",")
        }
        #expect(lastEpoch == measured, "recorded \(lastEpoch), measured \(measured)")

        // The layers are named as --smooth names them (conv1, fc1), in tables, in --layers and in figure keys.
        let table = try runThermo(["curvature", "run.h5"], in: folder)
        #expect(table.status == 0 && table.stdout.contains(" conv1 ") && table.stdout.contains(" fc1 "), "\(table.stdout)")
        let temperature = try runThermo(["temperature", "run.h5", "--layers", "conv1", "--format", "csv"], in: folder)
        #expect(temperature.status == 0, "\(temperature.stderr)")
        #expect(temperature.stdout.contains("conv1") && !temperature.stdout.contains("fc1"), "\(temperature.stdout)")
        let byNumber = try runThermo(["temperature", "run.h5", "--layers", "2", "--format", "csv"], in: folder)
        #expect(byNumber.status == 0 && byNumber.stdout.contains("fc1") && !byNumber.stdout.contains("conv1"), "\(byNumber.stdout)")
        let unknown = try runThermo(["temperature", "run.h5", "--layers", "conv3"], in: folder)
        #expect(unknown.status != 0 && unknown.stderr.contains("has layers 1…2 (conv1, fc1)"), "\(unknown.stderr)")
        for figure in ["temperature", "signal", "curvature"] {
            let plot = try runThermo(["plot", figure, "run.h5", "-o", "\(figure).svg"], in: folder)
            #expect(plot.status == 0, "\(plot.stderr)")
            let script = try String(contentsOf: folder.appendingPathComponent("\(figure).gp"), encoding: .utf8)
            #expect(script.contains("conv1") && script.contains("fc1") && !script.contains("layer 1"), "\(figure).gp: \(script)")
        }
    }
}
