import Foundation

/// What `coolingAnalysis` does: which curves and window, the primary model, the models compared, and which
/// resampling intervals to compute.
public struct CoolingAnalysisOptions: Codable, Sendable {
    /// The window of epochs [from, to] to fit.
    public var window: EpochWindow = EpochWindow()
    /// Signal, noise or both curves of every layer.
    public var curves: CurveSelection = .signal
    /// The primary model (the nested decay by default).
    public var model: CoolingModel = .nested
    /// The models fitted for the comparison (the primary one is always included).
    public var comparedModels: [CoolingModel] = CoolingModel.allCases
    /// Whether to run the commonality test (shared vs per-curve decay parameters).
    public var commonality: Bool = true
    /// The block bootstrap over epochs, if wanted.
    public var blockBootstrap: BlockBootstrapOptions? = BlockBootstrapOptions()
    /// The bootstrap over traces, used when two or more runs are given.
    public var traceBootstrap: TraceBootstrapOptions? = TraceBootstrapOptions()
    /// The level of the Jacobian intervals.
    public var level: Double = 0.95
    /// Bounds per model (keyed by the model's raw value), replacing its defaults.
    public var bounds: [String: [ParameterBounds]] = [:]
    /// Solver settings.
    public var solver: LevenbergMarquardt.Options = LevenbergMarquardt.Options()
    /// The defaults: nested model on the signal curves, every model compared, commonality test, block bootstrap
    /// (and trace bootstrap with two or more runs), 95 % Jacobian intervals.
    public init() {}
}

/// One model's fit in a comparison, or the error that prevented it.
public struct ModelFitOutcome: Codable, Sendable {
    /// The model fitted.
    public var model: CoolingModel
    /// Its fit on the comparison's points (nil when it failed).
    public var fit: CoolingFit?
    /// Why the fit failed, as one line (nil when it succeeded).
    public var error: String?
}

/// The cooling analysis of one or several runs: the primary fit, the model comparison, the commonality test,
/// the resampling intervals, and one sentence a person can quote.
public struct CoolingAnalysis: Codable, Sendable {
    /// The options the analysis ran with.
    public var options: CoolingAnalysisOptions
    /// The epochs actually covered.
    public var window: EpochWindow
    /// The curves fitted (run, layer, kind).
    public var curves: [String]
    /// How many runs (traces) were pooled.
    public var runs: Int
    /// The primary model's fit (Jacobian intervals).
    public var fit: CoolingFit
    /// Every compared model's fit or error.
    public var fits: [ModelFitOutcome]
    /// The compared models ranked by AIC and BIC.
    public var comparison: ModelComparison
    /// Shared against per-curve decay parameters (ΔAIC, ΔBIC, F test); nil when not asked for or failed.
    public var commonality: CommonalityTest?
    /// Why the commonality test could not be made, if it was asked for and failed.
    public var commonalityError: String?
    /// Block-bootstrap intervals over epochs (nil when not asked for).
    public var blockBootstrap: BootstrapIntervals?
    /// Bootstrap intervals over traces (nil with a single run or when not asked for).
    public var traceBootstrap: BootstrapIntervals?
    /// The interval shown in `summary`: the bootstrap over traces if made, else the block bootstrap, else the
    /// Jacobian one; a bootstrap that gives no interval for some parameter (degenerate, or too few replicates)
    /// is passed over.
    public var reportedInterval: IntervalMethod
    /// Every warning of the primary fit and the bootstraps.
    public var warnings: [FitWarning]
    /// One quotable sentence, e.g. "late decay [40, 900], 4 signal curves: nested α = 0.93 ± 0.02,
    /// β = 0.21 ± 0.04 (block bootstrap 95%); power-law α = 0.93; exponential rejected by ΔAIC = 3810;
    /// common decay holds: shared decay preferred over per-curve decays by ΔAIC = 12".
    public var summary: String
}

/// The cooling analysis of a single run's curves (see the `runs:` form).
public func coolingAnalysis(_ curves: [CoolingCurve], options: CoolingAnalysisOptions = CoolingAnalysisOptions()) throws(CoolingFitError) -> CoolingAnalysis {
    try coolingAnalysis(runs: [curves], options: options)
}

