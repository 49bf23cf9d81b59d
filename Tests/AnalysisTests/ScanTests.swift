import Foundation
import Testing
@testable import Analysis

@Suite("Window scans and the effective exponent")
struct ScanTests {
    @Test func effectiveExponentOfAPowerLawIsItsExponent() throws {
        let epochs = (1...500).map(Double.init)
        let values = epochs.map { 3 * pow($0, -0.93) }
        let points = try effectiveExponent(epochs: epochs, values: values)
        #expect(!points.isEmpty)
        #expect(points.allSatisfy { abs($0.exponent - 0.93) < 1e-10 })
        // The first epochs have too few neighbours within e^±0.25 and are omitted.
        #expect(points.first!.epoch > 1)
        #expect(points.allSatisfy { $0.pointsUsed >= 3 })
    }

    @Test func effectiveExponentOfTheNestedDecayIsAlphaTimesEToTheBeta() throws {
        // −d ln S/d ln e = α·e^β for g = α(e^β − 1)/β; local linear regression is exact up to curvature.
        let alpha = 0.8, beta = -0.3
        let epochs = (1...2000).map(Double.init)
        let values = epochs.map { exp(-CoolingModel.nested.decay(epoch: $0, parameters: [alpha, beta])) }
        let points = try effectiveExponent(epochs: epochs, values: values, halfWidth: 0.1)
        for p in points where p.epoch >= 50 && p.epoch <= 1800 {  // interior: the window e^±0.1 is complete
            let expected = alpha * pow(p.epoch, beta)
            #expect(abs(p.exponent - expected) < 2e-3 * expected, "e = \(p.epoch): \(p.exponent) vs \(expected)")
        }
    }

    @Test func effectiveExponentsPerCurveAndTheirErrors() throws {
        let curves = syntheticCurves(model: .power, theta: [0.5], amplitudes: [0, 1], epochs: (1...100).map(Double.init),
                                     noise: 0, seed: 1)
        let all = try effectiveExponents(curves, window: EpochWindow(from: 10, to: 80))
        #expect(all.map(\.curve) == ["layer 1 signal", "layer 2 signal"])
        #expect(all[0].points.first!.epoch >= 10 && all[0].points.last!.epoch <= 80)
        #expect(throws: CoolingFitError.nonPositiveValue(curve: "curve", epoch: 2, value: 0)) {
            try effectiveExponent(epochs: [1, 2, 3], values: [1, 0, 1])
        }
    }

    @Test func windowScanTracksTheExponentAgainstTheWindowStart() throws {
        // A nested decay with β < 0: the local power-law exponent α·e^β falls with the window start.
        let epochs = (1...400).map(Double.init)
        let curves = syntheticCurves(model: .nested, theta: [0.8, -0.3], amplitudes: [0, -1], epochs: epochs,
                                     noise: 0.01, seed: 6)
        let power = try windowScan(curves, model: .power, starts: [1, 10, 50, 200])
        #expect(power.points.count == 4 && power.points.allSatisfy { $0.error == nil })
        let exponents = power.points.map { $0.parameters![0].value }
        #expect(zip(exponents, exponents.dropFirst()).allSatisfy { $0 > $1 })
        let nested = try windowScan(curves, model: .nested)
        #expect(nested.points.count >= 10)
        #expect(nested.points.first!.start == 1)
        for point in nested.points where point.pointCount > 100 {
            let beta = try #require(point.parameters?[1])
            #expect(try #require(beta.interval).contains(-0.3) || abs(beta.value + 0.3) < 0.05)
        }
        // Windows that are too short are reported, not thrown.
        let late = try windowScan(curves, model: .nested, starts: [399])
        #expect(late.points[0].error?.contains("too few points") == true)
    }
}
