import Foundation

/// AIC and BIC of a least-squares fit under a Gaussian likelihood of its residuals (here: in log space).
///
/// With n residuals, RSS their sum of squares and k free parameters including the variance, the maximised
/// log-likelihood (σ̂² = RSS/n) is ln L̂ = −(n/2)·(ln(2π·RSS/n) + 1), and
/// AIC = 2k − 2 ln L̂ (Akaike, 1974), BIC = k·ln n − 2 ln L̂ (Schwarz, 1978).
/// Differences between fits to the same data are what matter; an RSS of exactly 0 is floored at the smallest
/// normal double so that the criteria stay finite.
public struct InformationCriteria: Codable, Sendable, Equatable {
    /// RSS, the sum of squared (log-space) residuals.
    public var residualSumOfSquares: Double
    /// n, the number of residuals.
    public var pointCount: Int
    /// k, the free parameters, the variance included.
    public var parameterCount: Int
    /// ln L̂ = −(n/2)·(ln(2π·RSS/n) + 1).
    public var logLikelihood: Double
    /// AIC = 2k − 2 ln L̂.
    public var aic: Double
    /// BIC = k·ln n − 2 ln L̂.
    public var bic: Double

    /// The criteria of a fit with residual sum of squares `rss`, `n` points and `k` free parameters.
    public init(residualSumOfSquares rss: Double, pointCount n: Int, parameterCount k: Int) {
        residualSumOfSquares = rss
        pointCount = n
        parameterCount = k
        let nd = Double(n)
        logLikelihood = -0.5 * nd * (log(2 * Double.pi * max(rss, Double.leastNormalMagnitude) / nd) + 1)
        aic = 2 * Double(k) - 2 * logLikelihood
        bic = Double(k) * log(nd) - 2 * logLikelihood
    }
}

/// The models fitted to the same data, ranked by AIC and BIC.
///
/// ΔAIC_m = AIC_m − min AIC (likewise ΔBIC); Akaike weights w_m = exp(−ΔAIC_m/2)/Σ exp(−ΔAIC/2) (Burnham &
/// Anderson, *Model selection and multimodel inference*, 2002). A model with ΔAIC > 10 has essentially no
/// support and is called *rejected*. Ties within 10⁻⁶ go to the earlier model in `CoolingModel.allCases`
/// order (nested first): nested and stretched fits coincide when 0 < β < 1. Fits that failed are listed with
/// their error and take no part.
public struct ModelComparison: Codable, Sendable {
    /// One model's line in the comparison.
    public struct Entry: Codable, Sendable {
        /// The model fitted.
        public var model: CoolingModel
        /// The fit's AIC (nil if it failed).
        public var aic: Double?
        /// The fit's BIC (nil if it failed).
        public var bic: Double?
        /// ΔAIC_m = AIC_m − min AIC (nil if the fit failed).
        public var deltaAIC: Double?
        /// ΔBIC_m = BIC_m − min BIC (nil if the fit failed).
        public var deltaBIC: Double?
        /// The Akaike weight w_m = exp(−ΔAIC_m/2)/Σ exp(−ΔAIC/2) (nil if the fit failed).
        public var akaikeWeight: Double?
        /// A parameter ended on a bound (the model has no optimum inside its box).
        public var atBound: Bool
        /// Why the fit failed, if it did.
        public var error: String?
    }
    /// One entry per model, in the order the outcomes were given.
    public var entries: [Entry]
    /// The preferred model by AIC and by BIC (nil if every fit failed).
    public var preferredByAIC: CoolingModel?
    /// The model with ΔBIC = 0, ties to the earlier in `CoolingModel.allCases` (nil if every fit failed).
    public var preferredByBIC: CoolingModel?

    /// The entry of `model`.
    public func entry(_ model: CoolingModel) -> Entry? { entries.first { $0.model == model } }

    /// Ranks the outcomes: a fit, or the error that prevented it.
    public init(_ outcomes: [(model: CoolingModel, result: Result<CoolingFit, CoolingFitError>)]) {
        let fits: [CoolingFit] = outcomes.compactMap { try? $0.result.get() }
        let minAIC = fits.map(\.aic).min() ?? 0
        let minBIC = fits.map(\.bic).min() ?? 0
        let weightSum = fits.map { exp(-0.5 * ($0.aic - minAIC)) }.reduce(0, +)
        entries = outcomes.map { outcome in
            switch outcome.result {
            case .success(let fit):
                return Entry(model: outcome.model, aic: fit.aic, bic: fit.bic, deltaAIC: fit.aic - minAIC,
                             deltaBIC: fit.bic - minBIC, akaikeWeight: exp(-0.5 * (fit.aic - minAIC)) / weightSum,
                             atBound: fit.hasParameterAtBound, error: nil)
            case .failure(let error):
                return Entry(model: outcome.model, aic: nil, bic: nil, deltaAIC: nil, deltaBIC: nil, akaikeWeight: nil,
                             atBound: false, error: error.description)
            }
        }
        func preferred(_ delta: KeyPath<Entry, Double?>) -> CoolingModel? {
            let order = CoolingModel.allCases
            return entries.filter { $0[keyPath: delta] != nil && $0[keyPath: delta]! <= 1e-6 }
                .min { order.firstIndex(of: $0.model)! < order.firstIndex(of: $1.model)! }?.model
        }
        preferredByAIC = preferred(\.deltaAIC)
        preferredByBIC = preferred(\.deltaBIC)
    }
}

