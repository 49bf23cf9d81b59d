import Foundation

/// How an interval was obtained; every reported interval names its method.
public enum IntervalMethod: String, Codable, Sendable {
    /// θ̂ ± t_{(1+level)/2}(ν)·σ̂_θ with σ̂² from s²(JᵀJ)⁻¹ — assumes independent residuals (optimistic when they
    /// are autocorrelated along training time).
    case jacobianStudentT = "Jacobian s²(JᵀJ)⁻¹ with Student t quantile"
    /// Percentiles of refits to block-resampled residuals along epochs.
    case blockBootstrapPercentile = "block bootstrap over epochs, percentile"
    /// Percentiles of refits to resampled whole traces (runs).
    case traceBootstrapPercentile = "bootstrap over traces, percentile"
}

/// A two-sided interval at a confidence level, with the method that produced it.
public struct ConfidenceInterval: Codable, Sendable, Equatable {
    /// The lower end of the interval.
    public var lower: Double
    /// The upper end of the interval.
    public var upper: Double
    /// The nominal coverage, e.g. 0.95.
    public var level: Double
    /// How the interval was obtained.
    public var method: IntervalMethod
    /// Whether x lies in [lower, upper].
    public func contains(_ x: Double) -> Bool { x >= lower && x <= upper }
}

/// One shared decay parameter of a fit.
public struct FittedParameter: Codable, Sendable {
    /// "alpha", "beta" or "tau".
    public var name: String
    /// The estimate, in the parameter's own units.
    public var value: Double
    /// The Jacobian standard error (delta method for log-scaled parameters); nil if not identifiable.
    public var standardError: Double?
    /// The Jacobian interval at the fit's level (`IntervalMethod.jacobianStudentT`); nil if not identifiable.
    public var interval: ConfidenceInterval?
    /// The box the parameter was fitted in.
    public var bounds: ParameterBounds
    /// The bound the parameter ended on, if any.
    public var atBound: BoundSide?
}

/// The amplitude a_c of one curve, with its Jacobian standard error
/// σ̂²(a_c) = s²·(1/n_c + m_cᵀ(JᵀJ)⁻¹m_c), m_c the curve's mean of ∂g/∂θ (the Schur-complement form of the
/// amplitude block of the full inverse).
public struct CurveAmplitude: Codable, Sendable {
    /// The curve's name ("layer 2 signal", …).
    public var curve: String
    /// a_c, the fitted intercept of ln S_c(e) = a_c − g(e; θ).
    public var value: Double
    /// σ̂(a_c) by the formula above; nil if not identifiable.
    public var standardError: Double?
    /// Points of this curve in the window.
    public var pointCount: Int
}

/// Something a reader of a fit must know before trusting its numbers.
public struct FitWarning: Codable, Sendable, Equatable {
    /// What the warning is about.
    public enum Kind: String, Codable, Sendable {
        /// A parameter ended on (or within a tiny tolerance of) a bound of its box.
        case parameterAtBound
        /// JᵀJ is singular: some parameters are not identifiable, their errors are unknown.
        case notIdentifiable
        /// Some bootstrap replicates did not converge and were left out.
        case bootstrapFailures
        /// Too few traces or replicates for a reliable interval.
        case fewResamples
        /// Every bootstrap replicate gave the same value of a parameter: the resampling cannot move the fit, and
        /// no interval is given.
        case degenerateBootstrap
    }
    /// What the warning is about.
    public var kind: Kind
    /// The parameter concerned, if one.
    public var parameter: String?
    /// One line saying what happened and why it matters.
    public var message: String
}