/// The cooling analysis (docs/definitions.md, "Cooling fit"): selects the curves (signal, noise or both) of every
/// run, fits the primary model jointly (every run's curve its own amplitude, shared θ), fits the compared
/// models on the same points and ranks them (`ModelComparison`), tests commonality (`CommonalityTest`), and
/// computes the block bootstrap over epochs and — with two or more runs — the bootstrap over traces.
/// Only a failure of the primary fit, or a block bootstrap asked for with a block not shorter than the window
/// (`blockTooLong`), is thrown; other failures are recorded in the result.
public func coolingAnalysis(runs: [[CoolingCurve]], options: CoolingAnalysisOptions = CoolingAnalysisOptions()) throws(CoolingFitError) -> CoolingAnalysis {
    let selected = labelledRuns(runs.map { $0.filter { options.curves.includes($0.kind) } }.filter { !$0.isEmpty })
    guard !selected.isEmpty else { throw .noCurves(selection: options.curves.rawValue) }
    let data = try PreparedCurves(selected.flatMap { $0 }, window: options.window)
    func engine(_ model: CoolingModel) throws(CoolingFitError) -> FitEngine {
        try FitEngine(model: model, data: data, bounds: options.bounds[model.rawValue], options: options.solver)
    }
    let primaryEngine = try engine(options.model)
    let (primary, primarySolution) = try primaryEngine.fit(level: options.level)

    var outcomes: [(model: CoolingModel, result: Result<CoolingFit, CoolingFitError>)] = []
    for model in [options.model] + options.comparedModels.filter({ $0 != options.model }) {
        if model == options.model { outcomes.append((model, .success(primary))); continue }
        do { outcomes.append((model, .success(try engine(model).fit(level: options.level).fit))) } catch {
            outcomes.append((model, .failure(error)))
        }
    }
    let comparison = ModelComparison(outcomes)

    var commonalityResult: CommonalityTest? = nil
    var commonalityError: String? = nil
    if options.commonality {
        do { commonalityResult = try commonality(engine: primaryEngine, sharedFit: primary, sharedSolution: primarySolution) } catch {
            commonalityError = error.description
        }
    }
    let block = try options.blockBootstrap.map { options throws(CoolingFitError) in
        try blockBootstrap(engine: primaryEngine, solution: primarySolution, options: options)
    }
    var traces: BootstrapIntervals? = nil
    if selected.count >= 2, let traceOptions = options.traceBootstrap {
        traces = try traceBootstrap(runs: selected, engine: primaryEngine, solution: primarySolution,
                                    window: options.window, options: traceOptions)
    }
    // A bootstrap that gives no interval (a degenerate one) is not quoted: the Jacobian interval is, and a warning says why.
    let reported: IntervalMethod = traces?.givesIntervals == true ? .traceBootstrapPercentile
        : (block?.givesIntervals == true ? .blockBootstrapPercentile : .jacobianStudentT)
    let warnings = primary.warnings + (block?.warnings ?? []) + (traces?.warnings ?? [])
    let fits = outcomes.map { outcome -> ModelFitOutcome in
        switch outcome.result {
        case .success(let fit): return ModelFitOutcome(model: outcome.model, fit: fit, error: nil)
        case .failure(let error): return ModelFitOutcome(model: outcome.model, fit: nil, error: error.description)
        }
    }
    var analysis = CoolingAnalysis(
        options: options, window: data.window, curves: data.names, runs: selected.count, fit: primary, fits: fits,
        comparison: comparison, commonality: commonalityResult, commonalityError: commonalityError,
        blockBootstrap: block, traceBootstrap: traces, reportedInterval: reported, warnings: warnings, summary: "")
    analysis.summary = coolingSummary(analysis)
    return analysis
}

/// The quotable sentence of an analysis (see `CoolingAnalysis.summary`): the window and curves; the primary
/// model's parameters with the reported interval as "value ± half-width" (or "+up/−down" when asymmetric) and
/// its method; the power-law exponent when the power law was fitted alongside; the model AIC prefers when it is
/// not the primary one; every model rejected by ΔAIC > 10 and every model stuck at a bound; the commonality
/// verdict.
public func coolingSummary(_ analysis: CoolingAnalysis) -> String {
    let fit = analysis.fit
    let model = fit.model
    let kinds = analysis.options.curves == .both ? "signal and noise" : analysis.options.curves.rawValue
    let runs = analysis.runs > 1 ? " from \(analysis.runs) runs" : ""
    var parts: [String] = []
    let interval: (Int) -> ConfidenceInterval? = { k in
        switch analysis.reportedInterval {
        case .traceBootstrapPercentile: return analysis.traceBootstrap?.parameters[k].interval
        case .blockBootstrapPercentile: return analysis.blockBootstrap?.parameters[k].interval
        case .jacobianStudentT: return fit.parameters[k].interval
        }
    }
    let level = formatShort(100 * (interval(0)?.level ?? analysis.options.level))
    let method: String
    switch analysis.reportedInterval {
    case .traceBootstrapPercentile: method = "trace bootstrap \(level)%"
    case .blockBootstrapPercentile: method = "block bootstrap \(level)%"
    case .jacobianStudentT: method = "Jacobian \(level)%"
    }
    let values = fit.parameters.enumerated().map { k, p -> String in
        let symbol = model.parameterSymbols[k]
        guard let i = interval(k) else { return "\(symbol) = \(formatShort(p.value))" }
        return "\(symbol) = \(formatValueWithInterval(p.value, lower: i.lower, upper: i.upper))"
    }
    parts.append("\(model.displayName) \(values.joined(separator: ", ")) (\(method))")
    for p in fit.parameters where p.atBound != nil {
        parts.append("\(model.displayName) \(model.parameterSymbols[model.parameterNames.firstIndex(of: p.name)!]) at its \(p.atBound!.rawValue) bound")
    }
    if model != .power, let power = analysis.fits.first(where: { $0.model == .power })?.fit, let alpha = power.parameters.first {
        let d = decimalsForError(alpha.standardError ?? abs(alpha.value) * 0.01)
        parts.append("power-law α = \(formatDecimals(alpha.value, d))")
    }
    if let best = analysis.comparison.preferredByAIC, best != model,
       let delta = analysis.comparison.entry(model)?.deltaAIC {
        parts.append("AIC prefers \(best.displayName) (\(model.displayName) ΔAIC = \(formatDelta(delta)))")
    }
    for entry in analysis.comparison.entries where entry.model != model {
        if let delta = entry.deltaAIC, delta > 10 {
            parts.append("\(entry.model.displayName) rejected by ΔAIC = \(formatDelta(delta))")
        }
        if entry.atBound { parts.append("\(entry.model.displayName) has no optimum inside its bounds") }
        if entry.error != nil { parts.append("\(entry.model.displayName) fit failed") }
    }
    if let c = analysis.commonality { parts.append(c.sentence) }
    return "late decay \(fit.window.description), \(fit.curves.count) \(kinds) curve\(fit.curves.count == 1 ? "" : "s")\(runs): "
        + parts.joined(separator: "; ")
}

/// An information-criterion difference: no decimals from 10 up, one below.
func formatDelta(_ d: Double) -> String { formatDecimals(d, abs(d) >= 10 ? 0 : 1) }
