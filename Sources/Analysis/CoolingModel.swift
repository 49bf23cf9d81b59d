import Foundation

/// A model of the late common cooling: every curve c (a layer's signal S_l or noise σ_l) follows
/// ln S_c(e) = a_c − g(e; θ), with a per-curve amplitude a_c and decay parameters θ shared by all curves
/// (docs/definitions.md, "Cooling fit"). e is the epoch (e > 0).
///
/// | model | g(e; θ) | θ | default bounds |
/// |---|---|---|---|
/// | `nested` (default) | α·(e^β − 1)/β, → α·ln e as β → 0 | α, β ∈ ℝ | β ∈ [−5, 5] |
/// | `power` | α·ln e | α | — |
/// | `exponential` | e/τ | τ > 0 (log-scaled) | τ ∈ [10⁻⁶, 10¹²] |
/// | `stretched` | (e/τ)^β | τ > 0 (log-scaled), 0 < β ≤ 1 | τ ∈ [10⁻¹⁰, 10¹⁰], β ∈ [0.01, 1] |
///
/// The nested form is the stretched exponential for 0 < β < 1 (up to the constant α/β, which the amplitude
/// absorbs: α(e^β − 1)/β = (e/τ)^β − α/β with τ^(−β) = α/β), the power law at β = 0 and the exponential at β = 1
/// (e − 1 instead of e, again absorbed). So nested and stretched fits coincide (equal χ²) when the best β lies
/// in (0, 1); on a pure power law the stretched form has no interior optimum (τ → 0, β → 0) while the nested one
/// converges to β ≈ 0.
///
/// Log-scaled parameters (τ) are fitted in the coordinate u = ln τ, which keeps them positive and the
/// problem well scaled; their standard errors are propagated by the delta method, σ_τ = τ·σ_u, and their
/// Jacobian intervals are exp of the symmetric interval in u.
public enum CoolingModel: String, CaseIterable, Codable, Sendable {
    case nested, power, exponential, stretched

    /// The number of shared decay parameters θ.
    public var parameterCount: Int {
        switch self {
        case .nested, .stretched: return 2
        case .power, .exponential: return 1
        }
    }

    /// The parameters' names, as written in JSON ("alpha", "beta", "tau").
    public var parameterNames: [String] {
        switch self {
        case .nested: return ["alpha", "beta"]
        case .power: return ["alpha"]
        case .exponential: return ["tau"]
        case .stretched: return ["tau", "beta"]
        }
    }

    /// The parameters' symbols, for messages ("α", "β", "τ").
    public var parameterSymbols: [String] {
        parameterNames.map { ["alpha": "α", "beta": "β", "tau": "τ"][$0] ?? $0 }
    }

    /// Whether each parameter is fitted in logarithmic coordinates (u = ln p).
    public var logScaled: [Bool] {
        switch self {
        case .nested: return [false, false]
        case .power: return [false]
        case .exponential: return [true]
        case .stretched: return [true, false]
        }
    }

    /// The default box for each parameter, in the parameter's own units.
    public var defaultBounds: [ParameterBounds] {
        switch self {
        case .nested: return [.unbounded, ParameterBounds(lower: -5, upper: 5)]
        case .power: return [.unbounded]
        case .exponential: return [ParameterBounds(lower: 1e-6, upper: 1e12)]
        case .stretched: return [ParameterBounds(lower: 1e-10, upper: 1e10), ParameterBounds(lower: 0.01, upper: 1)]
        }
    }

    /// The name used in sentences ("power-law", "stretched exponential").
    public var displayName: String {
        switch self {
        case .nested: return "nested"
        case .power: return "power-law"
        case .exponential: return "exponential"
        case .stretched: return "stretched exponential"
        }
    }

    /// The model as a formula for ln S.
    public var formula: String {
        switch self {
        case .nested: return "ln S = a − α(e^β − 1)/β"
        case .power: return "ln S = a − α ln e"
        case .exponential: return "ln S = a − e/τ"
        case .stretched: return "ln S = a − (e/τ)^β"
        }
    }

    /// The index of the parameter that plays the role of "the exponent" in scans and summaries
    /// (β for nested and stretched, α for the power law, τ for the exponential).
    public var exponentIndex: Int {
        switch self {
        case .nested, .stretched: return 1
        case .power, .exponential: return 0
        }
    }

    /// g(e; θ) for one epoch, with θ in the parameters' own units (see the table above).
    public func decay(epoch e: Double, parameters theta: [Double]) -> Double {
        precondition(theta.count == parameterCount, "\(self): expected \(parameterCount) parameters")
        let lnE = log(e)
        switch self {
        case .nested: return theta[0] * lnE * CoolingModel.nestedFactors(theta[1] * lnE).e
        case .power: return theta[0] * lnE
        case .exponential: return e / theta[0]
        case .stretched: return pow(e / theta[0], theta[1])
        }
    }

