import Analysis
import Foundation

/// What the cooling study fits and computes: the model, the curves, the window, the boxes and solver, the
/// comparison of models, the bootstrap, the window-start scan and the effective exponents.
public struct CoolingStudyRequest: Sendable {
    /// The primary decay model.
    public var model: CoolingModel = .nested
    /// The curves fitted: each layer's signal, noise, or both.
    public var curves: CurveSelection = .signal
    /// The window [from, to] in epochs; without `from` it starts at the onset e* of the late common regime.
    public var from: Double? = nil
    /// The window's last epoch (nil: the last recorded).
    public var to: Double? = nil
    /// The primary model's parameter boxes (nil: the model's defaults).
    public var bounds: [ParameterBounds]? = nil
    /// Levenberg–Marquardt's settings.
    public var solver = LevenbergMarquardt.Options()
    /// Whether the other models are fitted on the same points and ranked, and commonality is tested.
    public var compareModels = true
    /// Bootstrap replicates (0: none): over epochs in blocks for one run, over runs for several.
    public var bootstrap = 0
    /// The block length of the block bootstrap, in epochs (nil: ⌈n^(1/3)⌉).
    public var blockLength: Int? = nil
    /// The seed of the bootstrap's resampling.
    public var seed: UInt64 = 0
    /// The confidence level of the intervals, in (0, 1): 0.95, not 95 (``validate()`` refuses others).
    public var level = 0.95
    /// The fitted parameters against the window start (nil: no scan).
    public var scan: CoolingScanRequest? = nil
    /// The smoothed effective exponents of every curve (nil: none).
    public var exponents: EffectiveExponentRequest? = nil

    /// The defaults: nested model on the signal curves, window from e*, no bootstrap, scan or exponents.
    public init() {}

    /// Refuses a request the study cannot compute, as a `.request` error naming the `thermo fit-cooling` flag:
    /// a confidence `level` outside (0, 1). `coolingStudy` checks this before it reads anything.
    public func validate() throws(StudyError) {
        try CoolingStudyRequest.checkLevel(level)
    }

    /// Refuses a confidence level outside (0, 1) (such as 95 for 95 %), as `--level` does.
    public static func checkLevel(_ level: Double) throws(StudyError) {
        guard level > 0 && level < 1 else { throw StudyError(.request, "--level takes a confidence level in (0, 1), e.g. 0.95") }
    }
}

/// The window-start scan of a cooling study: `model` fitted on [s, to] for a set of starts s. It uses the
/// study's solver settings, and the study's boxes when it fits the study's own model.
public struct CoolingScanRequest: Sendable {
    /// Where the starts come from.
    public enum Starts: Sendable {
        /// About `count` starts log-spaced from the latest signal peak (or the window's start, if earlier),
        /// snapped to recorded epochs (`regimeCandidateStarts`), as `thermo fit-cooling --scan` chooses them.
        case fromSignalPeak(count: Int)
        /// About `count` starts log-spaced over all recorded epochs (`windowScan`'s default), as the cooling
        /// figure's panel (d) draws them.
        case overAllEpochs(count: Int)
    }
    /// The model fitted at each start.
    public var model: CoolingModel
    /// The starts.
    public var starts: Starts

    /// A scan of `model` from `starts`.
    public init(model: CoolingModel, starts: Starts) {
        self.model = model
        self.starts = starts
    }
}

/// The effective exponents of a cooling study: α_eff(e) = −d ln S/d ln e of every curve by a local linear fit
/// in ln e with tricube weights of half-width h (`effectiveExponents`), on the curves' positive, finite points.
public struct EffectiveExponentRequest: Sendable {
    /// The half-width h in ln e.
    public var halfWidth: Double
    /// Whether only epochs up to the window's end are used (else every epoch).
    public var upToWindowEnd: Bool

    /// Exponents with half-width `halfWidth`, on epochs up to the window's end or on all.
    public init(halfWidth: Double = 0.25, upToWindowEnd: Bool) {
        self.halfWidth = halfWidth
        self.upToWindowEnd = upToWindowEnd
    }
}

