import Foundation
import Testing
@testable import Analysis
import LayerStatistics

@Suite("Regimes of layer statistics")
struct RegimeTests {
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
