import Foundation
import Testing
@testable import Analysis

@Suite("Failure modes give typed errors with one clear line")
struct FailureModeTests {
    static let epochs = stride(from: 5.0, through: 100, by: 5).map { $0 }
    static func curves() -> [CoolingCurve] {
        syntheticCurves(model: .power, theta: [0.9], amplitudes: [0, -1], epochs: epochs, noise: 0.02, seed: 1)
    }

    /// Runs `body`, expects a `CoolingFitError`, checks it, and checks its message is one line containing `words`.
    func expectError(_ expected: CoolingFitError? = nil, mentioning words: [String],
                     _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> CoolingFitError? {
        do {
            try body()
            Issue.record("expected an error", sourceLocation: sourceLocation)
            return nil
        } catch let error as CoolingFitError {
            if let expected { #expect(error == expected, sourceLocation: sourceLocation) }
            let message = error.description
            #expect(!message.contains("\n"), sourceLocation: sourceLocation)
            for word in words { #expect(message.contains(word), "“\(message)” lacks “\(word)”", sourceLocation: sourceLocation) }
            return error
        } catch {
            Issue.record("expected a CoolingFitError, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    @Test func tooFewPointsSaysHowManyAreNeeded() {
        // Two curves × two epochs = 4 points; nested needs 2 amplitudes + 2 shared + 1 = 5.
        let curves = Self.curves()
        _ = expectError(mentioning: ["4 in the window", "at least 5 needed"]) {
            _ = try coolingFit(curves, model: .nested, window: EpochWindow(from: 5, to: 10))
        }
        // The power law fits with 4 points (2 + 1 + 1).
        #expect(throws: Never.self) { try coolingFit(curves, model: .power, window: EpochWindow(from: 5, to: 10)) }
    }

    @Test func tooFewEpochsSaysSoWhateverThePointCount() {
        // Six curves × two epochs = 12 points, more than the 6 + 2 + 1 the nested fit needs; but its two shared
        // parameters need three distinct epochs, and the message says that, not a point count.
        let curves = (1...6).map { l in CoolingCurve(layer: String(l), epochs: [10, 20], values: [1, 0.5 / Double(l)]) }
        _ = expectError(.tooFewEpochs(model: .nested, have: 2, need: 3, window: EpochWindow(from: 10, to: 20)),
                        mentioning: ["too few distinct epochs for the nested model: 2 in the window [10, 20], at least 3 needed"]) {
            _ = try coolingFit(curves, model: .nested)
        }
        // The power law's one shared parameter needs two epochs: it fits.
        #expect(throws: Never.self) { try coolingFit(curves, model: .power) }
    }

    @Test func nonPositiveValuesNameTheCurveAndEpoch() {
        var curves = Self.curves()
        curves[1].values[6] = 0  // epoch 35
        _ = expectError(.nonPositiveValue(curve: "layer 2 signal", epoch: 35, value: 0),
                        mentioning: ["layer 2 signal", "epoch 35", "logarithm"]) {
            _ = try coolingFit(curves)
        }
        curves[1].values[6] = -3
        _ = expectError(mentioning: ["layer 2 signal", "is -3 at epoch 35"]) { _ = try coolingFit(curves) }
        // Outside the window the bad value does not matter.
        #expect(throws: Never.self) { try coolingFit(curves, model: .power, window: EpochWindow(from: 40)) }
    }

    @Test func nanAndInfinityAreRejected() {
        var curves = Self.curves()
        curves[0].values[3] = .nan
        _ = expectError(mentioning: ["layer 1 signal", "NaN", "epoch 20"]) {
            _ = try coolingFit(curves)
        }
        curves[0].values[3] = .infinity
        _ = expectError(mentioning: ["non-finite", "∞"]) { _ = try coolingFit(curves) }
        curves = Self.curves()
        curves[0].epochs[2] = .nan
        _ = expectError(mentioning: ["non-finite"]) { _ = try coolingFit(curves) }
    }

    @Test func nonPositiveEpochsAreRejected() {
        let curves = [CoolingCurve(layer: "1", epochs: [0, 1, 2, 3, 4], values: [1, 0.9, 0.8, 0.7, 0.6]),
                      CoolingCurve(layer: "2", epochs: [0, 1, 2, 3, 4], values: [1, 0.9, 0.8, 0.7, 0.6])]
        _ = expectError(.nonPositiveEpoch(curve: "layer 1 signal", epoch: 0), mentioning: ["epoch 0", "ln e"]) {
            _ = try coolingFit(curves, model: .power)
        }
    }

    @Test func emptyAndInvalidWindows() {
        let curves = Self.curves()
        _ = expectError(.emptyWindow(window: EpochWindow(from: 1000, to: 2000), curve: "layer 1 signal"),
                        mentioning: ["layer 1 signal", "[1000, 2000]"]) {
            _ = try coolingFit(curves, window: EpochWindow(from: 1000, to: 2000))
        }
        _ = expectError(.invalidWindow(from: 50, to: 10), mentioning: ["[50, 10]"]) {
            _ = try coolingFit(curves, window: EpochWindow(from: 50, to: 10))
        }
        _ = expectError(.noCurves(selection: "input"), mentioning: ["no input curves"]) { _ = try coolingFit([]) }
        _ = expectError(.noCurves(selection: "noise"), mentioning: ["no noise curves"]) {
            var options = CoolingAnalysisOptions()
            options.curves = .noise
            _ = try coolingAnalysis(curves, options: options)
        }
    }

    @Test func nonConvergenceSaysAfterHowManyIterations() {
        var options = LevenbergMarquardt.Options()
        options.maxIterations = 1
        let curves = syntheticCurves(model: .stretched, theta: truth(.stretched), amplitudes: [0, -1],
                                     epochs: Self.epochs, noise: 0.02, seed: 2)
        let error = expectError(mentioning: ["did not converge", "after 1 iterations", "last step"]) {
            _ = try coolingFit(curves, model: .stretched, start: [200, 0.9], options: options)
        }
        guard case .notConverged(let model, let lm)? = error else {
            Issue.record("expected .notConverged, got \(String(describing: error))")
            return
        }
        #expect(model == .stretched)
        #expect(lm.iterations == 1 && lm.lastStep.count == 2)
        #expect(lm.reason == LevenbergMarquardtError.Reason.iterationLimit)
    }

    @Test func tracesAndCurvesNeededForComparisons() {
        let curves = Self.curves()
        _ = expectError(.tooFewTraces(have: 1), mentioning: ["2 traces"]) { _ = try traceBootstrap(runs: [curves]) }
        _ = expectError(.tooFewCurves(have: 1, purpose: "the commonality test"), mentioning: ["commonality"]) {
            _ = try commonalityTest([curves[0]], model: .power)
        }
    }
}