/// The cooling curves of `runs`: every layer's signal and/or noise, labelled by run when there are several.
public func coolingCurves(_ runs: [RunSeries], selection: CurveSelection) throws(StudyError) -> [[CoolingCurve]] {
    let labelled = runs.count > 1
    return try runs.map { run throws(StudyError) -> [CoolingCurve] in
        var curves: [CoolingCurve] = []
        let label = labelled ? run.label : nil
        for layer in run.layers {
            if selection.includes(.signal) {
                guard let signal = layer.signal else { throw StudyError(.request, "\(run.path) has no signal column; use --curves noise, or add one") }
                curves.append(CoolingCurve(layer: layer.layer, kind: .signal, run: label, epochs: layer.positions, values: signal))
            }
            if selection.includes(.noise) {
                guard let noise = layer.noise else { throw StudyError(.request, "\(run.path) has no noise column; use --curves signal, or add one") }
                curves.append(CoolingCurve(layer: layer.layer, kind: .noise, run: label, epochs: layer.positions, values: noise))
            }
        }
        return curves
    }
}

/// The curve's points with positive, finite epoch and value: the points a logarithmic derivative can use.
public func positivePoints(_ curve: CoolingCurve) -> CoolingCurve {
    var c = curve
    let points = zip(curve.epochs, curve.values).filter { $0.0 > 0 && $0.1 > 0 && $0.0.isFinite && $0.1.isFinite }
    c.epochs = points.map(\.0)
    c.values = points.map(\.1)
    return c
}

/// The regime analysis that places a cooling window of `runs`: every layer's S_l and σ_l (labelled by run when
/// there are several), for the onset test on `request.curves` up to `request.to`.
func coolingRegimes(_ runs: [RunSeries], request: CoolingStudyRequest) -> (series: [RegimeSeries], options: RegimeOptions) {
    let labelled = runs.count > 1
    let series = runs.flatMap { run in run.layers.compactMap { $0.regimeSeries(run: labelled ? run.label : nil) } }
    var options = RegimeOptions()
    options.curves = request.curves
    options.end = request.to
    return (series, options)
}

/// The default start of a cooling fit's window (`thermo fit-cooling` and `thermo plot cooling` without
/// --from): the onset e* of the late common regime from `regimeAnalysis`; an `.input` error with the evidence
/// when there is none.
public func coolingWindowStart(_ runs: [RunSeries], request: CoolingStudyRequest) throws(StudyError) -> (onset: Double, analysis: RegimeAnalysis) {
    let (series, options) = coolingRegimes(runs, request: request)
    let analysis = regimeAnalysis(series, options: options)
    guard let onset = analysis.commonOnset else {
        throw StudyError(.input, "no window was given and the regimes analysis found no late common regime (\(analysis.onsetNote)); give the window with --from EPOCH [--to EPOCH] ('thermo regimes' shows the evidence)")
    }
    return (onset, analysis)
}

