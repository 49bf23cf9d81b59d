import Testing
import Networks
import NumericCore
import TestSupport
import Training
@testable import Curvature

/// Curvature settings and probe batches that no measurement can use are refused with `thermo curvature`'s
/// messages; they used to stop the program (an index out of range, or a precondition).
@Suite struct SettingsValidationTests {
    @Test("measure refuses a layer outside the network, no probes, no Lanczos steps and a top beyond them")
    func badSettings() throws {
        let problem = SmallProblem(widths: [6, 5, 3], activation: .relu)
        func settings(_ change: (inout CurvatureSettings) -> Void) -> CurvatureSettings {
            var s = CurvatureSettings()
            change(&s)
            return s
        }
        let cases: [(CurvatureSettings, String)] = [
            (settings { $0.layers = [3] }, "--layers names layer 3, but the network's weight layers are 1…2"),
            (settings { $0.layers = [0, 1] }, "--layers names layer 0, but the network's weight layers are 1…2"),
            (settings { $0.probes = 0 }, "--probes must be at least 1, not 0"),
            (settings { $0.lanczosSteps = 0 }, "--lanczos-steps must be at least 1, not 0"),
            (settings { $0.top = 21 }, "--top must be between 1 and --lanczos-steps (20), not 21"),
            (settings { $0.top = -1 }, "--top must be between 1 and --lanczos-steps (20), not -1"),
        ]
        for (bad, message) in cases {
            #expect(throws: CurvatureError(message)) { try CurvatureMeasurement.measure(problem.hvp, settings: bad) }
        }
        let two = try CurvatureMeasurement.measure(problem.hvp, settings: settings { $0.layers = [2]; $0.probes = 1; $0.lanczosSteps = 1 })
        #expect(two.layers.map(\.layer) == [2])
    }

    @Test("A probe batch of no image is refused", arguments: [0, -1])
    func emptyProbeBatch(_ size: Int) throws {
        let trainer = try Trainer(configuration: smallConfiguration(epochs: 1), dataSet: syntheticDataSet())
        #expect(throws: CurvatureError("--probe-batch must be at least 1, not \(size)")) {
            try ProbeBatch(trainer.data, size: size, seed: 1)
        }
        #expect(try ProbeBatch(trainer.data, size: 1, seed: 1).count == 1)
    }
}
