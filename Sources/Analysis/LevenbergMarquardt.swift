import Foundation
import NumericCore

// Levenberg–Marquardt with box bounds, in Float64, on problems that supply their own normal equations.

/// A nonlinear least-squares problem min_θ χ²(θ) = Σ_i r_i(θ)², seen through its normal equations.
///
/// The problem never hands out its residual vector: it returns χ², and at a linearisation point also
/// A = JᵀJ (row-major p×p) and the gradient half g = Jᵀr, with J_ik = ∂r_i/∂θ_k. This lets a problem exploit
/// its structure (the cooling fits eliminate their linear amplitudes by variable projection and work on
/// unique epochs), and keeps the solver's cost independent of the number of residuals.
public protocol LeastSquaresProblem: AnyObject {
    /// The number p of parameters the solver varies.
    var parameterCount: Int { get }
    /// χ²(θ) = Σ r_i(θ)²; a non-finite value marks θ as unacceptable.
    func sumOfSquares(_ parameters: [Double]) -> Double
    /// Fills `jtj` (p×p, row-major) with JᵀJ and `jtr` (p) with Jᵀr at θ and returns χ²(θ).
    func normalEquations(_ parameters: [Double], jtj: inout [Double], jtr: inout [Double]) -> Double
}

/// A closed interval [lower, upper] for one parameter; ±∞ means unbounded on that side.
public struct ParameterBounds: Sendable, Equatable, Codable {
    /// The lower end (−∞: unbounded below).
    public var lower: Double
    /// The upper end (+∞: unbounded above).
    public var upper: Double
    /// The interval [lower, upper] (lower ≤ upper, checked); unbounded by default.
    public init(lower: Double = -.infinity, upper: Double = .infinity) {
        precondition(lower <= upper, "bounds: lower \(lower) exceeds upper \(upper)")
        self.lower = lower
        self.upper = upper
    }
    /// No bound on either side.
    public static let unbounded = ParameterBounds()
    /// The nearest point of [lower, upper] to x.
    @inline(__always) public func clamp(_ x: Double) -> Double { min(max(x, lower), upper) }

    // Infinite bounds are written as null in JSON (JSON has no infinity).
    enum CodingKeys: String, CodingKey { case lower, upper }
    /// Decodes the bounds, a missing or null end as ∓∞.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lower = try c.decodeIfPresent(Double.self, forKey: .lower) ?? -.infinity
        upper = try c.decodeIfPresent(Double.self, forKey: .upper) ?? .infinity
    }
    /// Encodes the bounds, an infinite end as null.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lower.isFinite ? lower : nil, forKey: .lower)
        try c.encode(upper.isFinite ? upper : nil, forKey: .upper)
    }
}

/// Which side of its box a parameter ended on.
public enum BoundSide: String, Codable, Sendable { case lower, upper }

/// The Levenberg–Marquardt solver did not converge: after how many iterations, and what it was doing.
public struct LevenbergMarquardtError: Error, Equatable, Sendable, DescribedError {
    /// Why it stopped: the iteration limit, a non-finite χ² at the start, or a damping that grew without
    /// bound while the gradient was still large.
    public enum Reason: String, Codable, Sendable {
        case iterationLimit = "iteration limit reached"
        case nonFiniteStart = "χ² is not finite at the starting point"
        case dampingOverflow = "no step reduces χ² although the gradient is not small"
    }
    /// Why the solver stopped.
    public let reason: Reason
    /// Trial steps taken (accepted and rejected).
    public let iterations: Int
    /// The last trial step δθ (after projection onto the bounds), in the solver's coordinates.
    public let lastStep: [Double]
    /// The parameters at the last accepted point.
    public let parameters: [Double]
    /// χ² at the last accepted point.
    public let chiSquare: Double
    /// The damping λ at the end.
    public let damping: Double

