import Networks
import NumericCore

/// How a curvature measurement is made. `CurvatureMeasurement.measure` checks the values (``validate(layerCount:)``).
public struct CurvatureSettings: Sendable, Codable, Equatable {
    /// m ≥ 1, the Lanczos steps per operator (products per λ_max).
    public var lanczosSteps = 20
    /// k, the number of top eigenvalues reported per layer (1…m).
    public var top = 1
    /// P ≥ 1, Hutchinson probes per layer trace.
    public var probes = 10
    /// Also the top eigenvalue of the full H (over every weight).
    public var full = true
    /// The seed of the Lanczos starts and the probes (streams "curvature-lanczos" and "curvature-probes").
    public var seed: UInt64 = 1
    /// Also the dense block (N_l products) and its exact eigenvalues and trace, for layers of at most this many
    /// weights; 0 for none.
    public var exactUpTo = 0
    /// The layers measured (1…L); nil: every layer.
    public var layers: [Int]? = nil

    /// The defaults: 20 Lanczos steps, the top eigenvalue, 10 probes, the full H too, seed 1, every layer.
    public init() {}
}

/// One layer's curvature: the top eigenvalues and the trace of its block H_ll of the Hessian of the probe
/// batch's mean cross-entropy over the weights.
public struct LayerCurvature: Sendable, Codable, Equatable {
    /// l (1…L).
    public var layer: Int
    /// N_l, the weights of the block.
    public var weights: Int
    /// λ_max(H_ll), the largest Ritz value.
    public var lambdaMax: Double
    /// The k largest Ritz values, largest first.
    public var topEigenvalues: [Double]
    /// The Ritz residual of λ_max, ‖H y − λ y‖ (small: converged).
    public var lambdaMaxResidual: Double
    /// tr H_ll by Hutchinson.
    public var trace: Double
    /// The standard error of `trace`.
    public var traceStandardError: Double
    /// λ_max of the dense block (with `exactUpTo`).
    public var lambdaMaxExact: Double? = nil
    /// tr of the dense block (with `exactUpTo`).
    public var traceExact: Double? = nil

    /// The expected rise of the loss when layer l alone is displaced by ΔW with independent entries uniform in
    /// [−R, R], to second order: E[gᵀΔW + ½ ΔWᵀ H_ll ΔW] = ½ (R²/3) tr H_ll (the first-order term has mean
    /// zero and E[ΔW_i ΔW_j] = δ_ij R²/3).
    public func predictedLossIncrease(radius r: Double) -> Double { 0.5 * r * r / 3 * trace }
}

/// A curvature measurement at one set of weights, on one probe batch.
public struct CurvatureMeasurement: Sendable, Codable, Equatable {
    /// The probe batch's mean cross-entropy at these weights.
    public var loss: Double
    /// The probe batch's size.
    public var batch: Int
    /// Per layer, 1…L.
    public var layers: [LayerCurvature]
    /// λ_max of the full H over every weight (nil when not asked for).
    public var fullLambdaMax: Double?
    /// Its Ritz residual.
    public var fullLambdaMaxResidual: Double?
    /// How it was measured.
    public var settings: CurvatureSettings

    /// Measures every layer of the prepared product `hvp` (and the full H), with its own seeded streams so that a
    /// measurement at the same weights and batch is the same number. Settings that
    /// ``CurvatureSettings/validate(layerCount:)`` refuses for `hvp`'s network are refused before any product.
    public static func measure(_ hvp: HessianVectorProduct, settings: CurvatureSettings) throws(CurvatureError) -> CurvatureMeasurement {
        try settings.validate(layerCount: hvp.layerCount)
        let lanczos = Lanczos(steps: settings.lanczosSteps), hutchinson = Hutchinson(probes: settings.probes)
        var layers: [LayerCurvature] = []
        for l in settings.layers ?? Array(1...hvp.layerCount) {
            let n = hvp.dimension(l...l)
            let apply = { (x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) in hvp.apply(x, into: y, layers: l...l) }
            var start = RandomStream(seed: settings.seed, purpose: "curvature-lanczos", index: UInt64(l))
            let ritz = lanczos.run(dimension: n, random: &start, apply: apply)
            var probes = RandomStream(seed: settings.seed, purpose: "curvature-probes", index: UInt64(l))
            let trace = hutchinson.run(dimension: n, random: &probes, apply: apply)
            var layer = LayerCurvature(layer: l, weights: n, lambdaMax: ritz.ritzValues[0],
                                       topEigenvalues: Array(ritz.ritzValues.prefix(settings.top)),
                                       lambdaMaxResidual: ritz.residuals[0], trace: trace.trace,
                                       traceStandardError: trace.standardError)
            if n <= settings.exactUpTo {
                let block = denseBlock(hvp, layers: l...l)
                layer.lambdaMaxExact = LAPACK.symmetricEigen(block, dimension: n)?.values.last
                layer.traceExact = (0..<n).reduce(0) { $0 + block[$1 * n + $1] }
            }
            layers.append(layer)
        }
        var full: Lanczos.Result? = nil
        if settings.full {
            var start = RandomStream(seed: settings.seed, purpose: "curvature-lanczos", index: 0)
            full = lanczos.run(dimension: hvp.dimension(1...hvp.layerCount), random: &start) { x, y in
                hvp.apply(x, into: y, layers: 1...hvp.layerCount)
            }
        }
        return CurvatureMeasurement(loss: hvp.loss, batch: hvp.batch, layers: layers,
                                    fullLambdaMax: full?.ritzValues[0], fullLambdaMaxResidual: full?.residuals[0],
                                    settings: settings)
    }

    /// The dense block of H on `layers` (N×N, row i = H e_i, symmetrised as (H + Hᵀ)/2), from N products: for
    /// checking on small layers.
    public static func denseBlock(_ hvp: HessianVectorProduct, layers: ClosedRange<Int>) -> [Double] {
        let n = hvp.dimension(layers)
        let e = FloatBuffer(count: n), column = FloatBuffer(count: n)
        var h = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            e.pointer[i] = 1
            hvp.apply(e.pointer, into: column.pointer, layers: layers)
            e.pointer[i] = 0
            for j in 0..<n { h[i * n + j] = Double(column.pointer[j]) }
        }
        for i in 0..<n { for j in (i + 1)..<n { let s = (h[i * n + j] + h[j * n + i]) / 2; h[i * n + j] = s; h[j * n + i] = s } }
        return h
    }
}