/// Whether one decay describes every curve: the same model fitted with shared θ against the model fitted to
/// each curve separately (its own amplitude *and* its own θ_c — "per-layer decays").
///
/// Both fits use one Gaussian noise variance: shared k_s = C + p + 1, per-curve k_c = C·(1 + p) + 1, with
/// RSS_c = Σ_curves RSS of the separate fits. ΔAIC = AIC_shared − AIC_per-curve (likewise ΔBIC): negative means
/// the shared decay is preferred, positive that the curves decay differently. The nested F-test
/// F = ((RSS_s − RSS_c)/d₁) / (RSS_c/d₂), d₁ = (C − 1)·p, d₂ = n − C·(1 + p), gives the p-value of the
/// hypothesis "the decay is common" (small: reject commonality) — under independent residuals, so optimistic
/// for autocorrelated ones, like the Jacobian errors.
public struct CommonalityTest: Codable, Sendable {
    /// One curve's own decay parameters.
    public struct CurveDecay: Codable, Sendable {
        /// The curve's name ("layer 2 signal", …).
        public var curve: String
        /// The curve's own θ_c from its separate fit.
        public var parameters: [FittedParameter]
        /// The separate fit's RSS.
        public var residualSumOfSquares: Double
    }
    /// The model fitted both ways.
    public var model: CoolingModel
    /// The criteria of the shared fit, k_s = C + p + 1.
    public var shared: InformationCriteria
    /// The criteria of the separate fits together, k_c = C·(1 + p) + 1, RSS_c = Σ_curves RSS.
    public var perCurve: InformationCriteria
    /// The separate fits' parameters, curve by curve.
    public var curveDecays: [CurveDecay]
    /// AIC_shared − AIC_per-curve.
    public var deltaAIC: Double
    /// BIC_shared − BIC_per-curve.
    public var deltaBIC: Double
    /// F = max(0, (RSS_s − RSS_c)/d₁) / (RSS_c/d₂); 0 when d₂ ≤ 0 or RSS_c = 0.
    public var fStatistic: Double
    /// [d₁, d₂] = [(C − 1)·p, n − C·(1 + p)].
    public var fDegreesOfFreedom: [Int]
    /// P(F > F_observed) under a common decay.
    public var pValue: Double
    /// ΔAIC ≤ 0.
    public var sharedPreferredByAIC: Bool
    /// ΔBIC ≤ 0.
    public var sharedPreferredByBIC: Bool

    /// Whether the common decay holds by the documented criterion, ΔAIC ≤ 2 (`CommonDecayCriterion`).
    public var commonDecayHolds: Bool
    /// Whether the same criterion on ΔBIC (ΔBIC ≤ 2) gives the other verdict.
    public var bicDisagrees: Bool { CommonDecayCriterion.holds(deltaAIC: deltaBIC) != commonDecayHolds }

    /// The verdict of the documented criterion (`CommonDecayCriterion.verdict`), e.g. "common decay holds: shared
    /// decay preferred over per-curve decays by ΔAIC = 12".
    public var sentence: String { CommonDecayCriterion.verdict(deltaAIC: deltaAIC) }
}

/// The one criterion of a common decay, used by the commonality test (`thermo fit-cooling`), the onset e* of the
/// late common regime (`thermo regimes`, `thermo plot signal`) and their words: the shared decay fits as well as
/// per-curve decays — the common decay *holds* — when ΔAIC = AIC_shared − AIC_per-curve ≤ threshold, 2 by default
/// (models within 2 AIC units have substantial support; Burnham & Anderson, *Model selection and multimodel
/// inference*, 2002, §2.6; docs/analysis.md, "The onset e*" and "Commonality").
public enum CommonDecayCriterion {
    /// The default threshold on ΔAIC.
    public static let defaultThreshold = 2.0

    /// Whether the common decay holds: ΔAIC ≤ `threshold`.
    public static func holds(deltaAIC: Double, threshold: Double = defaultThreshold) -> Bool { deltaAIC <= threshold }

