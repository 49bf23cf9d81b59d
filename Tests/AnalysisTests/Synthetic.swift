import Foundation
import NumericCore
@testable import Analysis

/// Synthetic cooling curves with known parameters: ln S_c(e) = a_c − g(e; θ) + η, η ~ N(0, sd²) independent
/// (multiplicative log-normal noise on S).
func syntheticCurves(model: CoolingModel, theta: [Double], amplitudes: [Double], epochs: [Double],
                     noise sd: Double, seed: UInt64, kind: CurveKind = .signal, run: String? = nil) -> [CoolingCurve] {
    var stream = RandomStream(seed: seed, purpose: "synthetic")
    return amplitudes.enumerated().map { c, a in
        let values = epochs.map { e in exp(a - model.decay(epoch: e, parameters: theta) + sd * stream.nextGaussian()) }
        return CoolingCurve(layer: String(c + 1), kind: kind, run: run, epochs: epochs, values: values)
    }
}

/// Curves of the same layers decaying with different shared-model parameters, one θ per curve.
func curvesWithOwnDecays(model: CoolingModel, thetas: [[Double]], epochs: [Double], noise sd: Double, seed: UInt64) -> [CoolingCurve] {
    var stream = RandomStream(seed: seed, purpose: "synthetic-own")
    return thetas.enumerated().map { c, theta in
        let values = epochs.map { e in exp(Double(c) - model.decay(epoch: e, parameters: theta) + sd * stream.nextGaussian()) }
        return CoolingCurve(layer: String(c + 1), epochs: epochs, values: values)
    }
}

/// The true parameters used for each model in the tests, on epochs of order 5 … 200.
func truth(_ model: CoolingModel) -> [Double] {
    switch model {
    case .nested: return [0.8, -0.3]
    case .power: return [0.9]
    case .exponential: return [60]
    case .stretched: return [20, 0.5]
    }
}

/// A generic least-squares problem given by its residuals and Jacobian, for testing the solver alone.
final class ResidualProblem: LeastSquaresProblem {
    let parameterCount: Int
    let residuals: ([Double]) -> [Double]
    let jacobian: ([Double]) -> [[Double]]  // rows: residuals; columns: parameters
    init(parameterCount: Int, residuals: @escaping ([Double]) -> [Double], jacobian: @escaping ([Double]) -> [[Double]]) {
        self.parameterCount = parameterCount
        self.residuals = residuals
        self.jacobian = jacobian
    }
    func sumOfSquares(_ parameters: [Double]) -> Double { residuals(parameters).reduce(0) { $0 + $1 * $1 } }
    func normalEquations(_ parameters: [Double], jtj: inout [Double], jtr: inout [Double]) -> Double {
        let r = residuals(parameters), j = jacobian(parameters), p = parameterCount
        for a in 0..<p {
            jtr[a] = 0
            for i in 0..<r.count { jtr[a] += j[i][a] * r[i] }
            for b in 0..<p {
                jtj[a * p + b] = 0
                for i in 0..<r.count { jtj[a * p + b] += j[i][a] * j[i][b] }
            }
        }
        return r.reduce(0) { $0 + $1 * $1 }
    }
}

/// |a − b| ≤ tolerance·max(|a|, |b|).
func relativelyClose(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
    abs(a - b) <= tolerance * max(abs(a), abs(b))
}
