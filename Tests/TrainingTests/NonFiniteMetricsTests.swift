import Foundation
import Testing
import NumericCore
import TestSupport
@testable import Training

/// NaN and ∞ in a run's metrics (a diverging run's test loss) are data: every JSON thermo writes holds them and
/// reads them back (issue: an infinite test loss crashed the run with `EncodingError.invalidValue`).
@Suite struct NonFiniteMetricsTests {
    /// A trained epoch's metrics with the test loss `testLoss` and the validation loss NaN.
    static func history(testLoss: Double) -> [EpochMetrics] {
        [EpochMetrics(epoch: 1, steps: 17, trainObjective: .infinity, trainLoss: 2.5, trainAccuracy: 0.1,
                      testLoss: testLoss, testAccuracy: 0.1, validationLoss: -.nan, validationAccuracy: 0.1,
                      trainingSeconds: 0.1, seconds: 0.2)]
    }

    @Test("A summary and a checkpoint whose metrics hold ∞, −∞ and NaN are written and read back", arguments: [Double.infinity, -.infinity, .nan])
    func roundTrip(testLoss: Double) throws {
        let folder = TestPaths.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let trainer = try Trainer(configuration: smallConfiguration(epochs: 1), dataSet: syntheticDataSet())
        trainer.restore(completedEpochs: 1, globalStep: 17, history: Self.history(testLoss: testLoss), elapsedSeconds: 0.2)

        let summary = RunSummary(trainer, status: "diverged", message: "m", command: ["thermo"], thermoVersion: "test",
                                 blasThreads: 1, blas: "test")
        let json = try summary.json()
        #expect(String(decoding: json, as: UTF8.self).contains(testLoss.isNaN ? "\"testLoss\" : \"nan\"" : "\"testLoss\" : \"\(testLoss > 0 ? "inf" : "-inf")\""))
        let read = try RunSummary(json: json)
        #expect(testLoss.isNaN ? read.epochs[0].testLoss.isNaN : read.epochs[0].testLoss == testLoss)
        #expect(read.epochs[0].trainObjective == .infinity && read.epochs[0].validationLoss!.isNaN)

        let path = folder.appendingPathComponent("run.ckpt").path
        try Checkpoint.write(trainer, thermoVersion: "test", blasThreads: 1, to: path)
        let checkpoint = try Checkpoint(contentsOf: path)
        #expect(checkpoint.header.history.count == 1)
        #expect(checkpoint.header.history[0].testLoss.isNaN == testLoss.isNaN)
        if !testLoss.isNaN { #expect(checkpoint.header.history[0].testLoss == testLoss) }
    }

    @Test("A divergence message says nan, never -nan")
    func divergenceSaysNaN() {
        let error = TrainingError.diverged(epoch: 2, step: 4, globalStep: 15, loss: -.nan, advice: "Lower it.")
        #expect(error.description.contains("the loss is nan at epoch 2, step 4") && !error.description.contains("-nan"))
        #expect(error.divergence == "epoch 2, step 4 (global step 15): the loss is nan")
    }
}