/// A joint cooling fit of one model to several curves: ln S_c(e) = a_c − g(e; θ) on a window of epochs.
///
/// Information criteria use the Gaussian likelihood of the log-space residuals with the maximum-likelihood
/// variance σ̂² = RSS/n: ln L̂ = −(n/2)·(ln(2π·RSS/n) + 1), and k = C + p + 1 free parameters (C amplitudes,
/// p shared decay parameters, the variance):
/// AIC = 2k − 2 ln L̂,  BIC = k·ln n − 2 ln L̂  (Akaike 1974; Schwarz 1978).
/// The reduced χ² is RSS/ν with ν = n − C − p, the s² of the Jacobian errors.
public struct CoolingFit: Codable, Sendable {
    /// The decay model g(e; θ) fitted.
    public var model: CoolingModel
    /// The formula fitted, e.g. "ln S = a − α(e^β − 1)/β".
    public var formula: String
    /// The epochs actually covered: [first, last] epoch in the window.
    public var window: EpochWindow
    /// The curves' names, in order.
    public var curves: [String]
    /// The shared decay parameters θ.
    public var parameters: [FittedParameter]
    /// Correlations of the shared parameters (in the solver's coordinates, ln τ for τ); nil if not identifiable.
    public var parameterCorrelation: [[Double]]?
    /// Per-curve amplitudes a_c.
    public var amplitudes: [CurveAmplitude]
    /// n, the number of (epoch, curve) points.
    public var pointCount: Int
    /// k = C + p + 1, the free parameters counted by AIC and BIC.
    public var parameterCount: Int
    /// ν = n − C − p.
    public var degreesOfFreedom: Int
    /// RSS = Σ (ln S − fitted)².
    public var residualSumOfSquares: Double
    /// RSS/ν.
    public var reducedChiSquare: Double
    /// ln L̂ (see the type's documentation).
    public var logLikelihood: Double
    /// AIC = 2k − 2 ln L̂.
    public var aic: Double
    /// BIC = k·ln n − 2 ln L̂.
    public var bic: Double
    /// Levenberg–Marquardt iterations and the criterion that ended them.
    public var iterations: Int
    /// The criterion that ended the iterations (`LevenbergMarquardt.Convergence` raw value).
    public var convergence: String
    /// Warnings; empty for a clean fit.
    public var warnings: [FitWarning]

    /// The parameter named `name` ("alpha", "beta", "tau").
    public func parameter(_ name: String) -> FittedParameter? { parameters.first { $0.name == name } }
    /// Whether some parameter ended on a bound.
    public var hasParameterAtBound: Bool { parameters.contains { $0.atBound != nil } }
}

/// Fits `model` jointly to `curves` (each its own amplitude, shared θ) on the epochs in `window`, in log space,
/// by bound-constrained Levenberg–Marquardt with the amplitudes eliminated (variable projection; see
/// `LevenbergMarquardt` and the problem's documentation). The start is found by profiling the linear
/// parameter over a grid of the nonlinear one, unless `start` (θ in its own units) is given.
///
/// Errors: `CoolingFitError` for empty windows, too few points, non-positive or non-finite values, and
/// non-convergence.
public func coolingFit(_ curves: [CoolingCurve], model: CoolingModel = .nested,
                       window: EpochWindow = EpochWindow(), bounds: [ParameterBounds]? = nil,
                       start: [Double]? = nil, level: Double = 0.95,
                       options: LevenbergMarquardt.Options = LevenbergMarquardt.Options()) throws(CoolingFitError) -> CoolingFit
{
    guard !curves.isEmpty else { throw .noCurves(selection: "input") }
    let data = try PreparedCurves(curves, window: window)
    return try FitEngine(model: model, data: data, bounds: bounds, options: options)
        .fit(start: start, level: level).fit
}

/// The machinery of one fit, kept for refits (bootstrap replicates, scans) on the same layout.
struct FitEngine {
    let model: CoolingModel
    let data: PreparedCurves
    let bounds: [ParameterBounds]
    let solverBounds: [ParameterBounds]
    let options: LevenbergMarquardt.Options
    let problem: CoolingLeastSquares

    init(model: CoolingModel, data: PreparedCurves, bounds: [ParameterBounds]?, options: LevenbergMarquardt.Options) throws(CoolingFitError) {
        try data.requirePoints(for: model)
        let b = bounds ?? model.defaultBounds
        precondition(b.count == model.parameterCount, "\(model): \(model.parameterCount) bounds expected, \(b.count) given")
        self.model = model
        self.data = data
        self.bounds = b
        self.solverBounds = model.solverBounds(b)
        self.options = options
        self.problem = CoolingLeastSquares(model: model, data: data)
    }

    /// Minimises from `start` (natural units) or the profiled start; returns the solver solution.
    func solve(start: [Double]?, solverStart: [Double]? = nil) throws(CoolingFitError) -> LevenbergMarquardt.Solution {
        let u0 = solverStart ?? start.map { model.toSolver($0) } ?? problem.profiledStart(bounds: bounds)
        do {
            return try LevenbergMarquardt.minimize(problem, start: u0, bounds: solverBounds, options: options)
        } catch {
            throw .notConverged(model: model, error)
        }
    }

