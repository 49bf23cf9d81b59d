import Foundation

/// The joint cooling fit as a least-squares problem in the shared parameters only (variable projection).
///
/// The full problem minimises Σ_c Σ_{i∈c} (y_ci − a_c + g(e_i; θ))² over the amplitudes a and θ. For fixed θ
/// the amplitudes are linear and solved in closed form: a_c(θ) = mean_{i∈c}(y_ci + g_i). Substituting them
/// leaves the reduced residual r_ci(θ) = ā_c(θ) − u_ci with u = y + g; since the amplitudes' basis (one
/// indicator per curve) does not depend on θ, the reduced Jacobian is exact:
/// J_ci,k = −(∂_k g_i − mean_{j∈c} ∂_k g_j) (Golub & Pereyra, "The differentiation of pseudo-inverses and
/// nonlinear least squares problems whose variables separate", 1973). Its JᵀJ equals the Schur complement of
/// the amplitude block in the full JᵀJ, so (JᵀJ)⁻¹ of the reduced problem is exactly the θ-block of the full
/// inverse.
///
/// g and ∂g are evaluated once per unique epoch (the expensive exp/log work), then two passes per curve
/// gather them: means first, centred sums second (no cancellation-prone one-pass formulas). All storage is
/// allocated once, in `init`.
final class CoolingLeastSquares: LeastSquaresProblem {
    let model: CoolingModel
    let parameterCount: Int
    let epochCount: Int
    let curveCount: Int
    let pointCount: Int
    private let epochs: UnsafeMutablePointer<Double>    // (U)
    private let lnEpochs: UnsafeMutablePointer<Double>  // (U)
    private let curveStart: UnsafeMutablePointer<Int>   // (C + 1)
    private let pointEpoch: UnsafeMutablePointer<Int32> // (N)
    private let y: UnsafeMutablePointer<Double>         // (N) ln values
    private let g: UnsafeMutablePointer<Double>         // (U) g(e_j; θ)
    private let d0: UnsafeMutablePointer<Double>        // (U) ∂g/∂u_0
    private let d1: UnsafeMutablePointer<Double>        // (U) ∂g/∂u_1 (unused when p = 1)