    /// The error as one line: reason, iterations, last step, parameters, χ² and λ.
    public var description: String {
        let step = lastStep.map { formatShort($0) }.joined(separator: ", ")
        let theta = parameters.map { formatShort($0) }.joined(separator: ", ")
        return "Levenberg–Marquardt did not converge: \(reason.rawValue) after \(iterations) iterations; "
            + "last step (\(step)) at parameters (\(theta)), χ² = \(formatShort(chiSquare)), λ = \(formatShort(damping))"
    }
}

/// Levenberg–Marquardt for bound-constrained nonlinear least squares.
///
/// Each iteration solves the damped normal equations (A + λ·D)·δ = −g on the *free* parameters, where A = JᵀJ,
/// g = Jᵀr, and D = diag(A) kept as the running maximum of the diagonal seen so far (Marquardt's scaling as in
/// Moré, "The Levenberg–Marquardt algorithm: implementation and theory", 1978). A parameter is held fixed
/// (active) when it lies on a bound and the descent direction −g points out of the box. The trial point is
/// projected onto the box, θ' = Π(θ + δ), and judged by the gain ratio ρ = (χ²(θ) − χ²(θ'))/(−2δ'ᵀg − δ'ᵀAδ')
/// with δ' = θ' − θ. Accepted steps (ρ > 10⁻⁴) shrink λ by max(1/3, 1 − (2ρ − 1)³); rejected ones multiply it
/// by ν (ν = 2, doubling on each consecutive rejection) — Nielsen's update (Madsen, Nielsen & Tingleff,
/// *Methods for non-linear least squares problems*, 2004, Alg. 3.16).
///
/// Convergence (any one):
/// - gradient: every free parameter has |g_k| ≤ gtol·√(A_kk·χ²) — the cosine between the residual and the
///   k-th Jacobian column (MINPACK's `gtol` test);
/// - relative step: ‖δ'‖₂ ≤ xtol·(‖θ‖₂ + xtol);
/// - χ² change: an accepted step with relative actual and predicted reductions both ≤ ftol;
/// - an exact fit, χ² = 0;
/// - no further reduction: λ has grown past 10¹⁶ while the largest gradient cosine is below √gtol
///   (the minimum is reached to machine precision).
/// Otherwise `LevenbergMarquardtError` is thrown.
public enum LevenbergMarquardt {
    /// Tolerances and limits; the defaults suit well-scaled problems in Float64.
    public struct Options: Sendable, Equatable, Codable {
        /// Maximum number of trial steps (accepted or rejected).
        public var maxIterations: Int = 200
        /// xtol of the relative-step criterion.
        public var relativeStepTolerance: Double = 1e-10
        /// gtol of the gradient (cosine) criterion.
        public var gradientTolerance: Double = 1e-10
        /// ftol of the χ²-change criterion.
        public var chiSquareTolerance: Double = 1e-14
        /// The initial damping λ₀ (relative to D).
        public var initialDamping: Double = 1e-3
        /// A parameter within boundTolerance·max(1, |bound|) of a bound counts as *at* the bound.
        public var boundTolerance: Double = 1e-6
        /// The default tolerances and limits.
        public init() {}
    }

    /// Which criterion ended the iteration.
    public enum Convergence: String, Codable, Sendable {
        case gradient = "gradient"
        case relativeStep = "relative step"
        case chiSquareChange = "χ² change"
        case exactFit = "exact fit"
        case noFurtherReduction = "no further reduction at machine precision"
    }

    /// The minimum found.
    public struct Solution: Sendable {
        /// θ̂, in the problem's coordinates.
        public var parameters: [Double]
        /// χ²(θ̂).
        public var chiSquare: Double
        /// JᵀJ at θ̂ (p×p, row-major).
        public var jtj: [Double]
        /// Jᵀr at θ̂.
        public var gradient: [Double]
        /// Trial steps taken.
        public var iterations: Int
        /// The criterion that stopped the iteration.
        public var convergence: Convergence
        /// For each parameter, the bound it ended on (within the bound tolerance), if any.
        public var boundContacts: [BoundSide?]
    }

