import Foundation

/// The fitted decay parameters as a function of the window start: fits of one model on [s, end] for a series
/// of starts s, so that a reader sees whether one exponent describes the run at all (docs/definitions.md).
public struct WindowScan: Codable, Sendable {
    /// One window's fit, or why it failed.
    public struct Point: Codable, Sendable {
        /// The requested window start s.
        public var start: Double
        /// Points in [s, end].
        public var pointCount: Int
        /// The shared parameters (nil if the fit failed).
        public var parameters: [FittedParameter]?
        /// RSS/ν of the window's fit (nil if it failed).
        public var reducedChiSquare: Double?
        /// Whether a parameter ended on a bound.
        public var atBound: Bool
        /// Why the fit failed, if it did.
        public var error: String?
    }
    /// The decay model fitted in every window.
    public var model: CoolingModel
    /// The common window end (nil: the last epoch).
    public var end: Double?
    /// One fit per window start, in the order of the starts.
    public var points: [Point]
}

/// Fits `model` on [s, end] for every s in `starts` (default: about `count` starts spaced evenly in ln e,
/// snapped to recorded epochs, from the first epoch to the last one that leaves at least
/// max(10, C + p + 1) points per curve). Each fit starts from the previous window's optimum (falling back to
/// the profiled start), which keeps neighbouring windows on the same branch of the χ² surface.
/// Failures are recorded per window, not thrown.
public func windowScan(_ curves: [CoolingCurve], model: CoolingModel = .nested, starts: [Double]? = nil,
                       end: Double? = nil, count: Int = 20, bounds: [ParameterBounds]? = nil,
                       options: LevenbergMarquardt.Options = LevenbergMarquardt.Options()) throws(CoolingFitError) -> WindowScan
{
    guard !curves.isEmpty else { throw .noCurves(selection: "input") }
    let all = try PreparedCurves(curves, window: EpochWindow(from: nil, to: end))
    let chosen = starts ?? defaultWindowStarts(all, model: model, count: count)
    var points: [WindowScan.Point] = []
    var previous: [Double]? = nil
    for s in chosen {
        do {
            let data = try PreparedCurves(curves, window: EpochWindow(from: s, to: end))
            let engine = try FitEngine(model: model, data: data, bounds: bounds, options: options)
            let solution: LevenbergMarquardt.Solution
            if let previous, let warm = try? engine.solve(start: nil, solverStart: previous) {
                solution = warm
            } else {
                solution = try engine.solve(start: nil)
            }
            previous = solution.parameters
            let fit = engine.summarize(solution, level: 0.95)
            points.append(.init(start: s, pointCount: data.pointCount, parameters: fit.parameters,
                                reducedChiSquare: fit.reducedChiSquare, atBound: fit.hasParameterAtBound, error: nil))
        } catch {
            points.append(.init(start: s, pointCount: 0, parameters: nil, reducedChiSquare: nil, atBound: false,
                                error: error.description))
        }
    }
    return WindowScan(model: model, end: end, points: points)
}

/// About `count` window starts evenly spaced in ln e over the recorded epochs, snapped to the first recorded
/// epoch at or after each target, leaving at least max(10, C + p + 1) epochs after the last start.
func defaultWindowStarts(_ data: PreparedCurves, model: CoolingModel, count: Int) -> [Double] {
    let keep = max(10, data.curveCount + model.parameterCount + 1)
    let epochs = data.epochs
    guard epochs.count > keep, count > 0 else { return epochs.first.map { [$0] } ?? [] }
    let first = epochs[0], last = epochs[epochs.count - keep]
    var starts: [Double] = []
    for k in 0..<count {
        let target = count == 1 ? first : exp(log(first) + (log(last) - log(first)) * Double(k) / Double(count - 1))
        if let e = epochs.first(where: { $0 >= target * (1 - 1e-12) }), e <= last, starts.last != e { starts.append(e) }
    }
    return starts
}

/// The effective exponent of one curve at one epoch.
public struct EffectiveExponentPoint: Codable, Sendable, Equatable {
    /// The epoch e₀ at which α_eff is taken.
    public var epoch: Double
    /// α_eff(e) = −d ln S / d ln e.
    public var exponent: Double
    /// Points with positive weight in the local regression.
    public var pointsUsed: Int
}