    init(model: CoolingModel, data: PreparedCurves) {
        self.model = model
        parameterCount = model.parameterCount
        epochCount = data.epochs.count
        curveCount = data.curveCount
        pointCount = data.pointCount
        func copy<T>(_ a: [T]) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, a.count))
            a.withUnsafeBufferPointer { if let base = $0.baseAddress { p.initialize(from: base, count: a.count) } }
            return p
        }
        epochs = copy(data.epochs)
        lnEpochs = copy(data.lnEpochs)
        curveStart = copy(data.curveStart)
        pointEpoch = copy(data.pointEpoch)
        y = copy(data.logValues)
        g = .allocate(capacity: max(1, epochCount))
        d0 = .allocate(capacity: max(1, epochCount))
        d1 = .allocate(capacity: max(1, epochCount))
    }

    deinit {
        epochs.deallocate(); lnEpochs.deallocate(); curveStart.deallocate(); pointEpoch.deallocate()
        y.deallocate(); g.deallocate(); d0.deallocate(); d1.deallocate()
    }

    /// Replaces the data y (same layout), for bootstrap replicates.
    func setLogValues(_ values: UnsafeBufferPointer<Double>) {
        precondition(values.count == pointCount)
        if let base = values.baseAddress { y.update(from: base, count: pointCount) }
    }

    /// χ²(θ) with the amplitudes eliminated.
    func sumOfSquares(_ u: [Double]) -> Double {
        guard model.evaluateDecay(u, epochs: epochs, lnEpochs: lnEpochs, count: epochCount, g: g, d0: nil, d1: nil)
        else { return .infinity }
        var total = 0.0
        for c in 0..<curveCount {
            let start = curveStart[c], end = curveStart[c + 1]
            var sum = 0.0
            for i in start..<end { sum += y[i] + g[Int(pointEpoch[i])] }
            let mean = sum / Double(end - start)
            var ss = 0.0
            for i in start..<end {
                let r = y[i] + g[Int(pointEpoch[i])] - mean
                ss += r * r
            }
            total += ss
        }
        return total
    }

    /// χ², JᵀJ and Jᵀr of the reduced problem at θ.
    func normalEquations(_ u: [Double], jtj: inout [Double], jtr: inout [Double]) -> Double {
        let p = parameterCount
        guard model.evaluateDecay(u, epochs: epochs, lnEpochs: lnEpochs, count: epochCount, g: g, d0: d0, d1: d1)
        else {
            for k in 0..<(p * p) { jtj[k] = .nan }
            for k in 0..<p { jtr[k] = .nan }
            return .infinity
        }
        var total = 0.0
        var a00 = 0.0, a01 = 0.0, a11 = 0.0, b0 = 0.0, b1 = 0.0
        for c in 0..<curveCount {
            let start = curveStart[c], end = curveStart[c + 1]
            let count = Double(end - start)
            var su = 0.0, s0 = 0.0, s1 = 0.0
            for i in start..<end {
                let j = Int(pointEpoch[i])
                su += y[i] + g[j]
                s0 += d0[j]
                s1 += d1[j]
            }
            let mu = su / count, m0 = s0 / count, m1 = s1 / count
            if p == 1 {
                for i in start..<end {
                    let j = Int(pointEpoch[i])
                    let du = y[i] + g[j] - mu
                    let e0 = d0[j] - m0
                    total += du * du
                    b0 += e0 * du
                    a00 += e0 * e0
                }
            } else {
                for i in start..<end {
                    let j = Int(pointEpoch[i])
                    let du = y[i] + g[j] - mu
                    let e0 = d0[j] - m0, e1 = d1[j] - m1
                    total += du * du
                    b0 += e0 * du
                    b1 += e1 * du
                    a00 += e0 * e0
                    a01 += e0 * e1
                    a11 += e1 * e1
                }
            }
        }
        if p == 1 {
            jtj[0] = a00
            jtr[0] = b0
        } else {
            jtj[0] = a00; jtj[1] = a01; jtj[2] = a01; jtj[3] = a11
            jtr[0] = b0; jtr[1] = b1
        }
        return total
    }

    /// At θ: the amplitudes a_c, the per-curve means of ∂g/∂u_k (m_ck, for the amplitudes' variances) and the
    /// residuals y − ŷ in point order (ŷ_ci = a_c − g_i).
    func amplitudesAndResiduals(_ u: [Double]) -> (amplitudes: [Double], derivativeMeans: [[Double]], residuals: [Double]) {
        _ = model.evaluateDecay(u, epochs: epochs, lnEpochs: lnEpochs, count: epochCount, g: g, d0: d0, d1: d1)
        var amplitudes = [Double](repeating: 0, count: curveCount)
        var means = [[Double]](repeating: [], count: curveCount)
        var residuals = [Double](repeating: 0, count: pointCount)
        for c in 0..<curveCount {
            let start = curveStart[c], end = curveStart[c + 1]
            let count = Double(end - start)
            var su = 0.0, s0 = 0.0, s1 = 0.0
            for i in start..<end {
                let j = Int(pointEpoch[i])
                su += y[i] + g[j]
                s0 += d0[j]
                s1 += d1[j]
            }
            amplitudes[c] = su / count
            means[c] = parameterCount == 1 ? [s0 / count] : [s0 / count, s1 / count]
            for i in start..<end { residuals[i] = y[i] + g[Int(pointEpoch[i])] - amplitudes[c] }
        }
        return (amplitudes, means, residuals)
    }

    /// A starting point by profiling: the model is written g = c·h(e; ν) with c entering linearly; for each ν
    /// on a grid, c is the least-squares solution c = −Σ ỹ·h̃ / Σ h̃² (tildes: centred per curve) and the
    /// χ² = Σ ỹ² − (Σ ỹ·h̃)²/Σ h̃²; the grid point with the least χ² (and an admissible c) wins.
    /// nested: c = α, ν = β, h = (e^β − 1)/β; power: c = α, h = ln e; exponential: c = 1/τ, h = e;
    /// stretched: c = τ^(−β), ν = β, h = e^β.
    func profiledStart(bounds: [ParameterBounds]) -> [Double] {
        let hValues = UnsafeMutablePointer<Double>.allocate(capacity: max(1, epochCount))
        defer { hValues.deallocate() }
        func profile(_ h: (Int) -> Double) -> (c: Double, chi2: Double) {
            for j in 0..<epochCount { hValues[j] = h(j) }
            var syh = 0.0, shh = 0.0, syy = 0.0
            for c in 0..<curveCount {
                let start = curveStart[c], end = curveStart[c + 1]
                let count = Double(end - start)
                var sy = 0.0, sh = 0.0
                for i in start..<end { sy += y[i]; sh += hValues[Int(pointEpoch[i])] }
                let my = sy / count, mh = sh / count
                for i in start..<end {
                    let dy = y[i] - my, dh = hValues[Int(pointEpoch[i])] - mh
                    syh += dy * dh; shh += dh * dh; syy += dy * dy
                }
            }
            guard shh > 0, shh.isFinite else { return (0, .infinity) }
            return (-syh / shh, syy - syh * syh / shh)
        }
        let natural = bounds
        switch model {
        case .power:
            return [natural[0].clamp(profile { self.lnEpochs[$0] }.c)]
        case .exponential:
            let c = profile { self.epochs[$0] }.c
            let tau = c > 0 ? 1 / c : 10 * (epochCount > 0 ? epochs[epochCount - 1] : 1)
            return model.toSolver([natural[0].clamp(tau)])
        case .nested:
            var best = (chi2: Double.infinity, alpha: 1.0, beta: 0.0)
            for beta in [-2.0, -1, -0.5, -0.25, -0.1, 0, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2] where natural[1].lower <= beta && beta <= natural[1].upper {
                let fit = profile { self.lnEpochs[$0] * CoolingModel.nestedFactors(beta * self.lnEpochs[$0]).e }
                if fit.chi2 < best.chi2 { best = (fit.chi2, fit.c, beta) }
            }
            return [natural[0].clamp(best.alpha), natural[1].clamp(best.beta)]
        case .stretched:
            var best = (chi2: Double.infinity, tau: 1.0, beta: 0.5)
            for beta in [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0] where natural[1].lower <= beta && beta <= natural[1].upper {
                let fit = profile { exp(beta * self.lnEpochs[$0]) }
                guard fit.c > 0 else { continue }
                if fit.chi2 < best.chi2 { best = (fit.chi2, pow(fit.c, -1 / beta), beta) }
            }
            if !best.chi2.isFinite { best = (0, 10 * (epochCount > 0 ? epochs[epochCount - 1] : 1), natural[1].clamp(0.5)) }
            return model.toSolver([natural[0].clamp(best.tau), natural[1].clamp(best.beta)])
        }
    }
}