    /// Minimises χ²(θ) of `problem` from `start` within `bounds` (one per parameter).
    public static func minimize(_ problem: some LeastSquaresProblem, start: [Double], bounds: [ParameterBounds],
                                options: Options = Options()) throws(LevenbergMarquardtError) -> Solution
    {
        let p = problem.parameterCount
        precondition(start.count == p && bounds.count == p, "minimize: \(p) parameters, \(start.count) starts, \(bounds.count) bounds")
        var theta = (0..<p).map { bounds[$0].clamp(start[$0]) }
        var a = [Double](repeating: 0, count: p * p)
        var g = [Double](repeating: 0, count: p)
        var chi2 = problem.normalEquations(theta, jtj: &a, jtr: &g)
        var lambda = options.initialDamping
        var nu = 2.0
        var scale = (0..<p).map { max(a[$0 * p + $0], Double.leastNormalMagnitude) }
        var lastStep = [Double](repeating: 0, count: p)
        guard chi2.isFinite, a.allSatisfy(\.isFinite), g.allSatisfy(\.isFinite) else {
            throw LevenbergMarquardtError(reason: .nonFiniteStart, iterations: 0, lastStep: lastStep,
                                          parameters: theta, chiSquare: chi2, damping: lambda)
        }

        func contacts() -> [BoundSide?] { boundContacts(theta, bounds: bounds, tolerance: options.boundTolerance) }
        func freeMask() -> [Bool] { freeParameters(contacts(), gradient: g) }
        func gradientCosine(_ free: [Bool]) -> Double { largestGradientCosine(free, jtj: a, gradient: g, chiSquare: chi2) }
        func solution(_ how: Convergence, _ iterations: Int) -> Solution {
            Solution(parameters: theta, chiSquare: chi2, jtj: a, gradient: g, iterations: iterations,
                     convergence: how, boundContacts: contacts())
        }

        if chi2 == 0 { return solution(.exactFit, 0) }
        var iteration = 0
        while iteration < options.maxIterations {
            let free = freeMask()
            let freeIndex = (0..<p).filter { free[$0] }
            if freeIndex.isEmpty || gradientCosine(free) <= options.gradientTolerance {
                return solution(.gradient, iteration)
            }
            iteration += 1
            let delta = dampedStep(jtj: a, gradient: g, scale: scale, damping: lambda, free: freeIndex)
            var trial = theta
            for (i, k) in freeIndex.enumerated() { trial[k] = bounds[k].clamp(theta[k] + delta[i]) }
            for k in 0..<p { lastStep[k] = trial[k] - theta[k] }
            if isSmallStep(lastStep, at: theta, tolerance: options.relativeStepTolerance) {
                return solution(.relativeStep, iteration)
            }

            let predicted = predictedReduction(jtj: a, gradient: g, step: lastStep)
            let trialChi2 = problem.sumOfSquares(trial)
            let actual = chi2 - trialChi2
            let rho = (trialChi2.isFinite && predicted > 0) ? actual / predicted : -1
            if rho > 1e-4 {
                let previous = chi2
                theta = trial
                chi2 = problem.normalEquations(theta, jtj: &a, jtr: &g)
                for k in 0..<p { scale[k] = max(scale[k], a[k * p + k]) }
                let t = 2 * rho - 1
                lambda *= max(1.0 / 3.0, 1 - t * t * t)
                nu = 2
                if chi2 == 0 { return solution(.exactFit, iteration) }
                let ftol = options.chiSquareTolerance
                if actual <= ftol * previous && predicted <= ftol * previous && rho <= 2 {
                    return solution(.chiSquareChange, iteration)
                }
            } else {
                lambda *= nu
                nu *= 2
                if lambda > 1e16 || !lambda.isFinite {
                    if gradientCosine(freeMask()) <= options.gradientTolerance.squareRoot() {
                        return solution(.noFurtherReduction, iteration)
                    }
                    throw LevenbergMarquardtError(reason: .dampingOverflow, iterations: iteration, lastStep: lastStep,
                                                  parameters: theta, chiSquare: chi2, damping: lambda)
                }
            }
        }
        throw LevenbergMarquardtError(reason: .iterationLimit, iterations: iteration, lastStep: lastStep,
                                      parameters: theta, chiSquare: chi2, damping: lambda)
    }

