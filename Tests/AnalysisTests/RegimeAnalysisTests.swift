import Foundation
import Testing
@testable import Analysis

@Suite("Regime analysis of a whole run")
struct RegimeAnalysisTests {
    /// Three layers: rising to a peak at epoch 5, then own decays until epoch 40 and one common power law after,
    /// SNR from 4 falling through 1 near epoch 10 to 0.5.
    static func run(epochs: Int = 200) -> [RegimeSeries] {
        let positions = (1...epochs).map(Double.init)
        let early = [0.3, 1.5, 0.8], late = 0.9
        return early.enumerated().map { c, alpha in
            let noise = syntheticCurves(model: .power, theta: [0], amplitudes: [0], epochs: positions, noise: 0.01,
                                        seed: 70 + UInt64(c))[0].values
            let signal = zip(positions, noise).map { e, eta -> Double in
                let x = max(e, 5)
                let lnS = x < 40 ? -alpha * log(x / 5) : -alpha * log(8) - late * log(x / 40)
                return exp(lnS - Double(c)) * eta * (e < 5 ? e / 5 : 1)
            }
            let snr = positions.map { 0.5 + 3.5 * exp(-($0 - 1) / 5) }
            return RegimeSeries(layer: String(c + 1), positions: positions, signal: signal,
                                noise: zip(signal, snr).map { $0 / $1 })
        }
    }

    @Test func findsPeaksCrossingsAndTheOnsetAfterTheLatestPeak() throws {
        let analysis = regimeAnalysis(Self.run())
        #expect(analysis.layers.count == 3)
        for layer in analysis.layers {
            #expect(layer.regimes.signalPeak.position == 5)
            let crossing = try #require(layer.regimes.crossings.first)
            #expect(crossing.found && abs((crossing.position ?? 0) - 10.7) < 1, "\(crossing.note)")
            #expect(layer.regimes.crossings.count == 1, "no per-weight SNR given")
        }
        #expect(analysis.searchFrom == 5)
        #expect(analysis.candidateStarts.first == 5 && analysis.candidateStarts.count > 10)
        let onset = try #require(analysis.commonOnset)
        #expect(onset >= 40 && onset <= 80, "\(analysis.onsetNote)")
        #expect(analysis.onset?.candidates.first?.holds == false)
        #expect(analysis.onsetNote.contains("common decay from"))
        #expect(analysis.leftOut == 0)
    }

    @Test func saysWhyTheOnsetIsNotLocated() {
        // Too few epochs after the peak.
        let short = regimeAnalysis(Self.run(epochs: 12))
        #expect(short.commonOnset == nil && short.candidateStarts.isEmpty)
        #expect(short.onsetNote.contains("not located at this resolution: fewer than 10 positions after the latest signal peak at 5"), "\(short.onsetNote)")
        // A single curve cannot be compared.
        let one = regimeAnalysis(Array(Self.run().prefix(1)))
        #expect(one.commonOnset == nil && one.onsetNote.contains("needs at least 2"))
        // Non-positive values are left out of the onset fits and counted.
        var damaged = Self.run()
        damaged[1].signal[100] = 0
        damaged[2].noise[50] = -1
        var options = RegimeOptions()
        options.curves = .both
        let both = regimeAnalysis(damaged, options: options)
        #expect(both.leftOut == 2 && both.commonOnset != nil)
        #expect(regimeAnalysis([]).onsetNote.contains("no layer has data"))
    }

    @Test func candidateStartsAreLogSpacedAndLeaveRoom() {
        let positions = (1...1000).map(Double.init)
        let starts = regimeCandidateStarts(positions, from: 10, keep: 10, count: 5)
        #expect(starts == [10, 32, 100, 315, 991], "\(starts)")
        #expect(starts.first == 10 && starts.last == 991)
        #expect(regimeCandidateStarts(positions, from: 995, keep: 10).isEmpty)
        #expect(regimeCandidateStarts([0, -1, .nan, 2, 3, 4], from: -10, keep: 2) == [2, 3])
    }

    @Test func fractionalEpochsAreFormattedWithoutTrailingZeros() {
        #expect(formatEpoch(0.12) == "0.12" && formatEpoch(1.7094017) == "1.7094" && formatEpoch(40) == "40")
        #expect(EpochWindow(from: 0.5, to: 12).description == "[0.5, 12]")
    }
}