/// One curve's smoothed effective exponent.
public struct CurveEffectiveExponent: Codable, Sendable {
    /// The curve's name ("layer 2 signal", …).
    public var curve: String
    /// The half-width h of the smoothing window, in ln e.
    public var halfWidth: Double
    /// α_eff at each of the curve's epochs whose window holds enough points.
    public var points: [EffectiveExponentPoint]
}

/// The smoothed effective exponent α_eff(e) = −d ln S / d ln e of one curve, at each of its epochs.
///
/// Local linear regression of y = ln S on x = ln e (Cleveland, "Robust locally weighted regression and
/// smoothing scatterplots", 1979, without the robustness iterations): at x₀ = ln e₀ the points with
/// |x − x₀| < h get tricube weights w = (1 − |x − x₀|³/h³)³, and α_eff(e₀) is minus the weighted least-squares
/// slope, −Σw(x − x̄)(y − ȳ)/Σw(x − x̄)² (weighted means x̄, ȳ). The window is fixed in ln e, so it spans the
/// same factor e^{±h} of epochs everywhere (h = 0.25: from 0.78·e₀ to 1.28·e₀). Epochs whose window holds
/// fewer than `minimumPoints` weighted points are omitted. For a pure power law S ∝ e^(−α) the result is α
/// exactly; for the nested decay it is α·e^β.
///
/// Throws for non-positive, non-finite values or non-positive epochs (ln undefined).
public func effectiveExponent(epochs: [Double], values: [Double], halfWidth h: Double = 0.25,
                              minimumPoints: Int = 3, curve: String = "curve") throws(CoolingFitError) -> [EffectiveExponentPoint]
{
    precondition(epochs.count == values.count, "effectiveExponent: \(epochs.count) epochs, \(values.count) values")
    precondition(h > 0, "effectiveExponent: the half-width must be positive")
    var points: [(x: Double, y: Double, e: Double)] = []
    points.reserveCapacity(epochs.count)
    for (e, v) in zip(epochs, values) {
        guard e.isFinite, v.isFinite else { throw .nonFiniteValue(curve: curve, epoch: e, value: v) }
        guard e > 0 else { throw .nonPositiveEpoch(curve: curve, epoch: e) }
        guard v > 0 else { throw .nonPositiveValue(curve: curve, epoch: e, value: v) }
        points.append((log(e), log(v), e))
    }
    points.sort { $0.x < $1.x }
    var result: [EffectiveExponentPoint] = []
    var lo = 0, hi = 0
    let h3 = h * h * h
    for i in 0..<points.count {
        let x0 = points[i].x
        while lo < points.count && points[lo].x <= x0 - h { lo += 1 }
        while hi < points.count && points[hi].x < x0 + h { hi += 1 }
        var sw = 0.0, sx = 0.0, sy = 0.0, used = 0
        for k in lo..<hi {
            let d = abs(points[k].x - x0)
            let t = 1 - d * d * d / h3
            let w = t * t * t
            guard w > 0 else { continue }
            sw += w; sx += w * points[k].x; sy += w * points[k].y
            used += 1
        }
        guard used >= minimumPoints else { continue }
        let mx = sx / sw, my = sy / sw
        var sxy = 0.0, sxx = 0.0
        for k in lo..<hi {
            let d = abs(points[k].x - x0)
            let t = 1 - d * d * d / h3
            let w = t * t * t
            guard w > 0 else { continue }
            sxy += w * (points[k].x - mx) * (points[k].y - my)
            sxx += w * (points[k].x - mx) * (points[k].x - mx)
        }
        guard sxx > 0 else { continue }
        result.append(EffectiveExponentPoint(epoch: points[i].e, exponent: -sxy / sxx, pointsUsed: used))
    }
    return result
}

/// `effectiveExponent` for every curve, on the epochs in `window`.
public func effectiveExponents(_ curves: [CoolingCurve], window: EpochWindow = EpochWindow(), halfWidth: Double = 0.25,
                               minimumPoints: Int = 3) throws(CoolingFitError) -> [CurveEffectiveExponent]
{
    var result: [CurveEffectiveExponent] = []
    for curve in curves {
        var epochs: [Double] = [], values: [Double] = []
        for (e, v) in zip(curve.epochs, curve.values) where window.contains(e) || !e.isFinite {
            epochs.append(e)
            values.append(v)
        }
        let points = try effectiveExponent(epochs: epochs, values: values, halfWidth: halfWidth,
                                           minimumPoints: minimumPoints, curve: curve.name)
        result.append(CurveEffectiveExponent(curve: curve.name, halfWidth: halfWidth, points: points))
    }
    return result
}
