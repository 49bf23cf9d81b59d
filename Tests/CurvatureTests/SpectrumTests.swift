import Foundation
import Testing
import NumericCore
import Networks
@testable import Curvature

/// A = Q diag(λ) Qᵀ with a random orthogonal Q (from the QR of a Gaussian matrix by Gram–Schmidt), as an operator.
struct KnownSpectrum {
    let n: Int
    let matrix: [Double]

    init(eigenvalues: [Double], seed: UInt64) {
        n = eigenvalues.count
        var random = RandomStream(seed: seed, purpose: "spectrum")
        var q: [[Double]] = []
        while q.count < n {
            var v = (0..<n).map { _ in random.nextGaussian() }
            for u in q { let d = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }; v = zip(v, u).map { $0 - d * $1 } }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            q.append(v.map { $0 / norm })
        }
        var a = [Double](repeating: 0, count: n * n)
        for k in 0..<n { for i in 0..<n { for j in 0..<n { a[i * n + j] += eigenvalues[k] * q[k][i] * q[k][j] } } }
        matrix = a
    }

    func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        for i in 0..<n {
            var s = 0.0
            for j in 0..<n { s += matrix[i * n + j] * Double(x[j]) }
            y[i] = Float(s)
        }
    }
}

@Suite("Lanczos and Hutchinson")
struct SpectrumTests {
    @Test("Lanczos finds the top eigenvalues of a matrix with a known spectrum")
    func lanczosKnownSpectrum() {
        let values = [9.0, 7.5, 6.0] + (0..<57).map { Double($0) / 57 * 4 - 1 }  // three outliers above [−1, 3]
        let a = KnownSpectrum(eigenvalues: values, seed: 11)
        var random = RandomStream(seed: 1, purpose: "lanczos")
        let result = Lanczos(steps: 25).run(dimension: a.n, random: &random, apply: a.apply)
        for (k, expected) in [9.0, 7.5, 6.0].enumerated() {
            #expect(abs(result.ritzValues[k] - expected) < 1e-4, "θ_\(k + 1) = \(result.ritzValues[k]), λ = \(expected)")
        }
        #expect(result.residuals[0] < 1e-3)
    }

    @Test("Lanczos stops at an invariant subspace with the exact eigenvalues")
    func lanczosInvariantSubspace() {
        let a = KnownSpectrum(eigenvalues: [3, -2, 0.5, 1], seed: 2)
        var random = RandomStream(seed: 1, purpose: "lanczos")
        let result = Lanczos(steps: 20).run(dimension: 4, random: &random, apply: a.apply)
        #expect(result.steps == 4)
        #expect(zip(result.ritzValues, [3, 1, 0.5, -2]).allSatisfy { abs($0 - $1) < 1e-5 }, "\(result.ritzValues)")
    }

    @Test("Hutchinson's estimate is exact on a diagonal operator and unbiased within its standard error")
    func hutchinson() {
        var random = RandomStream(seed: 4, purpose: "probes")
        let diagonal = (0..<50).map { Float($0) / 10 - 1 }
        let exact = Hutchinson(probes: 3).run(dimension: 50, random: &random) { x, y in
            for i in 0..<50 { y[i] = diagonal[i] * x[i] }
        }
        #expect(abs(exact.trace - diagonal.reduce(0) { $0 + Double($1) }) < 1e-4 && exact.standardError < 1e-6)
        let a = KnownSpectrum(eigenvalues: (0..<40).map { Double($0 % 7) - 2 }, seed: 9)
        let trace = (0..<40).reduce(0.0) { $0 + Double($1 % 7) - 2 }
        let estimate = Hutchinson(probes: 400).run(dimension: 40, random: &random, apply: a.apply)
        #expect(abs(estimate.trace - trace) < 4 * estimate.standardError, "\(estimate) against \(trace)")
        #expect(estimate.standardError > 0 && estimate.standardError < 1)
    }

    @Test("On a small network, Lanczos λ_max and Hutchinson's trace agree with the dense block's eigen-decomposition",
          arguments: [Activation.relu, .tanh])
    func agreesWithDenseBlocks(_ activation: Activation) throws {
        let problem = SmallProblem(widths: [6, 5, 4, 3], activation: activation, batch: 12)
        var settings = CurvatureSettings()
        settings.lanczosSteps = 30
        settings.probes = 300
        settings.exactUpTo = 100
        let measurement = try CurvatureMeasurement.measure(problem.hvp, settings: settings)
        for layer in measurement.layers {
            let exactMax = layer.lambdaMaxExact!, exactTrace = layer.traceExact!
            #expect(abs(layer.lambdaMax - exactMax) <= 1e-4 * max(1, abs(exactMax)), "layer \(layer.layer): \(layer.lambdaMax) vs \(exactMax)")
            #expect(abs(layer.trace - exactTrace) <= 4 * layer.traceStandardError + 1e-6,
                    "layer \(layer.layer): \(layer.trace) ± \(layer.traceStandardError) vs \(exactTrace)")
        }
        let full = CurvatureMeasurement.denseBlock(problem.hvp, layers: 1...3)
        let n = problem.hvp.dimension(1...3)
        let top = LAPACK.symmetricEigen(full, dimension: n)!.values.last!
        #expect(abs(measurement.fullLambdaMax! - top) <= 1e-3 * max(1, abs(top)), "\(measurement.fullLambdaMax!) vs \(top)")
        // The full H's top eigenvalue is at least every block's (a block's Rayleigh quotient is one of H's).
        #expect(measurement.layers.allSatisfy { $0.lambdaMaxExact! <= top + 1e-5 })
    }

    @Test("A measurement is deterministic")
    func deterministic() throws {
        let a = try CurvatureMeasurement.measure(SmallProblem(widths: [6, 5, 3], activation: .relu).hvp, settings: CurvatureSettings())
        let b = try CurvatureMeasurement.measure(SmallProblem(widths: [6, 5, 3], activation: .relu).hvp, settings: CurvatureSettings())
        #expect(a == b)
    }
}