/// The cooling study (`thermo fit-cooling`, `thermo plot cooling`): the joint fit ln S_c(e) = a_c − g(e; θ) of
/// every selected curve of every run on the window (`coolingAnalysis`: shared θ, per-curve amplitudes, in log
/// space), with — as requested — the compared models and commonality, the bootstrap, the window-start scan and
/// the effective exponents, and the report's warnings and sentence. Fit failures are `.input` errors with
/// advice and the fit's own error; a request that ``CoolingStudyRequest/validate()`` refuses is a `.request` error.
public func coolingStudy(_ runs: [RunSeries], request: CoolingStudyRequest) throws(StudyError) -> CoolingReport {
    try request.validate()
    let curveRuns = try coolingCurves(runs, selection: request.curves)
    let (regimeSeries, regimeOptions) = coolingRegimes(runs, request: request)
    var regimes: RegimeAnalysis? = nil
    var window = CoolingReport.Window(from: request.from, to: request.to, source: "--from/--to")
    if request.from == nil {
        let (onset, analysis) = try coolingWindowStart(runs, request: request)
        regimes = analysis
        window = CoolingReport.Window(from: onset, to: request.to, source: "regimes: e* = \(formatNumber(onset)), the onset of the late common regime")
    }

    let model = request.model
    var options = CoolingAnalysisOptions()
    options.window = EpochWindow(from: window.from, to: window.to)
    options.curves = request.curves
    options.model = model
    options.level = request.level
    options.solver = request.solver
    options.bounds = request.bounds.map { [model.rawValue: $0] } ?? [:]
    if !request.compareModels {
        options.comparedModels = [model]
        options.commonality = false
    }
    let bootstrap = request.bootstrap
    options.blockBootstrap = bootstrap > 0 && runs.count == 1
        ? BlockBootstrapOptions(replicates: bootstrap, blockLength: request.blockLength, level: request.level, seed: request.seed) : nil
    options.traceBootstrap = bootstrap > 0 && runs.count > 1
        ? TraceBootstrapOptions(replicates: bootstrap, level: request.level, seed: request.seed) : nil
    let analysis: CoolingAnalysis
    do { analysis = try coolingAnalysis(runs: curveRuns, options: options) } catch {
        throw StudyError(.input, CoolingReport.advice(for: error, window: options.window), fitError: error)
    }

    let fitted = curveRuns.flatMap { $0 }
    var scanResult: WindowScan? = nil
    var exponents: [CurveEffectiveExponent]? = nil
    do throws(CoolingFitError) {
        if let scan = request.scan {
            let bounds = scan.model == model ? request.bounds : nil
            switch scan.starts {
            case .fromSignalPeak(let count):
                let latestPeak = (regimes ?? regimeAnalysis(regimeSeries, options: { var o = regimeOptions; o.candidateCount = 1; return o }()))
                    .searchFrom ?? -Double.infinity
                let scanFrom = min(window.from ?? latestPeak, latestPeak)
                let positions = fitted.flatMap(\.epochs).filter { e in request.to.map { e <= $0 } ?? true }
                let keep = max(10, fitted.count + scan.model.parameterCount + 1)
                let starts = regimeCandidateStarts(positions, from: scanFrom, keep: keep, count: count)
                scanResult = try windowScan(fitted, model: scan.model, starts: starts, end: request.to, bounds: bounds, options: request.solver)
            case .overAllEpochs(let count):
                scanResult = try windowScan(fitted, model: scan.model, end: request.to, count: count, bounds: bounds, options: request.solver)
            }
        }
        if let e = request.exponents {
            exponents = try Analysis.effectiveExponents(fitted.map(positivePoints), window: EpochWindow(from: nil, to: e.upToWindowEnd ? request.to : nil),
                                                        halfWidth: e.halfWidth)
        }
    } catch {
        throw StudyError(.input, "the scan failed: \(error.description)", fitError: error)
    }

    var warnings = analysis.warnings.map(\.message)
    for outcome in analysis.fits where outcome.model != model {
        for warning in outcome.fit?.warnings ?? [] where !warnings.contains(warning.message) { warnings.append(warning.message) }
    }
    if let error = analysis.commonalityError { warnings.append("commonality test not made: \(error)") }
    let shown: String
    switch analysis.reportedInterval {
    case .traceBootstrapPercentile: shown = analysis.traceBootstrap?.description ?? "bootstrap over traces"
    case .blockBootstrapPercentile: shown = analysis.blockBootstrap?.description ?? "block bootstrap over epochs"
    case .jacobianStudentT where (analysis.traceBootstrap ?? analysis.blockBootstrap) != nil:
        shown = "Jacobian s²(JᵀJ)⁻¹ with Student t quantile, \(formatNumber(100 * request.level))%, because the bootstrap gave no interval (see the warnings)"
    case .jacobianStudentT:
        shown = "Jacobian s²(JᵀJ)⁻¹ with Student t quantile, \(formatNumber(100 * request.level))% (assumes independent residuals: optimistic when they are autocorrelated; --bootstrap N gives honest intervals)"
    }
    let resolutions = Set(runs.map(\.resolution.description))
    return CoolingReport(inputs: runs.map(RegimesReport.Input.init), resolution: resolutions.sorted().joined(separator: " and "),
                         curves: request.curves, window: window, regimes: regimes, analysis: analysis, intervalShown: shown,
                         scan: scanResult, effectiveExponents: exponents, warnings: warnings, summary: analysis.summary,
                         fittedCurves: fitted)
}
