import Foundation
import Testing
@testable import Analysis

@Suite("Cooling models")
struct CoolingModelTests {
    /// Analytic ∂g/∂u (solver coordinates) against central differences, for every model.
    @Test(arguments: CoolingModel.allCases)
    func analyticJacobianMatchesFiniteDifferences(model: CoolingModel) {
        let epochs = [1.0, 2, 7, 40, 300, 5000]
        let lnEpochs = epochs.map { log($0) }
        let u = model.toSolver(truth(model))
        let n = epochs.count
        var g = [Double](repeating: 0, count: n), d0 = g, d1 = g
        epochs.withUnsafeBufferPointer { e in lnEpochs.withUnsafeBufferPointer { l in
            _ = model.evaluateDecay(u, epochs: e.baseAddress!, lnEpochs: l.baseAddress!, count: n, g: &g, d0: &d0, d1: &d1)
        } }
        func decay(_ u: [Double]) -> [Double] { epochs.map { model.decay(epoch: $0, parameters: model.fromSolver(u)) } }
        for j in 0..<n { #expect(relativelyClose(g[j], decay(u)[j], 1e-13)) }
        for k in 0..<model.parameterCount {
            let h = 1e-6 * max(1, abs(u[k]))
            var up = u, down = u
            up[k] += h
            down[k] -= h
            let fd = zip(decay(up), decay(down)).map { ($0 - $1) / (2 * h) }
            let analytic = k == 0 ? d0 : d1
            for j in 0..<n {
                #expect(abs(analytic[j] - fd[j]) <= 1e-6 * max(1, abs(fd[j])), "\(model) ∂g/∂u\(k) at e = \(epochs[j])")
            }
        }
    }

    @Test func nestedDecayIsSmoothThroughBetaZero() {
        // β = 0 is the power law; across the series/closed-form switch at |β ln e| = 0.05 the decay and its
        // β-derivative are continuous to rounding.
        for e in [2.0, 10, 100, 1000] {
            #expect(abs(CoolingModel.nested.decay(epoch: e, parameters: [0.7, 0]) - 0.7 * log(e)) < 1e-15 * log(e))
        }
        // The two sides of the switch differ only by the slope times the 10⁻¹³ step in x (E′ ≈ ½, F′ ≈ ⅓).
        for x in [0.05, -0.05] {
            let below = CoolingModel.nestedFactors(x * (1 - 1e-12)), above = CoolingModel.nestedFactors(x * (1 + 1e-12))
            #expect(abs(below.e - above.e) < 2e-13 && abs(below.f - above.f) < 2e-13)
        }
        // Series against the closed form where both are accurate.
        for x in [0.049, -0.049, 0.01, -0.01] {
            let series = CoolingModel.nestedFactors(x)
            #expect(abs(series.e - expm1(x) / x) < 1e-15)
            #expect(abs(series.f - (x * exp(x) - expm1(x)) / (x * x)) < 1e-12)
        }
    }

    @Test func nestedCoincidesWithStretchedUpToTheAmplitude() {
        // α(e^β − 1)/β = (e/τ)^β − α/β with τ^(−β) = α/β.
        let alpha = 0.8, beta = 0.4
        let tau = pow(alpha / beta, -1 / beta)
        for e in [1.0, 5, 50, 500] {
            let nested = CoolingModel.nested.decay(epoch: e, parameters: [alpha, beta])
            let stretched = CoolingModel.stretched.decay(epoch: e, parameters: [tau, beta])
            #expect(abs(nested - (stretched - alpha / beta)) < 1e-12 * max(1, stretched))
        }
    }
}
