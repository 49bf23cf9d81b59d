import Foundation
import Testing
@testable import Analysis

@Suite("Layer signal statistics and regimes")
struct LayerStatisticsTests {
    @Test func layerSignalIsTheMeanAbsoluteGradient() {
        #expect(layerSignal(gradient: [Float(1), -2, 3, -4]) == 2.5)
    }

    @Test func statisticsPerEpochUseThePopulationStandardDeviation() throws {
        let steps = [1.0, 2, 3, 4, 10, 10]
        let stats = layerSignalStatistics(steps: steps, epochOfStep: [1, 1, 1, 1, 2, 2])
        #expect(stats.count == 2)
        #expect(stats[0].position == 1 && stats[0].firstStep == 0 && stats[0].stepCount == 4)
        #expect(stats[0].signal == 2.5)
        #expect(abs(stats[0].temperature - 1.25) < 1e-15)  // Σ(s − 2.5)²/4
        #expect(abs(stats[0].noise - 1.25.squareRoot()) < 1e-15)
        #expect(abs(try #require(stats[0].signalToNoise) - 2.5 / 1.25.squareRoot()) < 1e-14)
        #expect(stats[1].noise == 0 && stats[1].signalToNoise == nil)
    }

    @Test func statisticsOverWindowsOfSteps() {
        let steps = (0..<10).map(Double.init)
        let dropped = layerSignalStatistics(steps: steps, windowSteps: 4)
        #expect(dropped.map(\.stepCount) == [4, 4])
        #expect(dropped.map(\.position) == [4, 8])
        let kept = layerSignalStatistics(steps: steps, windowSteps: 4, stepsPerEpoch: 4, keepPartialWindow: true)
        #expect(kept.map(\.stepCount) == [4, 4, 2])
        #expect(kept.map(\.position) == [1, 2, 2.5])
        #expect(kept[2].signal == 8.5)
    }

    @Test func perWeightRatio() {
        #expect(Analysis.perWeightSignalToNoise(means: [3.0, 4], variances: [16.0, 9]) == 1)
    }

    @Test func regimesFindThePeakAndTheCrossing() {
        // Signal rises to a peak at 3 and decays; noise grows: SNR crosses 1 between 4 and 5.
        let positions = [1.0, 2, 3, 4, 5, 6]
        let signal = [1.0, 2, 3, 2.5, 2, 1.5]
        let noise = [0.2, 0.5, 1.5, 2.0, 2.5, 3]
        let perWeight = [0.5, 0.4, 0.3, 0.2, 0.1, 0.1]
        let regimes = layerRegimes(layer: "1", positions: positions, signal: signal, noise: noise, perWeightSNR: perWeight)
        #expect(regimes.signalPeak.position == 3 && regimes.signalPeak.index == 2 && !regimes.signalPeak.atFirstPoint)
        let layerMean = regimes.crossings[0]
        #expect(layerMean.kind == .layerMean && layerMean.found && layerMean.index == 4)
        // ln SNR: ln 1.25 at 4, ln 0.8 at 5 → the crossing is halfway.
        #expect(abs(layerMean.position! - 4.5) < 1e-12)
        let perWeightCrossing = regimes.crossings[1]
        #expect(perWeightCrossing.kind == .perWeight && !perWeightCrossing.found)
        #expect(perWeightCrossing.note.contains("not found at this resolution") && perWeightCrossing.note.contains("first point"))
    }

    @Test func crossingNotFoundWhenTheSNRStaysAboveOne() {
        let stats = layerSignalStatistics(steps: [1, 1.1, 2, 2.1, 1.5, 1.6], windowSteps: 2)
        let regimes = layerRegimes(layer: "2", statistics: stats)
        #expect(!regimes.crossings[0].found && regimes.crossings[0].position == nil)
        #expect(regimes.crossings[0].note.contains("stays above 1"))
        #expect(regimes.signalPeak.position == 4)
        let early = layerRegimes(layer: "3", positions: [1, 2], signal: [2, 1], noise: [1, 1])
        #expect(early.signalPeak.atFirstPoint && early.signalPeak.note.contains("shorter than this resolution"))
    }

    @Test func onsetOfTheCommonRegime() throws {
        // Before epoch 60 the layers decay with their own exponents; from 60 on with one common exponent.
        let epochs = (1...300).map(Double.init)
        let early = [0.3, 1.5, 0.8], late = 0.9
        var curves: [CoolingCurve] = []
        for (c, alpha) in early.enumerated() {
            let noise = syntheticCurves(model: .power, theta: [0], amplitudes: [0], epochs: epochs, noise: 0.01, seed: 40 + UInt64(c))[0]
            let values = zip(epochs, noise.values).map { e, eta -> Double in
                let lnS = e < 60 ? -alpha * log(e) : -alpha * log(60) - late * (log(e) - log(60))
                return exp(lnS) * eta
            }
            curves.append(CoolingCurve(layer: String(c + 1), epochs: epochs, values: values))
        }
        let onset = try commonRegimeOnset(curves, model: .power, starts: [1, 10, 20, 40, 60, 80, 120, 160])
        #expect(onset.onset == 60, "\(onset.candidates.map { ($0.start, $0.deltaAIC ?? .nan, $0.error ?? "") })")
        #expect(onset.candidates.count == 8)
        #expect(onset.candidates.prefix(4).allSatisfy { !$0.holds && ($0.deltaAIC ?? 0) > 10 })
        #expect(onset.criterion.contains("ΔAIC"))
        #expect(onset.note.contains("common decay from 60"))
        // No common regime at all: different exponents throughout.
        let different = curvesWithOwnDecays(model: .power, thetas: [[0.5], [1.0]], epochs: epochs, noise: 0.01, seed: 2)
        let none = try commonRegimeOnset(different, model: .power, starts: [1, 50, 100])
        #expect(none.onset == nil && !none.stable && none.note.contains("no common regime"))
    }
}