    /// For each parameter, the bound θ_k lies on (within `tolerance`, relative to the bound's size), if any.
    static func boundContacts(_ theta: [Double], bounds: [ParameterBounds], tolerance: Double) -> [BoundSide?] {
        theta.indices.map { k in
            let b = bounds[k]
            if b.lower.isFinite, theta[k] - b.lower <= tolerance * max(1, abs(b.lower)) { return .lower }
            if b.upper.isFinite, b.upper - theta[k] <= tolerance * max(1, abs(b.upper)) { return .upper }
            return nil
        }
    }

    /// Which parameters may move: those off their bounds, and those on one whose descent direction −g_k points
    /// back into the box.
    static func freeParameters(_ contacts: [BoundSide?], gradient g: [Double]) -> [Bool] {
        contacts.indices.map { k in
            switch contacts[k] {
            case .lower: return g[k] <= 0  // −g points inwards (upwards): free
            case .upper: return g[k] >= 0
            case nil: return true
            }
        }
    }

    /// The largest cosine |g_k| / √(A_kk χ²) over the free parameters.
    static func largestGradientCosine(_ free: [Bool], jtj a: [Double], gradient g: [Double], chiSquare chi2: Double) -> Double {
        let p = g.count
        var worst = 0.0
        for k in 0..<p where free[k] {
            let denominator = (a[k * p + k] * chi2).squareRoot()
            let c = denominator > 0 ? abs(g[k]) / denominator : (g[k] == 0 ? 0 : .infinity)
            worst = max(worst, c)
        }
        return worst
    }

    /// The step δ of the free parameters from the damped normal equations (A_FF + λ·diag(scale_F)) δ = −g_F.
    static func dampedStep(jtj a: [Double], gradient g: [Double], scale: [Double], damping lambda: Double,
                           free freeIndex: [Int]) -> [Double] {
        let p = g.count, m = freeIndex.count
        var system = [Double](repeating: 0, count: m * m)
        var rhs = [Double](repeating: 0, count: m)
        for (i, ki) in freeIndex.enumerated() {
            rhs[i] = -g[ki]
            for (j, kj) in freeIndex.enumerated() { system[i * m + j] = a[ki * p + kj] }
            system[i * m + i] += lambda * scale[ki]
        }
        return SymmetricLinearAlgebra.solve(system, rhs, dimension: m).solution
    }

    /// Whether the step is below the relative tolerance: ‖δ‖ ≤ xtol · (‖θ‖ + xtol).
    static func isSmallStep(_ step: [Double], at theta: [Double], tolerance xtol: Double) -> Bool {
        var stepNorm = 0.0, thetaNorm = 0.0
        for k in step.indices {
            stepNorm += step[k] * step[k]
            thetaNorm += theta[k] * theta[k]
        }
        return stepNorm.squareRoot() <= xtol * (thetaNorm.squareRoot() + xtol)
    }

    /// The reduction of χ² the linear model predicts for the step δ: −2δᵀg − δᵀAδ.
    static func predictedReduction(jtj a: [Double], gradient g: [Double], step: [Double]) -> Double {
        let p = g.count
        var predicted = 0.0
        for i in 0..<p {
            var ad = 0.0
            for j in 0..<p { ad += a[i * p + j] * step[j] }
            predicted -= 2 * step[i] * g[i] + step[i] * ad
        }
        return predicted
    }
}

/// A number in at most 4 significant digits, trailing zeros dropped (C's %.4g: "0.2134", "-3", "1e-10"), for
/// messages.
func formatShort(_ x: Double) -> String { NumberText.short(x) }