    /// The verdict in words, with |ΔAIC| as the closing sentence quotes it: "common decay holds: shared decay
    /// preferred over per-curve decays by ΔAIC = 7.9" (ΔAIC ≤ 0); "common decay holds: per-curve decays fit better
    /// by only ΔAIC = 0.8 (≤ 2)" (0 < ΔAIC ≤ threshold); "common decay does not hold: per-curve decays preferred
    /// over a shared one by ΔAIC = 8.0 (> 2)".
    public static func verdict(deltaAIC: Double, threshold: Double = defaultThreshold) -> String {
        let d = formatDecimals(abs(deltaAIC), abs(deltaAIC) >= 10 ? 0 : 1)
        let limit = formatShort(threshold)
        if deltaAIC <= 0 { return "common decay holds: shared decay preferred over per-curve decays by ΔAIC = \(d)" }
        if holds(deltaAIC: deltaAIC, threshold: threshold) {
            return "common decay holds: per-curve decays fit better by only ΔAIC = \(d) (≤ \(limit))"
        }
        return "common decay does not hold: per-curve decays preferred over a shared one by ΔAIC = \(d) (> \(limit))"
    }
}

/// The commonality test of `model` on `curves` within `window` (see `CommonalityTest`).
public func commonalityTest(_ curves: [CoolingCurve], model: CoolingModel = .nested,
                            window: EpochWindow = EpochWindow(), bounds: [ParameterBounds]? = nil,
                            options: LevenbergMarquardt.Options = LevenbergMarquardt.Options()) throws(CoolingFitError) -> CommonalityTest
{
    guard !curves.isEmpty else { throw .noCurves(selection: "input") }
    let data = try PreparedCurves(curves, window: window)
    let engine = try FitEngine(model: model, data: data, bounds: bounds, options: options)
    let (sharedFit, solution) = try engine.fit()
    return try commonality(engine: engine, sharedFit: sharedFit, sharedSolution: solution)
}

/// The commonality test from a shared fit already made on `engine`'s data.
func commonality(engine: FitEngine, sharedFit: CoolingFit, sharedSolution: LevenbergMarquardt.Solution) throws(CoolingFitError) -> CommonalityTest {
    let data = engine.data, model = engine.model
    let curves = data.curveCount, p = model.parameterCount, n = data.pointCount
    guard curves >= 2 else { throw .tooFewCurves(have: curves, purpose: "the commonality test") }
    var decays: [CommonalityTest.CurveDecay] = []
    var rss = 0.0
    for c in 0..<curves {
        let one = data.single(c)
        let single: FitEngine
        do {
            single = try FitEngine(model: model, data: one, bounds: engine.bounds, options: engine.options)
        } catch {
            if case .tooFewPoints(_, let have, let need, _) = error {
                throw .tooFewPoints(model: model, have: have, need: need,
                                    detail: "\(data.names[c]) alone, for its own decay parameters in the commonality test")
            }
            throw error
        }
        // Start at the shared optimum; fall back to the profiled start.
        let solution: LevenbergMarquardt.Solution
        do { solution = try single.solve(start: nil, solverStart: sharedSolution.parameters) } catch {
            solution = try single.solve(start: nil)
        }
        let fit = single.summarize(solution, level: 0.95)
        rss += solution.chiSquare
        decays.append(.init(curve: data.names[c], parameters: fit.parameters, residualSumOfSquares: solution.chiSquare))
    }
    let shared = InformationCriteria(residualSumOfSquares: sharedFit.residualSumOfSquares, pointCount: n, parameterCount: curves + p + 1)
    let perCurve = InformationCriteria(residualSumOfSquares: rss, pointCount: n, parameterCount: curves * (1 + p) + 1)
    let d1 = (curves - 1) * p, d2 = n - curves * (1 + p)
    var f = 0.0, pValue = 1.0
    if d2 > 0, rss > 0 {
        f = max(0, (sharedFit.residualSumOfSquares - rss) / Double(d1)) / (rss / Double(d2))
        pValue = fDistributionUpperTail(f, Double(d1), Double(d2))
    }
    let dAIC = shared.aic - perCurve.aic, dBIC = shared.bic - perCurve.bic
    return CommonalityTest(model: model, shared: shared, perCurve: perCurve, curveDecays: decays,
                           deltaAIC: dAIC, deltaBIC: dBIC, fStatistic: f, fDegreesOfFreedom: [d1, d2], pValue: pValue,
                           sharedPreferredByAIC: dAIC <= 0, sharedPreferredByBIC: dBIC <= 0,
                           commonDecayHolds: CommonDecayCriterion.holds(deltaAIC: dAIC))
}