    // MARK: Solver coordinates

    /// Parameters in the solver's coordinates: ln p for log-scaled ones, p otherwise.
    func toSolver(_ natural: [Double]) -> [Double] {
        zip(natural, logScaled).map { $1 ? log($0) : $0 }
    }
    /// Parameters in their own units from the solver's coordinates.
    func fromSolver(_ u: [Double]) -> [Double] {
        zip(u, logScaled).map { $1 ? exp($0) : $0 }
    }
    /// Bounds in the solver's coordinates.
    func solverBounds(_ natural: [ParameterBounds]) -> [ParameterBounds] {
        zip(natural, logScaled).map { b, isLog in
            isLog ? ParameterBounds(lower: b.lower > 0 ? log(b.lower) : -.infinity, upper: log(b.upper)) : b
        }
    }

    /// E(x) = (eˣ − 1)/x and F(x) = E′(x) = (x·eˣ − (eˣ − 1))/x², the factors of the nested decay:
    /// with L = ln e and x = β·L, g = α·L·E(x), ∂g/∂α = L·E(x), ∂g/∂β = α·L²·F(x).
    /// For |x| < 0.05 the Taylor series E = Σ_{k≥0} x^k/(k+1)!, F = Σ_{k≥0} (k+1)·x^k/(k+2)! (nine terms,
    /// truncation below 10⁻¹⁷) replace the closed forms, whose cancellation would cost digits near β = 0;
    /// this is the smooth β → 0 limit (E → 1: g → α ln e, the power law).
    @inline(__always)
    static func nestedFactors(_ x: Double) -> (e: Double, f: Double) {
        if abs(x) < 0.05 {
            // Horner forms of the two series, terms k = 0 … 8.
            let e = 1 + x * (1.0 / 2 + x * (1.0 / 6 + x * (1.0 / 24 + x * (1.0 / 120 + x * (1.0 / 720
                + x * (1.0 / 5040 + x * (1.0 / 40320 + x * (1.0 / 362880))))))))
            let f = 1.0 / 2 + x * (2.0 / 6 + x * (3.0 / 24 + x * (4.0 / 120 + x * (5.0 / 720 + x * (6.0 / 5040
                + x * (7.0 / 40320 + x * (8.0 / 362880 + x * (9.0 / 3628800))))))))
            return (e, f)
        }
        let em1 = expm1(x)
        return (em1 / x, (x * (em1 + 1) - em1) / (x * x))
    }

    /// Fills g[j] = g(e_j; θ) for j < count and, when `d0`/`d1` are given, the derivatives ∂g/∂u_k with
    /// respect to the solver coordinates u (u = ln τ for τ: ∂g/∂u = τ·∂g/∂τ). One switch, then one tight loop.
    /// Returns false if any value is not finite.
    func evaluateDecay(_ u: [Double], epochs: UnsafePointer<Double>, lnEpochs: UnsafePointer<Double>, count: Int,
                       g: UnsafeMutablePointer<Double>,
                       d0: UnsafeMutablePointer<Double>?, d1: UnsafeMutablePointer<Double>?) -> Bool
    {
        var finite = true
        switch self {
        case .power:
            let alpha = u[0]
            for j in 0..<count { g[j] = alpha * lnEpochs[j] }
            if let d0 { for j in 0..<count { d0[j] = lnEpochs[j] } }
        case .nested:
            let alpha = u[0], beta = u[1]
            if let d0, let d1 {
                for j in 0..<count {
                    let lnE = lnEpochs[j]
                    let (e, f) = CoolingModel.nestedFactors(beta * lnE)
                    g[j] = alpha * lnE * e
                    d0[j] = lnE * e
                    d1[j] = alpha * lnE * lnE * f
                }
            } else {
                for j in 0..<count {
                    let lnE = lnEpochs[j]
                    g[j] = alpha * lnE * CoolingModel.nestedFactors(beta * lnE).e
                }
            }
        case .exponential:
            let rate = exp(-u[0])
            for j in 0..<count { g[j] = epochs[j] * rate }
            if let d0 { for j in 0..<count { d0[j] = -g[j] } }
            finite = rate.isFinite
        case .stretched:
            let lnTau = u[0], beta = u[1]
            for j in 0..<count { g[j] = exp(beta * (lnEpochs[j] - lnTau)) }
            if let d0, let d1 {
                for j in 0..<count {
                    d0[j] = -beta * g[j]
                    d1[j] = (lnEpochs[j] - lnTau) * g[j]
                }
            }
        }
        if self != .power {
            // A cheap overflow check: the sum is finite only if every term is.
            var s = 0.0
            for j in 0..<count { s += g[j] }
            finite = finite && s.isFinite
        }
        return finite
    }
}
