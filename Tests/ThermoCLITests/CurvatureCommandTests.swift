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
        #expect(lines.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("1 ") || $0.trimmingCharacters(in: .whitespaces).hasPrefix("2 ") }.count == 2)
        #expect(lines.last?.hasPrefix("full H (every weight): λ_max ") == true)
    }
}