    /// The full fit with errors, criteria and warnings.
    func fit(start: [Double]? = nil, level: Double = 0.95) throws(CoolingFitError) -> (fit: CoolingFit, solution: LevenbergMarquardt.Solution) {
        let solution = try solve(start: start)
        return (summarize(solution, level: level), solution)
    }

    /// Turns a solver solution into a `CoolingFit`.
    func summarize(_ solution: LevenbergMarquardt.Solution, level: Double) -> CoolingFit {
        let p = model.parameterCount
        let n = data.pointCount, curves = data.curveCount
        let nu = n - curves - p
        let rss = solution.chiSquare
        let s2 = rss / Double(nu)
        let u = solution.parameters
        var warnings: [FitWarning] = []
        var covariance: [Double]? = nil
        do {
            covariance = try SymmetricLinearAlgebra.inverse(solution.jtj, dimension: p).map { $0 * s2 }
        } catch {
            warnings.append(FitWarning(kind: .notIdentifiable, parameter: nil,
                                       message: "\(model.displayName) fit: \(error.description); standard errors are not given"))
        }
        let tq = StudentT.quantile(0.5 * (1 + level), degreesOfFreedom: Double(max(nu, 1)))
        let natural = model.fromSolver(u)
        var parameters: [FittedParameter] = []
        for k in 0..<p {
            let name = model.parameterNames[k]
            var se: Double? = nil
            var interval: ConfidenceInterval? = nil
            if let covariance, covariance[k * p + k] >= 0, covariance[k * p + k].isFinite {
                let seU = covariance[k * p + k].squareRoot()
                let lo = u[k] - tq * seU, hi = u[k] + tq * seU
                if model.logScaled[k] {
                    se = natural[k] * seU
                    interval = ConfidenceInterval(lower: exp(lo), upper: exp(hi), level: level, method: .jacobianStudentT)
                } else {
                    se = seU
                    interval = ConfidenceInterval(lower: lo, upper: hi, level: level, method: .jacobianStudentT)
                }
            }
            let side = solution.boundContacts[k]
            if let side {
                let bound = side == .lower ? bounds[k].lower : bounds[k].upper
                warnings.append(FitWarning(
                    kind: .parameterAtBound, parameter: name,
                    message: "\(model.displayName): \(model.parameterSymbols[k]) = \(formatShort(natural[k])) is at its \(side.rawValue) bound \(formatShort(bound)); the model has no optimum inside its bounds, so its errors and information criteria describe a constrained fit"))
            }
            parameters.append(FittedParameter(name: name, value: natural[k], standardError: se, interval: interval,
                                              bounds: bounds[k], atBound: side))
        }
        var correlation: [[Double]]? = nil
        if let covariance {
            correlation = (0..<p).map { i in
                (0..<p).map { j in covariance[i * p + j] / (covariance[i * p + i] * covariance[j * p + j]).squareRoot() }
            }
            if correlation!.joined().contains(where: { !$0.isFinite }) { correlation = nil }
        }
        let (amplitudeValues, means, _) = problem.amplitudesAndResiduals(u)
        var amplitudes: [CurveAmplitude] = []
        for c in 0..<curves {
            let nc = data.pointCount(ofCurve: c)
            var se: Double? = nil
            if let covariance {
                var quad = 0.0
                for i in 0..<p { for j in 0..<p { quad += means[c][i] * covariance[i * p + j] * means[c][j] } }
                let v = s2 / Double(nc) + quad
                if v >= 0, v.isFinite { se = v.squareRoot() }
            }
            amplitudes.append(CurveAmplitude(curve: data.names[c], value: amplitudeValues[c], standardError: se, pointCount: nc))
        }
        let ic = InformationCriteria(residualSumOfSquares: rss, pointCount: n, parameterCount: curves + p + 1)
        return CoolingFit(
            model: model, formula: model.formula, window: data.window, curves: data.names,
            parameters: parameters, parameterCorrelation: correlation, amplitudes: amplitudes,
            pointCount: n, parameterCount: ic.parameterCount, degreesOfFreedom: nu,
            residualSumOfSquares: rss, reducedChiSquare: s2, logLikelihood: ic.logLikelihood,
            aic: ic.aic, bic: ic.bic, iterations: solution.iterations, convergence: solution.convergence.rawValue,
            warnings: warnings)
    }
}
